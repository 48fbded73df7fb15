//! SQL for contacts: scoped lists with search and keyset pages, reads, and audited writes.
use chrono::Utc;
use sqlx::{PgConnection, PgPool, Postgres, QueryBuilder};
use uuid::Uuid;

use super::model::{Contact, ContactDraft, ContactId, ContactRow};
use crate::audit;
use crate::companies;
use crate::companies::model::CompanyId;
use crate::error::AppError;
use crate::records::db::{ListSql, push_scope, require_edit};
use crate::records::model::{ListPage, ListQuery};
use crate::records;
use crate::users::model::CurrentUser;

/// The contacts list: columns, joins and sortable keys.
pub const LIST: ListSql = ListSql {
    columns: "r.id, r.full_name, r.title, r.emails[1] AS email, r.phones[1] AS phone, r.company_id, r.company_name, \
              o.display_name AS owner_name, r.tags, r.source, r.created_at, r.updated_at",
    from: "contacts r LEFT JOIN users o ON o.id = r.owner_id",
    count_from: "contacts r",
    name: "r.full_name",
    sorts: &[
        ("name", "lower(r.full_name)", "text"),
        ("company", "coalesce(lower(r.company_name), '')", "text"),
        ("email", "coalesce(r.emails[1], '')", "text"),
        ("phone", "coalesce(r.phones[1], '')", "text"),
        ("owner", "coalesce(o.display_name, '')", "text"),
        ("source", "coalesce(lower(r.source), '')", "text"),
        ("created", "r.created_at", "timestamptz"),
        ("updated", "r.updated_at", "timestamptz"),
    ],
};

pub async fn list(pool: &PgPool, user: &CurrentUser, query: &ListQuery) -> Result<ListPage<ContactRow>, AppError> {
    records::db::page(pool, user, &LIST, query, Utc::now().date_naive()).await
}

/// A company's contacts in the user's scope, by name (at most 500).
pub async fn of_company(pool: &PgPool, user: &CurrentUser, company: CompanyId) -> Result<Vec<ContactRow>, AppError> {
    let mut qb = QueryBuilder::<Postgres>::new(format!("SELECT {} FROM {} WHERE r.deleted_at IS NULL AND r.company_id = ", LIST.columns, LIST.from));
    qb.push_bind(company.0);
    push_scope(&mut qb, user, "r");
    qb.push(" ORDER BY lower(r.full_name), r.id LIMIT 500");
    Ok(qb.build_query_as().fetch_all(pool).await?)
}

/// One contact the user may see, or `NotFound` (also for contacts outside their scope).
pub async fn get(pool: &PgPool, user: &CurrentUser, id: ContactId) -> Result<Contact, AppError> {
    let mut qb = QueryBuilder::<Postgres>::new(
        "SELECT c.id, c.full_name, c.title, c.emails, c.phones, c.company_id, c.company_name, c.tags, c.source, c.birthday, \
         c.address, c.notes, o.display_name AS owner_name, c.version, c.created_at, c.updated_at \
         FROM contacts c LEFT JOIN users o ON o.id = c.owner_id WHERE c.deleted_at IS NULL AND c.id = ",
    );
    qb.push_bind(id.0);
    push_scope(&mut qb, user, "c");
    qb.build_query_as().fetch_optional(pool).await?.ok_or(AppError::NotFound)
}

type Scalar<'q, T> = sqlx::query::QueryScalar<'q, Postgres, T, sqlx::postgres::PgArguments>;

/// Binds the draft's fields as parameters $1 to $9, in column order.
fn bind_draft<'q, T>(q: Scalar<'q, T>, draft: &'q ContactDraft) -> Scalar<'q, T> {
    q.bind(&draft.full_name)
        .bind(&draft.title)
        .bind(&draft.emails)
        .bind(&draft.phones)
        .bind(&draft.tags)
        .bind(&draft.source)
        .bind(draft.birthday)
        .bind(&draft.address)
        .bind(&draft.notes)
}

/// Creates a contact owned by `user`, with its audit row.
pub async fn create(conn: &mut PgConnection, user: &CurrentUser, draft: &ContactDraft) -> Result<ContactId, AppError> {
    require_edit(user)?;
    let company = companies::db::find_or_create(conn, user, draft.company.as_deref()).await?;
    let id: Uuid = bind_draft(
        sqlx::query_scalar(
            "INSERT INTO contacts (full_name, title, emails, phones, tags, source, birthday, address, notes, company_id, owner_id, created_by, updated_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, $11) RETURNING id",
        ),
        draft,
    )
    .bind(company)
    .bind(user.id.0)
    .fetch_one(&mut *conn)
    .await?;
    audit::created(conn, "contact", id, user.id.0, draft).await?;
    Ok(ContactId(id))
}

/// Saves `draft` over the contact if it is still at `version`; `Conflict` if someone saved it
/// meanwhile. Returns the new version.
pub async fn update(
    conn: &mut PgConnection,
    user: &CurrentUser,
    id: ContactId,
    version: i32,
    draft: &ContactDraft,
) -> Result<i32, AppError> {
    let columns = "r.full_name, r.title, r.company_name AS company, r.emails, r.phones, r.tags, r.source, r.birthday, r.address, r.notes";
    let Some(changes) = records::db::lock_changes(conn, user, "contacts", columns, id.0, version, draft).await? else {
        return Ok(version);
    };
    let company = companies::db::find_or_create(conn, user, draft.company.as_deref()).await?;
    let new_version: i32 = bind_draft(
        sqlx::query_scalar(
            "UPDATE contacts SET full_name = $1, title = $2, emails = $3, phones = $4, tags = $5, source = $6, birthday = $7,
                    address = $8, notes = $9, company_id = $10, updated_by = $11, updated_at = now(), version = version + 1
              WHERE id = $12 RETURNING version",
        ),
        draft,
    )
    .bind(company)
    .bind(user.id.0)
    .bind(id.0)
    .fetch_one(&mut *conn)
    .await?;
    audit::record(conn, "contact", id.0, user.id.0, "update", changes).await?;
    Ok(new_version)
}

#[cfg(test)]
mod tests;
