//! SQL for the trash: list, restore, purge, forget. Each change is one transaction with its audit row.
use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::model::{KEEP_DAYS, Purged, TrashItem};
use crate::error::AppError;
use crate::lists::list_sql;
use crate::records::db::require_edit;
use crate::records::model::ListKind;
use crate::users::model::{CurrentUser, Role};

/// Companies are not people: nothing of theirs is forgotten.
fn forgotten_at(kind: ListKind) -> &'static str {
    match kind {
        ListKind::Companies => "NULL::timestamptz",
        _ => "r.forgotten_at",
    }
}

/// The column by which timeline entries and tasks belong to a record of `kind`.
fn owner_column(kind: ListKind) -> &'static str {
    match kind {
        ListKind::Contacts => "contact_id",
        ListKind::Companies => "company_id",
        ListKind::Leads => "lead_id",
    }
}

/// The records in the trash that the user may restore (their own; an administrator: all),
/// most recently deleted first.
pub async fn list(pool: &PgPool, user: &CurrentUser) -> Result<Vec<TrashItem>, AppError> {
    require_edit(user)?;
    let parts = ListKind::ALL
        .iter()
        .map(|k| {
            let (sql, t, _) = list_sql(*k);
            format!(
                "SELECT '{t}' AS kind, r.id, {} AS name, r.deleted_at, r.updated_by, r.owner_id FROM {t} r
                  WHERE r.deleted_at > now() - make_interval(days => $3) AND {} IS NULL
                    AND r.merged_into IS NULL",
                sql.name,
                forgotten_at(*k)
            )
        })
        .collect::<Vec<_>>()
        .join(" UNION ALL ");
    let rows: Vec<(String, Uuid, String, DateTime<Utc>, Option<String>, f64)> =
        sqlx::query_as(&format!(
            "SELECT t.kind, t.id, t.name, t.deleted_at, u.display_name,
                    extract(epoch FROM t.deleted_at + make_interval(days => $3) - now())::float8 / 86400
               FROM ({parts}) t LEFT JOIN users u ON u.id = t.updated_by
              WHERE $2 OR t.owner_id = $1
              ORDER BY t.deleted_at DESC, t.id LIMIT 500"
        ))
        .bind(user.id.0)
        .bind(user.role == Role::Admin)
        .bind(KEEP_DAYS as i32)
        .fetch_all(pool)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(kind, id, name, deleted_at, deleted_by, left)| {
            Some(TrashItem {
                kind: ListKind::parse(&kind)?,
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
/// never removed). Only its owner or an administrator may, within the 30 days.
pub async fn restore(
    pool: &PgPool,
    user: &CurrentUser,
    kind: ListKind,
    id: Uuid,
) -> Result<(), AppError> {
    require_edit(user)?;
    let (_, t, entity) = list_sql(kind);
    let mut tx = pool.begin().await?;
    // A merged-away record counts as forgotten: what hung on it lives on elsewhere.
    let row: Option<(Option<Uuid>, Option<DateTime<Utc>>, Option<DateTime<Utc>>)> =
        sqlx::query_as(&format!(
            "SELECT r.owner_id, r.deleted_at, coalesce({}, CASE WHEN r.merged_into IS NOT NULL THEN r.deleted_at END)
               FROM {t} r WHERE r.id = $1{} FOR UPDATE",
            forgotten_at(kind),
            // Out of the user's scope is not there, as everywhere (not "forbidden": that would
            // tell another team the record exists).
            crate::records::db::scope_sql(user, "r", "$2")
        ))
        .bind(id)
        .bind(user.id.0)
        .fetch_optional(&mut *tx)
        .await?;
    let Some((owner, deleted_at, forgotten_at)) = row else {
        return Err(AppError::NotFound);
    };
    if user.role != Role::Admin && owner != Some(user.id.0) {
        return Err(AppError::Forbidden);
    }
    match deleted_at {
        // Restored meanwhile (by someone else, or in another tab).
        None => return Err(AppError::Conflict),
        Some(at) if at < Utc::now() - chrono::Duration::days(KEEP_DAYS) => {
            return Err(AppError::NotFound);
        }
        Some(_) if forgotten_at.is_some() => return Err(AppError::NotFound),
        Some(_) => {}
    }
    sqlx::query(&format!(
        "UPDATE {t} SET deleted_at = NULL, version = version + 1, updated_at = now(), updated_by = $2 WHERE id = $1"
    ))
    .bind(id)
    .bind(user.id.0)
    .execute(&mut *tx)
    .await?;
    crate::audit::record(
        &mut tx,
        entity,
        id,
        user.id.0,
        "restore",
        Default::default(),
    )
    .await?;
    tx.commit().await?;
    Ok(())
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
    kind: ListKind,
    ids: &[Uuid],
) -> Result<(), AppError> {
    sqlx::query(&format!(
        "DELETE FROM tasks WHERE {}",
        only_theirs(owner_column(kind))
    ))
    .bind(ids)
    .execute(&mut *conn)
    .await?;
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
    kind: ListKind,
    ids: &[Uuid],
) -> Result<(), AppError> {
    let about = owner_column(kind);
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
/// keep their value, anonymously). `$1` is the records' ids.
fn unlink(kind: ListKind) -> &'static [&'static str] {
    match kind {
        ListKind::Contacts => {
            &["UPDATE leads SET converted_contact_id = NULL WHERE converted_contact_id = ANY($1)"]
        }
        ListKind::Companies => &[
            "UPDATE leads SET converted_company_id = NULL WHERE converted_company_id = ANY($1)",
            "UPDATE contacts SET company_id = NULL WHERE company_id = ANY($1)",
            "UPDATE deals SET company_id = NULL WHERE company_id = ANY($1)",
        ],
        ListKind::Leads => &[],
    }
}

/// Removes for good what has been in the trash longer than 30 days at `now`, with its timeline,
/// tasks and the field values its history kept (the history rows stay, empty: someone deleted
/// something, nothing more); what also belongs to a record that stays is left to it. Uploads kept
/// past a day lose their content. One transaction.
pub async fn purge(pool: &PgPool, now: DateTime<Utc>) -> Result<Purged, AppError> {
    let mut tx = pool.begin().await?;
    let mut purged = Purged::default();
    // Leads first (they may point at contacts and companies), companies last.
    for kind in [ListKind::Leads, ListKind::Contacts, ListKind::Companies] {
        let (_, t, _) = list_sql(kind);
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
        match kind {
            ListKind::Contacts => purged.contacts = n,
            ListKind::Companies => purged.companies = n,
            ListKind::Leads => purged.leads = n,
        }
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
    remove_personal_data(&mut tx, kind, &[id]).await?;
    sqlx::query(&format!(
        "UPDATE activities SET subject = NULL, body = NULL WHERE {}",
        only_theirs(owner_column(kind))
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
