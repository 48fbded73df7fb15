//! SQL for contacts: scoped lists with search and keyset pages, reads, and audited writes.
use chrono::Utc;
use sqlx::{PgConnection, PgPool, Postgres, QueryBuilder};

use super::model::{Contact, ContactDraft, ContactId, ContactRow};
use crate::companies;
use crate::companies::model::CompanyId;
use crate::error::AppError;
use crate::records;
use crate::records::db::{ListSql, push_scope};
use crate::records::model::{ListPage, ListQuery};
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
        ("title", "coalesce(lower(r.title), '')", "text"),
        ("company", "coalesce(lower(r.company_name), '')", "text"),
        ("email", "coalesce(r.emails[1], '')", "text"),
        ("phone", "coalesce(r.phones[1], '')", "text"),
        ("owner", "coalesce(o.display_name, '')", "text"),
        ("source", "coalesce(lower(r.source), '')", "text"),
        ("created", "r.created_at", "timestamptz"),
        ("updated", "r.updated_at", "timestamptz"),
    ],
    export: &[
        ("name", "r.full_name"),
        ("title", "r.title"),
        ("company", "r.company_name"),
        ("email", "array_to_string(r.emails, '; ')"),
        ("phone", "array_to_string(r.phones, '; ')"),
        ("owner", "o.display_name"),
        ("tags", "array_to_string(r.tags, '; ')"),
        ("source", "r.source"),
        (
            "created",
            "to_char(r.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI')",
        ),
        (
            "updated",
            "to_char(r.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI')",
        ),
    ],
    statuses: &[],
};

pub async fn list(
    pool: &PgPool,
    user: &CurrentUser,
    query: &ListQuery,
) -> Result<ListPage<ContactRow>, AppError> {
    records::db::page(pool, user, &LIST, query, Utc::now().date_naive()).await
}

/// A company's contacts in the user's scope, by name (at most 500).
pub async fn of_company(
    pool: &PgPool,
    user: &CurrentUser,
    company: CompanyId,
) -> Result<Vec<ContactRow>, AppError> {
    let mut qb = QueryBuilder::<Postgres>::new(format!(
        "SELECT {} FROM {} WHERE r.deleted_at IS NULL AND r.company_id = ",
        LIST.columns, LIST.from
    ));
    qb.push_bind(company.0);
    push_scope(&mut qb, user, "r");
    qb.push(" ORDER BY lower(r.full_name), r.id LIMIT 500");
    Ok(qb.build_query_as().fetch_all(pool).await?)
}

/// One contact the user may see, or `NotFound` (also for contacts outside their scope).
pub async fn get<'c>(
    pool: impl sqlx::PgExecutor<'c>,
    user: &CurrentUser,
    id: ContactId,
) -> Result<Contact, AppError> {
    records::db::fetch_visible(
        pool,
        user,
        "SELECT r.id, r.full_name, r.title, r.emails, r.phones, r.company_id, r.company_name, r.tags, r.source, r.birthday, \
         r.address, r.notes, o.display_name AS owner_name, r.version, r.created_at, r.updated_at \
         FROM contacts r LEFT JOIN users o ON o.id = r.owner_id WHERE r.deleted_at IS NULL AND r.id = ",
        id.0,
    )
    .await
}

// The company is not a column: it is resolved to `company_id` by name.
crate::records::db::draft_columns!(
    ContactDraft,
    "contacts",
    "contact",
    [full_name, title, emails, phones, tags, source, birthday, address, notes],
    stored: "r.full_name, r.title, r.company_name AS company, r.emails, r.phones, r.tags, r.source, r.birthday, r.address, r.notes"
);

/// Creates a contact owned by `user` at the company its draft names (found or created), audited.
pub async fn create(
    conn: &mut PgConnection,
    user: &CurrentUser,
    draft: &ContactDraft,
) -> Result<ContactId, AppError> {
    records::db::require_edit(user)?;
    let company = companies::db::find_or_create(conn, user, draft.company.as_deref()).await?;
    records::db::insert(conn, user, draft, Some(("company_id", company)))
        .await
        .map(ContactId)
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
    let company = async |conn: &mut PgConnection| {
        companies::db::find_or_create(conn, user, draft.company.as_deref()).await
    };
    records::db::save(
        conn,
        user,
        id.0,
        version,
        draft,
        Some("company_id"),
        company,
    )
    .await
}

#[cfg(test)]
mod bulk_tests;
#[cfg(test)]
mod export_tests;
#[cfg(test)]
mod tests;
