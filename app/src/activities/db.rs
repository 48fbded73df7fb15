//! SQL for activities and tasks. Callers check that the record is visible to the user first.
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::model::{
    CallOutcome, EntryBody, FieldChange, Interaction, InteractionKind, SubjectKind, Task,
    TaskAgenda, TaskId, TimelineCursor, TimelineEntry, TimelinePage,
};
use crate::error::AppError;
use crate::users::model::{CurrentUser, DataScope};

/// Stores the interaction against the record, and its follow-up task (assigned to the author);
/// the interaction's id.
pub async fn log(
    conn: &mut PgConnection,
    user: &CurrentUser,
    about: SubjectKind,
    id: Uuid,
    i: &Interaction,
) -> Result<Uuid, AppError> {
    if !user.role.can_edit_customers() {
        return Err(AppError::Forbidden);
    }
    let column = about.column();
    let activity: Uuid = sqlx::query_scalar(&format!(
        "INSERT INTO activities ({column}, kind, subject, body, call_outcome, duration_minutes, author_id, occurred_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, COALESCE($8, now())) RETURNING id"
    ))
    .bind(id)
    .bind(i.kind.as_str())
    .bind(&i.subject)
    .bind(&i.body)
    .bind(i.outcome.map(CallOutcome::as_str))
    .bind(i.duration_minutes)
    .bind(user.id.0)
    .bind(i.occurred_at)
    .fetch_one(&mut *conn)
    .await?;
    if let (InteractionKind::Note, Some(body)) = (i.kind, &i.body) {
        mention_in(conn, user, about, id, body).await?;
    }
    if let Some((title, due)) = &i.follow_up {
        sqlx::query(&format!(
            "INSERT INTO tasks ({column}, activity_id, title, due_on, assignee_id, created_by) VALUES ($1, $2, $3, $4, $5, $5)"
        ))
        .bind(id)
        .bind(activity)
        .bind(title)
        .bind(due)
        .bind(user.id.0)
        .execute(&mut *conn)
        .await?;
    }
    Ok(activity)
}

/// Tells the colleagues a note names (`@Name`) who may open its record that they were mentioned.
async fn mention_in(
    conn: &mut PgConnection,
    user: &CurrentUser,
    about: SubjectKind,
    id: Uuid,
    body: &str,
) -> Result<(), AppError> {
    let table = table(about);
    let sees = format!(
        "EXISTS (SELECT 1 FROM {table} r WHERE r.id = $2 AND r.deleted_at IS NULL AND {})",
        crate::records::db::user_sees_sql("u", "r")
    );
    let (title, link) = (
        crate::notifications::model::excerpt(body),
        format!("/{table}/{id}"),
    );
    let about = crate::notifications::db::About {
        title: &title,
        link: &link,
        ticket: None,
    };
    crate::notifications::db::mention(conn, user, body, about, &sees, id).await
}

#[derive(sqlx::FromRow)]
struct EntryRow {
    source: String,
    key: String,
    id: Option<Uuid>,
    kind: Option<String>,
    subject: Option<String>,
    body: Option<String>,
    call_outcome: Option<String>,
    duration_minutes: Option<i32>,
    at: DateTime<Utc>,
    author: Option<String>,
    changes: Option<serde_json::Value>,
    due_on: Option<NaiveDate>,
    done: Option<bool>,
}

fn show(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Array(items) => items.iter().map(show).collect::<Vec<_>>().join(", "),
        other => other.to_string(),
    }
}

/// An audit row's `{"field": {"old": …, "new": …}}` as readable changes (money in major units).
pub(crate) fn field_changes(changes: Option<serde_json::Value>) -> Vec<FieldChange> {
    changes
        .and_then(|c| c.as_object().cloned())
        .unwrap_or_default()
        .into_iter()
        .map(|(field, change)| {
            let text = |v: &serde_json::Value| match (field.as_str(), v.as_i64()) {
                ("value_minor", Some(minor)) => format!(
                    "{}.{:02}",
                    crate::money::Money::grouped(minor / 100),
                    minor % 100
                ),
                _ => show(v),
            };
            FieldChange {
                old: text(&change["old"]),
                new: text(&change["new"]),
                field,
            }
        })
        .collect()
}

/// The table a record of this kind lives in.
pub(crate) fn table(about: SubjectKind) -> &'static str {
    match about {
        SubjectKind::Contact => "contacts",
        SubjectKind::Company => "companies",
        SubjectKind::Lead => "leads",
        SubjectKind::Deal => "deals",
    }
}

/// Whether the record exists and the user may see it.
pub async fn visible<'c>(
    conn: impl sqlx::PgExecutor<'c>,
    user: &CurrentUser,
    about: SubjectKind,
    id: Uuid,
) -> Result<bool, AppError> {
    let scope = crate::records::db::scope_sql(user, "r", "$2");
    Ok(sqlx::query_scalar(&format!(
        "SELECT EXISTS (SELECT 1 FROM {} r WHERE r.id = $1 AND r.deleted_at IS NULL{scope})",
        table(about)
    ))
    .bind(id)
    .bind(user.id.0)
    .fetch_one(conn)
    .await?)
}

/// `NotFound` unless the record exists and the user may see it: the cheap check for server
/// functions that list what hangs off a record.
pub async fn require_visible(
    pool: &PgPool,
    user: &CurrentUser,
    about: SubjectKind,
    id: Uuid,
) -> Result<(), AppError> {
    if visible(pool, user, about, id).await? {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// A page of a record's history, newest first: interactions, tasks, creation and field changes,
/// and related deals' stage moves. A company's includes what was logged against its contacts.
/// Every entry passes the rule that opening its record would: what was logged on a contact, and
/// the changes of a deal, appear only if the user may see that contact or deal (and it is not
/// deleted). `NotFound` unless the user may see the record: checked in the same query, so a page
/// costs one round trip.
pub async fn timeline(
    pool: &PgPool,
    user: &CurrentUser,
    about: SubjectKind,
    id: Uuid,
    before: Option<&TimelineCursor>,
    limit: i64,
) -> Result<TimelinePage, AppError> {
    use crate::records::db::scope_sql;
    // The record itself is checked once, below; a company's contacts each on their own.
    let of = |alias: &str| match about {
        SubjectKind::Company => format!(
            "({alias}.company_id = $1 OR {alias}.contact_id IN (SELECT c.id FROM contacts c WHERE c.company_id = $1 AND c.deleted_at IS NULL{}))",
            scope_sql(user, "c", "$3")
        ),
        other => format!("{alias}.{} = $1", other.column()),
    };
    let (activities, tasks, entity) = (of("a"), of("t"), about.entity());
    // Related deals' changes (stage moves, won, lost) belong to the history too.
    let deals = match about {
        SubjectKind::Contact => "SELECT deal_id FROM deal_contacts WHERE contact_id = $1",
        SubjectKind::Company => "SELECT id FROM deals WHERE company_id = $1",
        SubjectKind::Lead => {
            "SELECT converted_deal_id FROM leads WHERE id = $1 AND converted_deal_id IS NOT NULL"
        }
        // A deal's own changes are its audit rows already.
        SubjectKind::Deal => "SELECT NULL::uuid WHERE false",
    };
    // The customer's tickets: a contact's own; a company's without a contact, and those of its
    // contacts the user may open (the tickets' own scope, `tickets::db::push_ticket_scope`).
    let tickets = match about {
        SubjectKind::Contact => "k.contact_id = $1".to_string(),
        SubjectKind::Company => format!(
            "((k.contact_id IS NULL AND k.company_id = $1) OR k.contact_id IN (SELECT c.id FROM contacts c WHERE c.company_id = $1 AND c.deleted_at IS NULL{}))",
            scope_sql(user, "c", "$3")
        ),
        SubjectKind::Lead | SubjectKind::Deal => "false".to_string(),
    };
    let deal_scope = scope_sql(user, "d", "$3");
    let scope = scope_sql(user, "r", "$3");
    let rows: Vec<EntryRow> = sqlx::query_as(&format!(
        "SELECT * FROM (
            SELECT 'activity' AS source, 'a' || a.id AS key, a.id, a.kind, a.subject, a.body, a.call_outcome, a.duration_minutes,
                   a.occurred_at AS at, u.display_name AS author, NULL::jsonb AS changes, NULL::date AS due_on, NULL::bool AS done
              FROM activities a LEFT JOIN users u ON u.id = a.author_id WHERE {activities}
            UNION ALL
            SELECT 'task', 't' || t.id, t.id, NULL, t.title, NULL, NULL, NULL, t.created_at, u.display_name, NULL, t.due_on, t.done_at IS NOT NULL
              FROM tasks t LEFT JOIN users u ON u.id = t.created_by WHERE t.deleted_at IS NULL AND {tasks}
            UNION ALL
            SELECT 'ticket', 'k' || k.id, k.id, NULL, '#' || k.number || ' ' || k.subject, NULL, NULL, NULL, k.created_at, u.display_name, NULL, NULL, NULL
              FROM tickets k LEFT JOIN users u ON u.id = k.created_by WHERE k.deleted_at IS NULL AND {tickets}
            UNION ALL
            SELECT 'audit', 'l' || l.id, NULL, l.action, NULL, NULL, NULL, NULL, l.at, u.display_name, l.changes, NULL, NULL
              FROM audit_log l LEFT JOIN users u ON u.id = l.actor_id WHERE l.entity = '{entity}' AND l.entity_id = $1
            UNION ALL
            SELECT 'deal', 'l' || l.id, NULL, l.action, d.title, NULL, NULL, NULL, l.at, u.display_name, l.changes, NULL, NULL
              FROM audit_log l JOIN deals d ON d.id = l.entity_id LEFT JOIN users u ON u.id = l.actor_id
             WHERE l.entity = 'deal' AND l.action = 'update' AND l.entity_id IN ({deals})
               AND d.deleted_at IS NULL{deal_scope}
         ) entries
         WHERE EXISTS (SELECT 1 FROM {table} r WHERE r.id = $1 AND r.deleted_at IS NULL{scope})
           AND ($4::timestamptz IS NULL OR (at, key COLLATE \"C\") < ($4, $5::text COLLATE \"C\"))
         ORDER BY at DESC, key COLLATE \"C\" DESC LIMIT $2",
        table = table(about)
    ))
    .bind(id)
    .bind(limit + 1)
    .bind(user.id.0)
    .bind(before.map(|c| c.at))
    .bind(before.map(|c| c.key.as_str()))
    .fetch_all(pool)
    .await?;
    if rows.is_empty() && !visible(pool, user, about, id).await? {
        return Err(AppError::NotFound);
    }
    let next = (rows.len() as i64 > limit).then(|| TimelineCursor {
        at: rows[limit as usize - 1].at,
        key: rows[limit as usize - 1].key.clone(),
    });
    let entries = rows
        .into_iter()
        .take(limit as usize)
        .filter_map(|r| {
            let body = match r.source.as_str() {
                "activity" => EntryBody::Interaction {
                    kind: InteractionKind::parse(r.kind.as_deref()?)?,
                    subject: r.subject,
                    body: r.body,
                    outcome: r.call_outcome.as_deref().and_then(CallOutcome::parse),
                    duration_minutes: r.duration_minutes,
                },
                "task" => EntryBody::Task {
                    id: TaskId(r.id?),
                    title: r.subject.unwrap_or_default(),
                    due_on: r.due_on,
                    done: r.done.unwrap_or(false),
                },
                "ticket" => EntryBody::Ticket {
                    id: r.id?,
                    title: r.subject.unwrap_or_default(),
                },
                _ if r.kind.as_deref() == Some("create") => EntryBody::Created,
                source => EntryBody::Changed {
                    deal: (source == "deal").then(|| r.subject.clone().unwrap_or_default()),
                    changes: field_changes(r.changes),
                },
            };
            Some(TimelineEntry {
                at: r.at,
                author: r.author,
                body,
            })
        })
        .collect();
    Ok(TimelinePage { entries, next })
}

#[derive(sqlx::FromRow)]
struct TaskRow {
    id: Uuid,
    title: String,
    due_on: Option<NaiveDate>,
    done: bool,
    link: Option<String>,
    about: Option<String>,
    kind: String,
    outcome: Option<String>,
    satisfaction: Option<i16>,
    version: i32,
}

/// Whether the record that task (or activity) `t` is about (its contact, else lead, company or
/// deal) exists and the user (id in parameter `param`) may open it.
pub(crate) fn task_record_visible(user: &CurrentUser, param: &str) -> String {
    let part = |column: &str, table: &str| {
        format!(
            "WHEN t.{column} IS NOT NULL THEN EXISTS (SELECT 1 FROM {table} r WHERE r.id = t.{column} AND r.deleted_at IS NULL{})",
            crate::records::db::scope_sql(user, "r", param)
        )
    };
    format!(
        "CASE {} {} {} {} ELSE false END",
        part("contact_id", "contacts"),
        part("lead_id", "leads"),
        part("company_id", "companies"),
        part("deal_id", "deals")
    )
}

/// Whether task `t` is not in the trash and the user (id in parameter `param`) may open its
/// record: what decides if the task is theirs to see.
pub(crate) fn task_visible(user: &CurrentUser, param: &str) -> String {
    format!(
        "t.deleted_at IS NULL AND {}",
        task_record_visible(user, param)
    )
}

/// The user's open tasks by due date (overdue, today — with those done today —, upcoming), on
/// records the user may still open (a record given to another team, or deleted, takes its tasks
/// out of sight with it).
pub async fn my_tasks(
    pool: &PgPool,
    user: &CurrentUser,
    today: NaiveDate,
) -> Result<TaskAgenda, AppError> {
    let visible = task_visible(user, "$1");
    let rows: Vec<TaskRow> = sqlx::query_as(&format!(
        "SELECT t.id, t.title, t.due_on, t.done_at IS NOT NULL AS done, t.kind, t.outcome, t.satisfaction, t.version,
                CASE WHEN t.ticket_id IS NOT NULL THEN '/tickets/' || t.ticket_id
                     WHEN t.contact_id IS NOT NULL THEN '/contacts/' || t.contact_id
                     WHEN t.lead_id IS NOT NULL THEN '/leads/' || t.lead_id
                     WHEN t.company_id IS NOT NULL THEN '/companies/' || t.company_id
                     WHEN t.deal_id IS NOT NULL THEN '/deals/' || t.deal_id END AS link,
                coalesce(c.full_name, l.full_name, co.name, d.title) AS about
           FROM tasks t LEFT JOIN contacts c ON c.id = t.contact_id LEFT JOIN leads l ON l.id = t.lead_id
                LEFT JOIN companies co ON co.id = t.company_id LEFT JOIN deals d ON d.id = t.deal_id
          WHERE t.assignee_id = $1 AND (t.done_at IS NULL OR t.done_at >= $2::date)
            AND {visible}
          ORDER BY t.due_on NULLS LAST, t.created_at"
    ))
    .bind(user.id.0)
    .bind(today)
    .fetch_all(pool)
    .await?;
    let mut mine = TaskAgenda::default();
    for r in rows {
        let task = Task {
            id: TaskId(r.id),
            title: r.title,
            due_on: r.due_on,
            done: r.done,
            link: r.link,
            about: r.about,
            visit: (r.kind == "return_visit").then(|| super::model::Visit {
                outcome: r.outcome.as_deref().and_then(CallOutcome::parse),
                satisfaction: r.satisfaction,
            }),
            version: r.version,
        };
        match task.due_on {
            Some(d) if d < today && !task.done => mine.overdue.push(task),
            Some(d) if d > today => mine.upcoming.push(task),
            None => mine.upcoming.push(task),
            _ => mine.today.push(task),
        }
    }
    Ok(mine)
}

/// Marks a task done or open again: its assignee may, and so may roles that see everything, if
/// they may open the record it is about; viewers may not.
pub async fn set_done(
    pool: &PgPool,
    user: &CurrentUser,
    task: TaskId,
    done: bool,
) -> Result<(), AppError> {
    crate::records::db::require_edit(user)?;
    let all = user.role.data_scope() == DataScope::All;
    let r = sqlx::query(&format!(
        "UPDATE tasks t SET done_at = CASE WHEN $3 THEN coalesce(done_at, now()) ELSE NULL END, version = version + 1
          WHERE t.id = $1 AND (t.assignee_id = $2 OR $4) AND {}",
        task_visible(user, "$2")
    ))
    .bind(task.0)
    .bind(user.id.0)
    .bind(done)
    .bind(all)
    .execute(pool)
    .await?;
    if r.rows_affected() == 0 {
        Err(AppError::NotFound)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests;
