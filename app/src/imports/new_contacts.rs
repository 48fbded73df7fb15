//! New contacts of an import batch, written many per statement with their "created" history
//! rows (a contact at a time would be a round trip each).
use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::contacts::model::ContactDraft;
use crate::error::AppError;
use crate::users::model::CurrentUser;

/// A new contact waiting for its batch's insert.
pub struct NewContact<'r> {
    pub id: Uuid,
    pub draft: &'r ContactDraft,
    pub company: Option<Uuid>,
    pub owner: Uuid,
    pub created_at: Option<DateTime<Utc>>,
}

/// Writes the pending new contacts, and a "created" history row for each, in two statements.
pub async fn insert_contacts(
    tx: &mut PgConnection,
    user: &CurrentUser,
    pending: &mut Vec<NewContact<'_>>,
) -> Result<(), AppError> {
    if pending.is_empty() {
        return Ok(());
    }
    crate::records::db::require_edit(user)?;
    let drafts = || pending.iter().map(|p| p.draft);
    let text =
        |f: fn(&ContactDraft) -> &Option<String>| drafts().map(f).cloned().collect::<Vec<_>>();
    // Lists travel as text split on the unit separator, which no field keeps.
    let list = |f: fn(&ContactDraft) -> &Vec<String>| {
        drafts()
            .map(|d| {
                f(d).iter()
                    .map(|s| s.replace('\u{1f}', " "))
                    .collect::<Vec<_>>()
                    .join("\u{1f}")
            })
            .collect::<Vec<_>>()
    };
    let ids: Vec<Uuid> = pending.iter().map(|p| p.id).collect();
    let created: Vec<Option<DateTime<Utc>>> = pending.iter().map(|p| p.created_at).collect();
    let changes = drafts()
        .map(|d| {
            let new = serde_json::to_value(d).map_err(AppError::internal)?;
            Ok(serde_json::Value::Object(crate::audit::diff(
                &serde_json::Value::Null,
                &new,
            )))
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    sqlx::query(
        "INSERT INTO contacts (id, full_name, title, emails, phones, tags, source, birthday, address, notes,
                               company_id, owner_id, created_by, updated_by, created_at)
         SELECT u.id, u.full_name, u.title, string_to_array(u.emails, E'\\x1F'), string_to_array(u.phones, E'\\x1F'),
                string_to_array(u.tags, E'\\x1F'), u.source, u.birthday, u.address, u.notes, u.company_id, u.owner_id,
                $12, $12, COALESCE(u.created_at, now())
           FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                       $8::date[], $9::text[], $10::text[], $11::uuid[], $13::uuid[], $14::timestamptz[])
                AS u(id, full_name, title, emails, phones, tags, source, birthday, address, notes, company_id,
                     owner_id, created_at)",
    )
    .bind(&ids)
    .bind(drafts().map(|d| d.full_name.clone()).collect::<Vec<_>>())
    .bind(text(|d| &d.title))
    .bind(list(|d| &d.emails))
    .bind(list(|d| &d.phones))
    .bind(list(|d| &d.tags))
    .bind(text(|d| &d.source))
    .bind(drafts().map(|d| d.birthday).collect::<Vec<_>>())
    .bind(text(|d| &d.address))
    .bind(text(|d| &d.notes))
    .bind(pending.iter().map(|p| p.company).collect::<Vec<_>>())
    .bind(user.id.0)
    .bind(pending.iter().map(|p| p.owner).collect::<Vec<_>>())
    .bind(&created)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO audit_log (entity, entity_id, actor_id, action, changes, at)
         SELECT 'contact', u.id, $3, 'create', u.changes, COALESCE(u.at, now())
           FROM unnest($1::uuid[], $2::jsonb[], $4::timestamptz[]) AS u(id, changes, at)",
    )
    .bind(&ids)
    .bind(changes)
    .bind(user.id.0)
    .bind(&created)
    .execute(&mut *tx)
    .await?;
    pending.clear();
    Ok(())
}
