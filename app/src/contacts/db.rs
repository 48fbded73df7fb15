//! SQL for contacts: scoped lists with search and keyset pages, reads, and audited writes.
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{PgConnection, PgPool, Postgres, QueryBuilder};
use uuid::Uuid;

use super::model::{Contact, ContactDraft, ContactId, ContactPage, ContactQuery, ContactRow, ContactSort, COUNT_LIMIT};
use crate::audit;
use crate::error::AppError;
use crate::users::model::{CurrentUser, DataScope};

/// Limits rows to what the user's role may see: everything, or their own and their team's.
fn push_scope(qb: &mut QueryBuilder<'_, Postgres>, user: &CurrentUser) {
    if user.role.data_scope() == DataScope::Team {
        qb.push(" AND (c.owner_id = ")
            .push_bind(user.id.0)
            .push(" OR c.owner_id IN (SELECT u.id FROM users u WHERE u.team IS NOT NULL AND u.team = (SELECT team FROM users WHERE id = ")
            .push_bind(user.id.0)
            .push(")))");
    }
}

fn escape_like(s: &str) -> String {
    s.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

/// Search over name, emails, phones and company: substring, prefix for very short terms,
/// typo-tolerant word similarity from three characters, and bigrams for short Chinese terms.
fn push_search(qb: &mut QueryBuilder<'_, Postgres>, raw: &str) {
    let q = raw.trim().to_lowercase();
    if q.is_empty() {
        return;
    }
    let digits: String = q.chars().filter(char::is_ascii_digit).collect();
    let phone_like = !digits.is_empty() && q.chars().all(|c| c.is_ascii_digit() || " +-().".contains(c));
    let chars = q.chars().count();
    let cjk = !q.is_ascii();
    if phone_like && digits.len() >= 3 {
        qb.push(" AND c.search_doc LIKE ").push_bind(format!("%{digits}%"));
    } else if cjk && chars == 2 {
        qb.push(" AND keel_bigrams(c.search_doc) @> keel_bigrams(").push_bind(q.clone()).push(")");
    } else if chars < 3 {
        qb.push(" AND lower(c.full_name) LIKE ").push_bind(format!("{}%", escape_like(&q)));
    } else {
        qb.push(" AND (c.search_doc LIKE ")
            .push_bind(format!("%{}%", escape_like(&q)))
            .push(" OR c.search_doc %> ")
            .push_bind(q.clone());
        if cjk {
            qb.push(" OR keel_bigrams(c.search_doc) @> keel_bigrams(").push_bind(q).push(")");
        }
        qb.push(")");
    }
}

fn push_filters(qb: &mut QueryBuilder<'_, Postgres>, user: &CurrentUser, query: &ContactQuery) -> Result<(), AppError> {
    qb.push(" WHERE c.deleted_at IS NULL");
    push_scope(qb, user);
    push_search(qb, &query.q);
    match query.owner.as_str() {
        "" => {}
        "me" => {
            qb.push(" AND c.owner_id = ").push_bind(user.id.0);
        }
        other => {
            let id = Uuid::parse_str(other).map_err(|_| AppError::invalid("owner", crate::error::Invalid::Choice))?;
            qb.push(" AND c.owner_id = ").push_bind(id);
        }
    }
    if !query.tag.trim().is_empty() {
        qb.push(" AND c.tags @> ARRAY[").push_bind(query.tag.trim().to_string()).push("]::text[]");
    }
    Ok(())
}

fn sort_expr(sort: ContactSort) -> &'static str {
    match sort {
        ContactSort::Name => "lower(c.full_name)",
        ContactSort::Created => "c.created_at",
        ContactSort::Updated => "c.updated_at",
    }
}

/// The keyset cursor: the sort value and id of the last row shown, hex-encoded JSON (URL-safe).
fn encode_cursor(value: &str, id: Uuid) -> String {
    serde_json::to_string(&(value, id)).unwrap_or_default().bytes().map(|b| format!("{b:02x}")).collect()
}

fn decode_cursor(s: &str) -> Option<(String, Uuid)> {
    let bytes: Option<Vec<u8>> =
        (0..s.len()).step_by(2).map(|i| s.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok())).collect();
    serde_json::from_slice(&bytes?).ok()
}

#[derive(sqlx::FromRow)]
struct ListRow {
    id: Uuid,
    full_name: String,
    title: Option<String>,
    emails: Vec<String>,
    phones: Vec<String>,
    company_name: Option<String>,
    owner_name: Option<String>,
    tags: Vec<String>,
    created_at: DateTime<Utc>,
    sort_key: String,
}

pub const PAGE_SIZE: i64 = 50;

pub async fn list(pool: &PgPool, user: &CurrentUser, query: &ContactQuery) -> Result<ContactPage, AppError> {
    let expr = sort_expr(query.sort);
    let (dir, cmp) = if query.desc { ("DESC", "<") } else { ("ASC", ">") };
    let mut tx = pool.begin().await?;
    // Typo tolerance: "Sarha" still finds "Sarah".
    sqlx::query("SET LOCAL pg_trgm.word_similarity_threshold = 0.4").execute(&mut *tx).await?;

    let mut qb = QueryBuilder::<Postgres>::new(format!(
        "SELECT c.id, c.full_name, c.title, c.emails, c.phones, c.company_name, o.display_name AS owner_name, c.tags, \
         c.created_at, ({expr})::text AS sort_key FROM contacts c LEFT JOIN users o ON o.id = c.owner_id"
    ));
    push_filters(&mut qb, user, query)?;
    if let Some((value, id)) = (!query.after.is_empty()).then(|| decode_cursor(&query.after)).flatten() {
        let cast = if query.sort == ContactSort::Name { "text" } else { "timestamptz" };
        qb.push(format!(" AND ({expr}, c.id) {cmp} (")).push_bind(value).push(format!("::{cast}, ")).push_bind(id).push(")");
    }
    qb.push(format!(" ORDER BY {expr} {dir}, c.id {dir} LIMIT ")).push_bind(PAGE_SIZE + 1);
    let mut rows: Vec<ListRow> = qb.build_query_as().fetch_all(&mut *tx).await?;

    let mut count = QueryBuilder::<Postgres>::new("SELECT count(*) FROM (SELECT 1 FROM contacts c");
    push_filters(&mut count, user, query)?;
    count.push(" LIMIT ").push_bind(COUNT_LIMIT + 1).push(") capped");
    let total: i64 = count.build_query_scalar().fetch_one(&mut *tx).await?;
    tx.commit().await?;

    let next = if rows.len() as i64 > PAGE_SIZE {
        rows.truncate(PAGE_SIZE as usize);
        rows.last().map(|r| encode_cursor(&r.sort_key, r.id))
    } else {
        None
    };
    Ok(ContactPage {
        rows: rows
            .into_iter()
            .map(|r| ContactRow {
                id: ContactId(r.id),
                full_name: r.full_name,
                title: r.title,
                email: r.emails.into_iter().next(),
                phone: r.phones.into_iter().next(),
                company_name: r.company_name,
                owner_name: r.owner_name,
                tags: r.tags,
                created_at: r.created_at,
            })
            .collect(),
        next,
        total,
    })
}

#[derive(sqlx::FromRow)]
struct DetailRow {
    id: Uuid,
    full_name: String,
    title: Option<String>,
    emails: Vec<String>,
    phones: Vec<String>,
    company_name: Option<String>,
    tags: Vec<String>,
    source: Option<String>,
    birthday: Option<NaiveDate>,
    address: Option<String>,
    notes: Option<String>,
    owner_name: Option<String>,
    version: i32,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

/// One contact the user may see, or `NotFound` (also for contacts outside their scope).
pub async fn get(pool: &PgPool, user: &CurrentUser, id: ContactId) -> Result<Contact, AppError> {
    let mut qb = QueryBuilder::<Postgres>::new(
        "SELECT c.id, c.full_name, c.title, c.emails, c.phones, c.company_name, c.tags, c.source, c.birthday, \
         c.address, c.notes, o.display_name AS owner_name, c.version, c.created_at, c.updated_at \
         FROM contacts c LEFT JOIN users o ON o.id = c.owner_id WHERE c.deleted_at IS NULL AND c.id = ",
    );
    qb.push_bind(id.0);
    push_scope(&mut qb, user);
    let r: DetailRow = qb.build_query_as().fetch_optional(pool).await?.ok_or(AppError::NotFound)?;
    Ok(Contact {
        id: ContactId(r.id),
        full_name: r.full_name,
        title: r.title,
        emails: r.emails,
        phones: r.phones,
        company_name: r.company_name,
        tags: r.tags,
        source: r.source,
        birthday: r.birthday,
        address: r.address,
        notes: r.notes,
        owner_name: r.owner_name,
        version: r.version,
        created_at: r.created_at,
        updated_at: r.updated_at,
    })
}

fn require_edit(user: &CurrentUser) -> Result<(), AppError> {
    if user.role.can_edit_customers() { Ok(()) } else { Err(AppError::Forbidden) }
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
    let id: Uuid = bind_draft(
        sqlx::query_scalar(
            "INSERT INTO contacts (full_name, title, emails, phones, tags, source, birthday, address, notes, owner_id, created_by, updated_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $10) RETURNING id",
        ),
        draft,
    )
    .bind(user.id.0)
    .fetch_one(&mut *conn)
    .await?;
    let new = serde_json::to_value(draft).map_err(AppError::internal)?;
    audit::record(conn, "contact", id, user.id.0, "create", audit::diff(&serde_json::Value::Null, &new)).await?;
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
    require_edit(user)?;
    let mut qb = QueryBuilder::<Postgres>::new(
        "SELECT c.full_name, c.title, c.emails, c.phones, c.tags, c.source, c.birthday, c.address, c.notes, c.version \
         FROM contacts c WHERE c.deleted_at IS NULL AND c.id = ",
    );
    qb.push_bind(id.0);
    push_scope(&mut qb, user);
    qb.push(" FOR UPDATE");
    #[allow(clippy::type_complexity)]
    let row: Option<(String, Option<String>, Vec<String>, Vec<String>, Vec<String>, Option<String>, Option<NaiveDate>, Option<String>, Option<String>, i32)> =
        qb.build_query_as().fetch_optional(&mut *conn).await?;
    let Some((full_name, title, emails, phones, tags, source, birthday, address, notes, current)) = row else {
        return Err(AppError::NotFound);
    };
    if current != version {
        return Err(AppError::Conflict);
    }
    let old = ContactDraft { full_name, title, emails, phones, tags, source, birthday, address, notes };
    let changes = audit::diff(
        &serde_json::to_value(&old).map_err(AppError::internal)?,
        &serde_json::to_value(draft).map_err(AppError::internal)?,
    );
    if changes.is_empty() {
        return Ok(current);
    }
    let new_version: i32 = bind_draft(
        sqlx::query_scalar(
            "UPDATE contacts SET full_name = $1, title = $2, emails = $3, phones = $4, tags = $5, source = $6, birthday = $7,
                    address = $8, notes = $9, updated_by = $10, updated_at = now(), version = version + 1
              WHERE id = $11 RETURNING version",
        ),
        draft,
    )
    .bind(user.id.0)
    .bind(id.0)
    .fetch_one(&mut *conn)
    .await?;
    audit::record(conn, "contact", id.0, user.id.0, "update", changes).await?;
    Ok(new_version)
}

#[cfg(test)]
mod tests;
