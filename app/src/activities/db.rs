//! SQL for activities and tasks. Callers check that the record is visible to the user first.
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::model::{
    CallOutcome, EntryBody, FieldChange, Interaction, InteractionKind, SubjectKind, Task,
    TaskAgenda, TaskId, TimelineEntry,
};
use crate::error::AppError;
use crate::users::model::{CurrentUser, DataScope};

/// Stores the interaction against the record, and its follow-up task (assigned to the author).
pub async fn log(
    conn: &mut PgConnection,
    user: &CurrentUser,
    about: SubjectKind,
    id: Uuid,
    i: &Interaction,
) -> Result<(), AppError> {
    if !user.role.can_edit_customers() {
        return Err(AppError::Forbidden);
    }
    let column = about.column();
    let activity: Uuid = sqlx::query_scalar(&format!(
        "INSERT INTO activities ({column}, kind, subject, body, call_outcome, duration_minutes, author_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id"
    ))
    .bind(id)
    .bind(i.kind.as_str())
    .bind(&i.subject)
    .bind(&i.body)
    .bind(i.outcome.map(CallOutcome::as_str))
    .bind(i.duration_minutes)
    .bind(user.id.0)
    .fetch_one(&mut *conn)
    .await?;
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
    Ok(())
}

#[derive(sqlx::FromRow)]
struct EntryRow {
    source: String,
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

/// A record's whole history, newest first: interactions, tasks, creation and field changes. A
/// company's includes what was logged against its contacts.
pub async fn timeline(
    pool: &PgPool,
    about: SubjectKind,
    id: Uuid,
    limit: i64,
) -> Result<Vec<TimelineEntry>, AppError> {
    let of = |alias: &str| match about {
        SubjectKind::Company => format!(
            "({alias}.company_id = $1 OR {alias}.contact_id IN (SELECT id FROM contacts WHERE company_id = $1 AND deleted_at IS NULL))"
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
    };
    let rows: Vec<EntryRow> = sqlx::query_as(&format!(
        "SELECT * FROM (
            SELECT 'activity' AS source, a.id, a.kind, a.subject, a.body, a.call_outcome, a.duration_minutes,
                   a.occurred_at AS at, u.display_name AS author, NULL::jsonb AS changes, NULL::date AS due_on, NULL::bool AS done
              FROM activities a LEFT JOIN users u ON u.id = a.author_id WHERE {activities}
            UNION ALL
            SELECT 'task', t.id, NULL, t.title, NULL, NULL, NULL, t.created_at, u.display_name, NULL, t.due_on, t.done_at IS NOT NULL
              FROM tasks t LEFT JOIN users u ON u.id = t.created_by WHERE {tasks}
            UNION ALL
            SELECT 'audit', NULL, l.action, NULL, NULL, NULL, NULL, l.at, u.display_name, l.changes, NULL, NULL
              FROM audit_log l LEFT JOIN users u ON u.id = l.actor_id WHERE l.entity = '{entity}' AND l.entity_id = $1
            UNION ALL
            SELECT 'deal', NULL, l.action, d.title, NULL, NULL, NULL, l.at, u.display_name, l.changes, NULL, NULL
              FROM audit_log l JOIN deals d ON d.id = l.entity_id LEFT JOIN users u ON u.id = l.actor_id
             WHERE l.entity = 'deal' AND l.action = 'update' AND l.entity_id IN ({deals})
         ) entries ORDER BY at DESC LIMIT $2"
    ))
    .bind(id)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
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
                _ if r.kind.as_deref() == Some("create") => EntryBody::Created,
                source => EntryBody::Changed {
                    deal: (source == "deal").then(|| r.subject.clone().unwrap_or_default()),
                    changes: r
                        .changes
                        .and_then(|c| c.as_object().cloned())
                        .unwrap_or_default()
                        .into_iter()
                        .map(|(field, change)| FieldChange {
                            field,
                            old: show(&change["old"]),
                            new: show(&change["new"]),
                        })
                        .collect(),
                },
            };
            Some(TimelineEntry {
                at: r.at,
                author: r.author,
                body,
            })
        })
        .collect())
}

#[derive(sqlx::FromRow)]
struct TaskRow {
    id: Uuid,
    title: String,
    due_on: Option<NaiveDate>,
    done: bool,
    link: Option<String>,
    about: Option<String>,
}

/// The user's open tasks by due date (overdue, today — with those done today —, upcoming).
pub async fn my_tasks(
    pool: &PgPool,
    user: &CurrentUser,
    today: NaiveDate,
) -> Result<TaskAgenda, AppError> {
    let rows: Vec<TaskRow> = sqlx::query_as(
        "SELECT t.id, t.title, t.due_on, t.done_at IS NOT NULL AS done,
                CASE WHEN t.contact_id IS NOT NULL THEN '/contacts/' || t.contact_id
                     WHEN t.lead_id IS NOT NULL THEN '/leads/' || t.lead_id
                     WHEN t.company_id IS NOT NULL THEN '/companies/' || t.company_id END AS link,
                coalesce(c.full_name, l.full_name, co.name) AS about
           FROM tasks t LEFT JOIN contacts c ON c.id = t.contact_id LEFT JOIN leads l ON l.id = t.lead_id
                LEFT JOIN companies co ON co.id = t.company_id
          WHERE t.assignee_id = $1 AND (t.done_at IS NULL OR t.done_at >= $2::date)
          ORDER BY t.due_on NULLS LAST, t.created_at",
    )
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

/// Marks a task done or open again: its assignee may, and so may roles that see everything.
pub async fn set_done(
    pool: &PgPool,
    user: &CurrentUser,
    task: TaskId,
    done: bool,
) -> Result<(), AppError> {
    let all = user.role.data_scope() == DataScope::All && user.role.can_edit_customers();
    let r = sqlx::query(
        "UPDATE tasks SET done_at = CASE WHEN $3 THEN coalesce(done_at, now()) ELSE NULL END, version = version + 1
          WHERE id = $1 AND (assignee_id = $2 OR $4)",
    )
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
mod tests {
    use super::*;
    use crate::activities::model::InteractionInput;
    use crate::contacts::model::{ContactId, ContactInput};
    use crate::users::db::upsert_user;
    use crate::users::model::Role;

    fn today() -> NaiveDate {
        Utc::now().date_naive()
    }

    async fn setup(pool: &PgPool) -> (CurrentUser, ContactId) {
        let mut conn = pool.acquire().await.unwrap();
        let id = upsert_user(
            &mut conn,
            "s@t.test",
            "Sam",
            "$argon2id$x",
            Role::Sales,
            "en",
        )
        .await
        .unwrap();
        let user = CurrentUser {
            id,
            email: "s@t.test".into(),
            display_name: "Sam".into(),
            role: Role::Sales,
            locale: "en".into(),
        };
        let draft = ContactInput {
            full_name: "王伟".into(),
            ..Default::default()
        }
        .parse(today())
        .unwrap();
        let contact = crate::contacts::db::create(&mut conn, &user, &draft)
            .await
            .unwrap();
        (user, contact)
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_logged_call_and_its_follow_up_appear_in_the_timeline_and_in_my_tasks(pool: PgPool) {
        let (user, contact) = setup(&pool).await;
        let due = today() + chrono::Duration::days(2);
        let call = InteractionInput {
            kind: "call".into(),
            outcome: "connected".into(),
            duration: "12".into(),
            body: "Asked for a quote".into(),
            follow_up: "Send the quote".into(),
            follow_up_due: due.to_string(),
            ..Default::default()
        }
        .parse(today())
        .unwrap();
        let mut tx = pool.begin().await.unwrap();
        log(&mut tx, &user, SubjectKind::Contact, contact.0, &call)
            .await
            .unwrap();
        tx.commit().await.unwrap();

        let entries = timeline(&pool, SubjectKind::Contact, contact.0, 500)
            .await
            .unwrap();
        assert!(
            matches!(entries.last().unwrap().body, EntryBody::Created),
            "creation is the oldest entry"
        );
        assert!(entries.iter().any(|e| matches!(
            &e.body,
            EntryBody::Interaction {
                kind: InteractionKind::Call,
                outcome: Some(CallOutcome::Connected),
                duration_minutes: Some(12),
                ..
            }
        )));
        assert!(entries.iter().any(|e| matches!(&e.body, EntryBody::Task { title, due_on: Some(d), done: false, .. } if title == "Send the quote" && *d == due)));

        let mine = my_tasks(&pool, &user, today()).await.unwrap();
        assert_eq!(mine.upcoming.len(), 1);
        assert_eq!(mine.upcoming[0].about.as_deref(), Some("王伟"));
        assert_eq!(
            mine.upcoming[0].link,
            Some(format!("/contacts/{}", contact.0))
        );
        set_done(&pool, &user, mine.upcoming[0].id, true)
            .await
            .unwrap();
        let entries = timeline(&pool, SubjectKind::Contact, contact.0, 500)
            .await
            .unwrap();
        assert!(
            entries
                .iter()
                .any(|e| matches!(&e.body, EntryBody::Task { done: true, .. }))
        );
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn tasks_are_sorted_into_overdue_today_and_upcoming(pool: PgPool) {
        let (user, contact) = setup(&pool).await;
        for (title, offset) in [("late", -1i64), ("now", 0), ("soon", 3)] {
            sqlx::query("INSERT INTO tasks (contact_id, title, due_on, assignee_id) VALUES ($1, $2, $3, $4)")
                .bind(contact.0).bind(title).bind(today() + chrono::Duration::days(offset)).bind(user.id.0)
                .execute(&pool).await.unwrap();
        }
        let mine = my_tasks(&pool, &user, today()).await.unwrap();
        let titles = |ts: &[Task]| ts.iter().map(|t| t.title.clone()).collect::<Vec<_>>();
        assert_eq!(titles(&mine.overdue), ["late"]);
        assert_eq!(titles(&mine.today), ["now"]);
        assert_eq!(titles(&mine.upcoming), ["soon"]);
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn nobody_else_can_tick_off_a_sales_users_task(pool: PgPool) {
        let (user, contact) = setup(&pool).await;
        let task: Uuid = sqlx::query_scalar(
            "INSERT INTO tasks (contact_id, title, assignee_id) VALUES ($1, 'x', $2) RETURNING id",
        )
        .bind(contact.0)
        .bind(user.id.0)
        .fetch_one(&pool)
        .await
        .unwrap();
        let mut conn = pool.acquire().await.unwrap();
        let other_id = upsert_user(&mut conn, "o@t.test", "O", "$argon2id$x", Role::Sales, "en")
            .await
            .unwrap();
        let other = CurrentUser {
            id: other_id,
            email: "o@t.test".into(),
            display_name: "O".into(),
            role: Role::Sales,
            locale: "en".into(),
        };
        assert_eq!(
            set_done(&pool, &other, TaskId(task), true)
                .await
                .unwrap_err(),
            AppError::NotFound
        );
    }
}
