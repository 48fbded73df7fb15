//! SQL for the trash: list, restore, purge, forget. Each change is one transaction with its audit row.
use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::model::{KEEP_DAYS, Purged, TrashItem, TrashKind};
use crate::error::AppError;
use crate::lists::list_sql;
use crate::records::db::{require_edit, scope_sql, set_deleted};
use crate::records::model::ListKind;
use crate::users::model::{CurrentUser, Role};

/// Companies are not people: nothing of theirs is forgotten.
fn forgotten_at(kind: ListKind) -> &'static str {
    match kind {
        ListKind::Companies => "NULL::timestamptz",
        _ => "r.forgotten_at",
    }
}

/// The column by which timeline entries and tasks belong to a record of `kind` (none for tasks
/// and tickets: a ticket's return visits go with it by the database's cascade).
fn owner_column(kind: TrashKind) -> Option<&'static str> {
    match kind {
        TrashKind::Contacts => Some("contact_id"),
        TrashKind::Companies => Some("company_id"),
        TrashKind::Leads => Some("lead_id"),
        TrashKind::Deals => Some("deal_id"),
        TrashKind::Tasks | TrashKind::Tickets => None,
    }
}

/// A kind's SQL for the trash, over its rows `r`.
struct KindSql {
    /// The record's name.
    name: String,
    /// The user who keeps it (who may restore it, with administrators); tickets have none: those
    /// who work tickets restore them.
    keeper: &'static str,
    /// When it stopped being restorable for another reason (forgotten, or merged away: what hung
    /// on it lives on elsewhere).
    gone: String,
    /// The user's scope, with their id as the parameter given to `trash_sql`.
    scope: String,
}

fn trash_sql(kind: TrashKind, user: &CurrentUser, param: &str) -> KindSql {
    let scope = scope_sql(user, "r", param);
    let never = || "NULL::timestamptz".to_string();
    match (kind, kind.list()) {
        (_, Some(list)) => KindSql {
            name: list_sql(list).0.name.to_string(),
            keeper: "r.owner_id",
            gone: format!(
                "coalesce({}, CASE WHEN r.merged_into IS NOT NULL THEN r.deleted_at END)",
                forgotten_at(list)
            ),
            scope,
        },
        (TrashKind::Deals, _) => KindSql {
            name: "r.title".into(),
            keeper: "r.owner_id",
            gone: never(),
            scope,
        },
        (TrashKind::Tasks, _) => KindSql {
            name: "r.title".into(),
            keeper: "r.assignee_id",
            gone: never(),
            scope: String::new(),
        },
        _ => KindSql {
            name: "'#' || r.number || ' ' || r.subject".into(),
            keeper: "NULL::uuid",
            gone: never(),
            scope: String::new(),
        },
    }
}

/// The records in the trash that the user may restore (what they keep; an administrator: all;
/// tickets: those who work tickets), most recently deleted first.
pub async fn list(pool: &PgPool, user: &CurrentUser) -> Result<Vec<TrashItem>, AppError> {
    require_edit(user)?;
    let parts = TrashKind::ALL
        .iter()
        .map(|k| {
            let KindSql {
                name, keeper, gone, ..
            } = trash_sql(*k, user, "$1");
            let may = match k {
                TrashKind::Tickets => "$4",
                _ => &format!("($2 OR {keeper} = $1)"),
            };
            format!(
                "SELECT '{t}' AS kind, r.id, {name} AS name, r.deleted_at, r.updated_by FROM {t} r
                  WHERE r.deleted_at > now() - make_interval(days => $3) AND {gone} IS NULL AND {may}",
                t = k.table(),
            )
        })
        .collect::<Vec<_>>()
        .join(" UNION ALL ");
    let rows: Vec<(String, Uuid, String, DateTime<Utc>, Option<String>, f64)> =
        sqlx::query_as(&format!(
            "SELECT t.kind, t.id, t.name, t.deleted_at, u.display_name,
                    extract(epoch FROM t.deleted_at + make_interval(days => $3) - now())::float8 / 86400
               FROM ({parts}) t LEFT JOIN users u ON u.id = t.updated_by
              ORDER BY t.deleted_at DESC, t.id LIMIT 500"
        ))
        .bind(user.id.0)
        .bind(user.role == Role::Admin)
        .bind(KEEP_DAYS as i32)
        .bind(user.role.works_tickets())
        .fetch_all(pool)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(kind, id, name, deleted_at, deleted_by, left)| {
            Some(TrashItem {
                kind: TrashKind::parse(&kind)?,
                id,
                name,
                deleted_at,
                deleted_by,
                days_left: left.ceil().max(0.0) as i64,
            })
        })
        .collect())
}

/// Brings a deleted record back, with everything it had (its history, timeline and links were
/// never removed). Only its keeper or an administrator may (a ticket: those who work tickets),
/// within the 30 days; open boards and queues hear of it.
pub async fn restore(
    pool: &PgPool,
    user: &CurrentUser,
    kind: TrashKind,
    id: Uuid,
) -> Result<(), AppError> {
    require_edit(user)?;
    if kind == TrashKind::Tickets && !user.role.works_tickets() {
        return Err(AppError::Forbidden);
    }
    let KindSql {
        keeper,
        gone,
        scope,
        ..
    } = trash_sql(kind, user, "$2");
    let mut tx = pool.begin().await?;
    // Out of the user's scope is not there, as everywhere (not "forbidden": that would tell
    // another team the record exists).
    let row: Option<(Option<Uuid>, Option<DateTime<Utc>>, Option<DateTime<Utc>>)> =
        sqlx::query_as(&format!(
            "SELECT {keeper}, r.deleted_at, {gone} FROM {} r WHERE r.id = $1{scope} FOR UPDATE",
            kind.table()
        ))
        .bind(id)
        .bind(user.id.0)
        .fetch_optional(&mut *tx)
        .await?;
    let Some((keeper, deleted_at, gone)) = row else {
        return Err(AppError::NotFound);
    };
    let keeps = kind == TrashKind::Tickets || keeper == Some(user.id.0);
    if user.role != Role::Admin && !keeps {
        return Err(AppError::Forbidden);
    }
    match deleted_at {
        // Restored meanwhile (by someone else, or in another tab).
        None => return Err(AppError::Conflict),
        Some(at) if at < Utc::now() - chrono::Duration::days(KEEP_DAYS) => {
            return Err(AppError::NotFound);
        }
        Some(_) if gone.is_some() => return Err(AppError::NotFound),
        Some(_) => {}
    }
    let version = set_deleted(&mut tx, (kind.table(), kind.entity()), id, user.id.0, false).await?;
    tell(&mut tx, kind, id, version).await?;
    tx.commit().await?;
    Ok(())
}

/// Tells open boards (a deal) and queues (a ticket) that a record came back.
async fn tell(
    conn: &mut PgConnection,
    kind: TrashKind,
    id: Uuid,
    version: i32,
) -> Result<(), AppError> {
    use crate::announce::announce;
    match kind {
        TrashKind::Deals => {
            crate::deals::db::announce_saved(conn, crate::deals::model::DealId(id), version).await
        }
        TrashKind::Tickets => {
            let ticket = crate::tickets::model::TicketId(id);
            announce(conn, &crate::tickets::model::TicketChanged { ticket }).await
        }
        _ => Ok(()),
    }
}

/// The columns by which a timeline entry or task belongs to a record (a deal included).
const OWNERS: [&str; 4] = ["contact_id", "company_id", "lead_id", "deal_id"];

/// SQL that is true of a timeline entry or task (columns unqualified) that belongs to the records
/// `$1` through `about` and to nothing else. Only such rows go with them: a row that also belongs
/// to a record that stays (a converted lead's history moved to its contact, say) stays with it.
fn only_theirs(about: &str) -> String {
    let others = OWNERS
        .iter()
        .filter(|c| **c != about)
        .map(|c| format!("{c} IS NULL"))
        .collect::<Vec<_>>()
        .join(" AND ");
    format!("{about} = ANY($1) AND {others}")
}

/// Deletes the tasks that belong to the records `ids` of `kind` alone, and empties the values
/// their history kept: personal data, gone whether the record is purged or forgotten.
async fn remove_personal_data(
    conn: &mut PgConnection,
    kind: TrashKind,
    ids: &[Uuid],
) -> Result<(), AppError> {
    if let Some(about) = owner_column(kind) {
        sqlx::query(&format!("DELETE FROM tasks WHERE {}", only_theirs(about)))
            .bind(ids)
            .execute(&mut *conn)
            .await?;
    }
    sqlx::query("UPDATE audit_log SET changes = '{}' WHERE entity = $1 AND entity_id = ANY($2)")
        .bind(kind.entity())
        .bind(ids)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Removes the timeline of the records `ids` of `kind` before they go: the entries that are theirs
/// alone are deleted (a task still pointing at one keeps itself, without the link); entries and
/// tasks that also belong to a record that stays only let go of them.
async fn remove_timeline(
    conn: &mut PgConnection,
    kind: TrashKind,
    ids: &[Uuid],
) -> Result<(), AppError> {
    let Some(about) = owner_column(kind) else {
        return Ok(());
    };
    let theirs = only_theirs(about);
    let statements = [
        format!(
            "UPDATE tasks SET activity_id = NULL WHERE activity_id IN (SELECT id FROM activities WHERE {theirs})"
        ),
        format!("DELETE FROM activities WHERE {theirs}"),
        format!("UPDATE activities SET {about} = NULL WHERE {about} = ANY($1)"),
        format!("UPDATE tasks SET {about} = NULL WHERE {about} = ANY($1)"),
    ];
    for sql in &statements {
        sqlx::query(sql).bind(ids).execute(&mut *conn).await?;
    }
    Ok(())
}

/// What records of `kind` let go of before they are removed: links from records that stay (deals
/// keep their value, tickets their conversation, anonymously). `$1` is the records' ids.
fn unlink(kind: TrashKind) -> &'static [&'static str] {
    match kind {
        TrashKind::Contacts => &[
            "UPDATE leads SET converted_contact_id = NULL WHERE converted_contact_id = ANY($1)",
            "UPDATE tickets SET contact_id = NULL WHERE contact_id = ANY($1)",
        ],
        TrashKind::Companies => &[
            "UPDATE leads SET converted_company_id = NULL WHERE converted_company_id = ANY($1)",
            "UPDATE contacts SET company_id = NULL WHERE company_id = ANY($1)",
            "UPDATE deals SET company_id = NULL WHERE company_id = ANY($1)",
            "UPDATE tickets SET company_id = NULL WHERE company_id = ANY($1)",
        ],
        TrashKind::Deals => &[
            "UPDATE leads SET converted_deal_id = NULL WHERE converted_deal_id = ANY($1)",
            "UPDATE tickets SET deal_id = NULL WHERE deal_id = ANY($1)",
        ],
        TrashKind::Leads | TrashKind::Tasks | TrashKind::Tickets => &[],
    }
}

/// Removes for good what has been in the trash longer than 30 days at `now`, with its timeline,
/// tasks and the field values its history kept (the history rows stay, empty: someone deleted
/// something, nothing more); what also belongs to a record that stays is left to it. A ticket
/// goes with its conversation and return visits. Uploads kept past a day lose their content.
/// One transaction.
pub async fn purge(pool: &PgPool, now: DateTime<Utc>) -> Result<Purged, AppError> {
    use TrashKind::*;
    let mut tx = pool.begin().await?;
    let mut purged = Purged::default();
    // What points at others first (tickets and tasks at anything, leads at contacts, companies
    // and deals, deals at companies), companies last.
    for kind in [Tickets, Tasks, Leads, Deals, Contacts, Companies] {
        let t = kind.table();
        let ids: Vec<Uuid> = sqlx::query_scalar(&format!(
            "SELECT id FROM {t} WHERE deleted_at < $1 - make_interval(days => $2) FOR UPDATE"
        ))
        .bind(now)
        .bind(KEEP_DAYS as i32)
        .fetch_all(&mut *tx)
        .await?;
        if ids.is_empty() {
            continue;
        }
        remove_personal_data(&mut tx, kind, &ids).await?;
        remove_timeline(&mut tx, kind, &ids).await?;
        for sql in unlink(kind) {
            sqlx::query(sql).bind(&ids).execute(&mut *tx).await?;
        }
        let n = sqlx::query(&format!("DELETE FROM {t} WHERE id = ANY($1)"))
            .bind(&ids)
            .execute(&mut *tx)
            .await?
            .rows_affected() as i64;
        // Their ids in systems they were imported from go with them.
        sqlx::query("DELETE FROM external_ids WHERE record_id = ANY($1)")
            .bind(&ids)
            .execute(&mut *tx)
            .await?;
        *match kind {
            Contacts => &mut purged.contacts,
            Companies => &mut purged.companies,
            Leads => &mut purged.leads,
            Deals => &mut purged.deals,
            Tasks => &mut purged.tasks,
            Tickets => &mut purged.tickets,
        } = n;
    }
    purged.uploads = crate::imports::runs::expire_uploads(&mut tx).await?;
    tx.commit().await?;
    Ok(purged)
}

/// "Forget this person" (a privacy request): an administrator removes a contact's or lead's
/// personal data at once: name, emails, phones, address, birthday, notes, tags, what its timeline
/// said, its tasks and the values its history kept. What stays is anonymous: that a record
/// existed, its deals and how many calls or meetings there were. Timeline entries and tasks that
/// also belong to another record (which stays) are left to it. Uploaded files not yet imported
/// that name the person (their name, an email or a phone) lose their content. The record leaves
/// the lists and cannot be restored.
pub async fn forget(
    pool: &PgPool,
    user: &CurrentUser,
    kind: ListKind,
    id: Uuid,
) -> Result<(), AppError> {
    if user.role != Role::Admin {
        return Err(AppError::Forbidden);
    }
    let (_, t, entity) = list_sql(kind);
    let fields = match kind {
        ListKind::Contacts => "title = NULL, birthday = NULL, address = NULL, company_name = NULL",
        ListKind::Leads => "title = NULL, company_name = NULL",
        ListKind::Companies => return Err(AppError::NotFound),
    };
    let mut tx = pool.begin().await?;
    // Who they were, to find them in uploads not yet imported (before the record forgets it).
    let person: Option<(String, Vec<String>, Vec<String>)> = sqlx::query_as(&format!(
        "SELECT full_name, email_keys, phone_keys FROM {t} WHERE id = $1 AND forgotten_at IS NULL FOR UPDATE"
    ))
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((name, emails, phones)) = person else {
        return Err(AppError::NotFound);
    };
    crate::imports::runs::forget_person(&mut tx, &name, &emails, &phones).await?;
    let done = sqlx::query(&format!(
        "UPDATE {t} SET full_name = '—', emails = '{{}}', phones = '{{}}', tags = '{{}}', source = NULL,
                notes = NULL, {fields}, deleted_at = coalesce(deleted_at, now()), forgotten_at = now(),
                version = version + 1, updated_at = now(), updated_by = $2
          WHERE id = $1 AND forgotten_at IS NULL"
    ))
    .bind(id)
    .bind(user.id.0)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if done == 0 {
        return Err(AppError::NotFound);
    }
    let kind = TrashKind::from(kind);
    remove_personal_data(&mut tx, kind, &[id]).await?;
    let about = if kind == TrashKind::Leads {
        "lead_id"
    } else {
        "contact_id"
    };
    sqlx::query(&format!(
        "UPDATE activities SET subject = NULL, body = NULL WHERE {}",
        only_theirs(about)
    ))
    .bind([id].as_slice())
    .execute(&mut *tx)
    .await?;
    crate::audit::record(&mut tx, entity, id, user.id.0, "forget", Default::default()).await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod kept_tests;

#[cfg(test)]
mod kinds_tests;
