//! SQL for merging: the two records as the merge page shows them, and the merge itself.
use std::collections::BTreeMap;

use chrono::Utc;
use serde_json::{Map, json};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::model::{MergeKind, MergePreview, Related, Side};
use crate::companies::model::{CompanyId, CompanyInput};
use crate::contacts::model::{ContactId, ContactInput};
use crate::error::{AppError, Invalid};
use crate::imports::model::{Parsed, form_fields, parse_form};
use crate::lists::list_sql;
use crate::records::db::{Draft, lock_changes, require_edit, scope_sql};
use crate::users::model::CurrentUser;
use crate::{companies, contacts};

/// What hangs on record `id`: all of it (what a merge moves, and the test compares).
pub async fn related<'c>(
    db: impl sqlx::PgExecutor<'c>,
    kind: MergeKind,
    id: Uuid,
) -> Result<Related, AppError> {
    counts(db, None, kind, id).await
}

/// What hangs on record `id` that `user` may see: the counts the merge page shows. Deals and
/// contacts of another team are not counted, as they would not be listed.
pub async fn related_seen<'c>(
    db: impl sqlx::PgExecutor<'c>,
    user: &CurrentUser,
    kind: MergeKind,
    id: Uuid,
) -> Result<Related, AppError> {
    counts(db, Some(user), kind, id).await
}

async fn counts<'c>(
    db: impl sqlx::PgExecutor<'c>,
    user: Option<&CurrentUser>,
    kind: MergeKind,
    id: Uuid,
) -> Result<Related, AppError> {
    let scope = |alias: &str| user.map_or(String::new(), |u| scope_sql(u, alias, "$2"));
    let (deals, contacts) = (scope("d"), scope("x"));
    let sql = match kind {
        MergeKind::Contacts => format!(
            "SELECT (SELECT count(*) FROM activities WHERE contact_id = $1),
                    (SELECT count(*) FROM tasks WHERE contact_id = $1 AND deleted_at IS NULL),
                    (SELECT count(*) FROM deal_contacts dc JOIN deals d ON d.id = dc.deal_id
                      WHERE dc.contact_id = $1 AND ($2::uuid IS NULL OR d.deleted_at IS NULL{deals})),
                    0::int8"
        ),
        MergeKind::Companies => format!(
            "SELECT (SELECT count(*) FROM activities WHERE company_id = $1),
                    (SELECT count(*) FROM tasks WHERE company_id = $1 AND deleted_at IS NULL),
                    (SELECT count(*) FROM deals d
                      WHERE d.company_id = $1 AND ($2::uuid IS NULL OR d.deleted_at IS NULL{deals})),
                    (SELECT count(*) FROM contacts x WHERE x.company_id = $1 AND x.deleted_at IS NULL{contacts})"
        ),
    };
    let (timeline, tasks, deals, contacts) = sqlx::query_as(&sql)
        .bind(id)
        .bind(user.map(|u| u.id.0))
        .fetch_one(db)
        .await?;
    Ok(Related {
        timeline,
        tasks,
        deals,
        contacts,
    })
}

/// Records `a` and `b` side by side, as the user may see them.
pub async fn preview(
    pool: &PgPool,
    user: &CurrentUser,
    kind: MergeKind,
    a: Uuid,
    b: Uuid,
) -> Result<MergePreview, AppError> {
    if a == b {
        return Err(AppError::invalid("form", Invalid::SameRecord));
    }
    let side = async |id: Uuid| -> Result<Side, AppError> {
        let (name, version, fields) = match kind {
            MergeKind::Contacts => {
                let c = contacts::db::get(pool, user, ContactId(id)).await?;
                (
                    c.full_name.clone(),
                    c.version,
                    form_fields(&ContactInput::from(&c))?,
                )
            }
            MergeKind::Companies => {
                let c = companies::db::get(pool, user, CompanyId(id)).await?;
                (
                    c.name.clone(),
                    c.version,
                    form_fields(&CompanyInput::from(&c))?,
                )
            }
        };
        Ok(Side {
            id,
            name,
            version,
            fields,
            related: related_seen(pool, user, kind, id).await?,
        })
    };
    Ok(MergePreview {
        kind,
        a: side(a).await?,
        b: side(b).await?,
    })
}

/// What moves from the merged-away record (`$1`) to the one kept (`$2`). Contacts and deals that
/// change company get a new version, so an edit open on them becomes a conflict.
fn moves(kind: MergeKind) -> &'static [&'static str] {
    match kind {
        MergeKind::Contacts => &[
            "UPDATE activities SET contact_id = $2 WHERE contact_id = $1",
            "UPDATE tasks SET contact_id = $2 WHERE contact_id = $1",
            "UPDATE leads SET converted_contact_id = $2 WHERE converted_contact_id = $1",
            "INSERT INTO deal_contacts (deal_id, contact_id)
             SELECT deal_id, $2 FROM deal_contacts WHERE contact_id = $1 ON CONFLICT DO NOTHING",
            "DELETE FROM deal_contacts WHERE contact_id = $1",
        ],
        MergeKind::Companies => &[
            "UPDATE activities SET company_id = $2 WHERE company_id = $1",
            "UPDATE tasks SET company_id = $2 WHERE company_id = $1",
            "UPDATE leads SET converted_company_id = $2 WHERE converted_company_id = $1",
            "UPDATE contacts SET company_id = $2, version = version + 1, updated_at = now() WHERE company_id = $1",
            "UPDATE deals SET company_id = $2, version = version + 1, updated_at = now() WHERE company_id = $1",
        ],
    }
}

/// Checks that `other` is still at `version` in the user's scope (and locks it).
async fn check<D: Draft>(
    conn: &mut PgConnection,
    user: &CurrentUser,
    other: Uuid,
    version: i32,
    draft: &D,
) -> Result<(), AppError> {
    lock_changes(conn, user, D::TABLE, D::STORED, other, version, draft)
        .await
        .map(|_| ())
}

/// One side of a merge: a record and the version the user saw.
#[derive(Clone, Copy, Debug)]
pub struct Seen {
    pub id: Uuid,
    pub version: i32,
}

/// Merges `other` into `keep`: `keep` takes the `fields` chosen (parsed like its form), everything
/// that hung on `other` moves to `keep`, and `other` is deleted (out of the trash: it points at
/// `keep`). `Conflict` if either changed since the user saw it; `NotFound` outside the user's
/// scope. One transaction, with a `merge` audit row on both records.
pub async fn merge(
    pool: &PgPool,
    user: &CurrentUser,
    kind: MergeKind,
    keep: Seen,
    other: Seen,
    fields: BTreeMap<String, String>,
) -> Result<(), AppError> {
    require_edit(user)?;
    if keep.id == other.id {
        return Err(AppError::invalid("form", Invalid::SameRecord));
    }
    let draft = parse_form(kind.form(), &fields, Utc::now().date_naive())?;
    let (list, t, entity) = list_sql(kind.list());
    let mut tx = pool.begin().await?;
    // Both rows locked in id order: two merges of the same pair wait for each other instead of
    // deadlocking.
    sqlx::query(&format!(
        "SELECT id FROM {t} WHERE id = ANY($1) ORDER BY id FOR UPDATE"
    ))
    .bind([keep.id, other.id].as_slice())
    .execute(&mut *tx)
    .await?;
    match &draft {
        Parsed::Contact(d) => {
            check(&mut tx, user, other.id, other.version, d).await?;
            contacts::db::update(&mut tx, user, ContactId(keep.id), keep.version, d).await?;
        }
        Parsed::Company(d) => {
            check(&mut tx, user, other.id, other.version, d).await?;
            companies::db::update(&mut tx, user, CompanyId(keep.id), keep.version, d).await?;
        }
        Parsed::Lead(_) | Parsed::Deal(..) | Parsed::Note(_) => return Err(AppError::BadRequest),
    }
    let moved = related(&mut *tx, kind, other.id).await?;
    for sql in moves(kind) {
        sqlx::query(sql)
            .bind(other.id)
            .bind(keep.id)
            .execute(&mut *tx)
            .await?;
    }
    // The merged record's ids in systems it was imported from now name the one kept.
    sqlx::query("UPDATE external_ids SET record_id = $2 WHERE record_id = $1")
        .bind(other.id)
        .bind(keep.id)
        .execute(&mut *tx)
        .await?;
    let other_name: String = sqlx::query_scalar(&format!(
        "UPDATE {t} r SET deleted_at = now(), merged_into = $2, version = version + 1, updated_at = now(),
                updated_by = $3 WHERE id = $1 RETURNING {}",
        list.name
    ))
    .bind(other.id)
    .bind(keep.id)
    .bind(user.id.0)
    .fetch_one(&mut *tx)
    .await?;
    let keep_name: String =
        sqlx::query_scalar(&format!("SELECT {} FROM {t} r WHERE id = $1", list.name))
            .bind(keep.id)
            .fetch_one(&mut *tx)
            .await?;
    // Shown in both histories: which record went where, and how much moved with it.
    let row = |field: &str| {
        let mut m = Map::new();
        m.insert(field.into(), json!({ "old": other_name, "new": keep_name }));
        let counts = [
            ("moved_timeline", moved.timeline),
            ("moved_tasks", moved.tasks),
            ("moved_deals", moved.deals),
            ("moved_contacts", moved.contacts),
        ];
        for (key, n) in counts.into_iter().filter(|(_, n)| *n > 0) {
            m.insert(key.into(), json!({ "old": null, "new": n }));
        }
        m
    };
    crate::audit::record(&mut tx, entity, keep.id, user.id.0, "merge", row("merged")).await?;
    crate::audit::record(
        &mut tx,
        entity,
        other.id,
        user.id.0,
        "merge",
        row("merged_into"),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests;
