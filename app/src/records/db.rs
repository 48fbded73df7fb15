//! SQL shared by the customer lists: data scope, search, filters, sort and keyset pages.
use chrono::NaiveDate;
use sqlx::postgres::PgRow;
use sqlx::{FromRow, PgConnection, PgPool, Postgres, QueryBuilder, Row};
use uuid::Uuid;

use super::filter::{Cursor, ListFilter, OwnerFilter, SortValue, encode_cursor};
use super::model::{
    COUNT_LIMIT, ListKind, ListPage, ListQuery, Owner, PAGE_SIZE, SEARCH_COUNT_LIMIT, SavedView,
};
use crate::error::{AppError, Invalid};
use crate::users::model::{CurrentUser, DataScope};

/// How one list maps onto SQL. The listed table's alias is `r`.
pub struct ListSql {
    /// The selected columns (`r.id` among them).
    pub columns: &'static str,
    /// `table r LEFT JOIN …`: what the page reads from.
    pub from: &'static str,
    /// `table r`: what the count reads from (filters only touch `r`).
    pub count_from: &'static str,
    /// The record's name column, for prefix search on very short terms.
    pub name: &'static str,
    /// Sortable columns: key, SQL expression (never NULL), and the expression's type.
    pub sorts: &'static [(&'static str, &'static str, &'static str)],
    /// Exported columns: key (as the list's columns) and SQL text expression (may be NULL).
    pub export: &'static [(&'static str, &'static str)],
    /// The values of the list's `status` column; empty when it has none (no status filter).
    pub statuses: &'static [&'static str],
}

impl ListSql {
    pub(crate) fn sort(&self, key: &str) -> (&'static str, &'static str) {
        let (_, expr, ty) = self
            .sorts
            .iter()
            .find(|(k, _, _)| *k == key)
            .unwrap_or(&self.sorts[0]);
        (expr, ty)
    }
}

/// Limits `alias`'s rows to what the user's role may see: everything, or their own and their team's.
pub fn push_scope(qb: &mut QueryBuilder<'_, Postgres>, user: &CurrentUser, alias: &str) {
    if user.role.data_scope() == DataScope::Team {
        qb.push(format!(" AND ({alias}.owner_id = "))
            .push_bind(user.id.0)
            .push(format!(" OR {alias}.owner_id IN (SELECT u.id FROM users u WHERE u.team IS NOT NULL AND u.team = (SELECT team FROM users WHERE id = "))
            .push_bind(user.id.0)
            .push(")))");
    }
}

/// The same limit as a condition with the user's id as the numbered parameter `param` (`$3`), for
/// hand-written SQL; empty for roles that see everything.
pub fn scope_sql(user: &CurrentUser, alias: &str, param: &str) -> String {
    if user.role.data_scope() == DataScope::Team {
        format!(
            " AND ({alias}.owner_id = {param} OR {alias}.owner_id IN (SELECT u.id FROM users u WHERE u.team IS NOT NULL AND u.team = (SELECT team FROM users WHERE id = {param})))"
        )
    } else {
        String::new()
    }
}

/// Refuses roles that may only read customer records.
pub fn require_edit(user: &CurrentUser) -> Result<(), AppError> {
    if user.role.can_edit_customers() {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

fn escape_like(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// How a search term is matched. Substring first: cheap per row, and backed by the trigram
/// index. Only when nothing contains the term does the typo-tolerant pass run.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Match {
    Substring,
    Typo,
}

fn is_phone_like(q: &str) -> bool {
    q.chars().any(|c| c.is_ascii_digit())
        && q.chars()
            .all(|c| c.is_ascii_digit() || " +-().".contains(c))
}

/// Search over the search document (name, emails, phones, company): phone digits in any
/// punctuation, substring (trigram index), prefix of the name for terms under three characters,
/// stored bigrams for two-character Chinese terms (trigrams need three), and in the typo pass,
/// word similarity ("Sarha" finds "Sarah").
fn push_search(qb: &mut QueryBuilder<'_, Postgres>, name: &str, raw: &str, how: Match) {
    let q = raw.trim().to_lowercase();
    if q.is_empty() {
        return;
    }
    let digits: String = q.chars().filter(char::is_ascii_digit).collect();
    let chars = q.chars().count();
    if how == Match::Typo {
        qb.push(" AND r.search_doc %> ").push_bind(q);
    } else if is_phone_like(&q) && digits.len() >= 3 {
        qb.push(" AND r.search_doc LIKE ")
            .push_bind(format!("%{digits}%"));
    } else if !q.is_ascii() && chars == 2 {
        // A two-character term is its own only bigram (bound as a value: a function of the
        // parameter would be evaluated again for every row checked).
        qb.push(" AND r.search_bigrams @> ").push_bind(vec![q]);
    } else if chars < 3 {
        qb.push(format!(" AND lower({name}) LIKE "))
            .push_bind(format!("{}%", escape_like(&q)));
    } else {
        qb.push(" AND r.search_doc LIKE ")
            .push_bind(format!("%{}%", escape_like(&q)));
    }
}

/// Whose records: "" everyone in scope, "me", or a user id (anything else is refused on `owner`).
pub fn push_owner(
    qb: &mut QueryBuilder<'_, Postgres>,
    user: &CurrentUser,
    owner: &str,
) -> Result<(), AppError> {
    let owner = match owner.trim() {
        "" => OwnerFilter::Anyone,
        "me" => OwnerFilter::Me,
        other => OwnerFilter::User(
            Uuid::parse_str(other).map_err(|_| AppError::invalid("owner", Invalid::Choice))?,
        ),
    };
    push_owner_filter(qb, user, owner);
    Ok(())
}

/// Whose records: everyone in scope, the user's own, or one user's.
pub fn push_owner_filter(
    qb: &mut QueryBuilder<'_, Postgres>,
    user: &CurrentUser,
    owner: OwnerFilter,
) {
    let id = match owner {
        OwnerFilter::Anyone => return,
        OwnerFilter::Me => user.id.0,
        OwnerFilter::User(id) => id,
    };
    qb.push(" AND r.owner_id = ").push_bind(id);
}

pub(crate) fn push_filters(
    qb: &mut QueryBuilder<'_, Postgres>,
    user: &CurrentUser,
    sql: &ListSql,
    filter: &ListFilter,
    how: Match,
) {
    qb.push(" WHERE r.deleted_at IS NULL");
    push_scope(qb, user, "r");
    push_search(qb, sql.name, &filter.search, how);
    push_owner_filter(qb, user, filter.owner);
    if let Some(tag) = &filter.tag {
        qb.push(" AND r.tags @> ARRAY[")
            .push_bind(tag.clone())
            .push("]::text[]");
    }
    if let Some(source) = &filter.source {
        qb.push(" AND lower(r.source) = ").push_bind(source.clone());
    }
    if let Some(status) = filter.status {
        qb.push(" AND r.status = ").push_bind(status);
    }
    if let Some(from) = filter.from {
        qb.push(" AND r.created_at >= ")
            .push_bind(from)
            .push("::date");
    }
    if let Some(to) = filter.to {
        qb.push(" AND r.created_at < ")
            .push_bind(to)
            .push("::date + 1");
    }
}

/// A row with the sort value and id its page's cursor is made of.
pub(crate) struct Keyed<R> {
    row: R,
    sort_key: String,
    id: Uuid,
}

impl<'r, R: FromRow<'r, PgRow>> FromRow<'r, PgRow> for Keyed<R> {
    fn from_row(row: &'r PgRow) -> Result<Self, sqlx::Error> {
        Ok(Keyed {
            row: R::from_row(row)?,
            sort_key: row.try_get("sort_key")?,
            id: row.try_get("id")?,
        })
    }
}

/// Continues after the cursor `after` (as `keyed_page` makes it) in the order of `expr` (of SQL
/// type `ty`, never NULL, then the id), and asks for one row more than a page. A cursor this
/// server did not make is a `BadRequest`, never SQL that fails.
pub(crate) fn push_keyset(
    qb: &mut QueryBuilder<'_, Postgres>,
    expr: &'static str,
    ty: &'static str,
    desc: bool,
    after: &str,
) -> Result<(), AppError> {
    let after = match after.trim() {
        "" => None,
        raw => Some(super::filter::decode_cursor(raw, ty).ok_or(AppError::BadRequest)?),
    };
    push_keyset_by(qb, expr, ty, desc, after.as_ref(), PAGE_SIZE + 1);
    Ok(())
}

/// Continues after the cursor `after` in the filter's order (its sort expression, never NULL,
/// then the id), and asks for `limit` rows. The query selects the expression as `sort_key`.
pub(crate) fn push_keyset_filter(
    qb: &mut QueryBuilder<'_, Postgres>,
    filter: &ListFilter,
    after: Option<&Cursor>,
    limit: i64,
) {
    push_keyset_by(qb, filter.sort.0, filter.sort.1, filter.desc, after, limit)
}

fn push_keyset_by(
    qb: &mut QueryBuilder<'_, Postgres>,
    expr: &str,
    ty: &str,
    desc: bool,
    after: Option<&Cursor>,
    limit: i64,
) {
    let (dir, cmp) = if desc { ("DESC", "<") } else { ("ASC", ">") };
    if let Some(Cursor { value, id }) = after {
        qb.push(format!(" AND ({expr}, r.id) {cmp} ("));
        match value {
            SortValue::Text(t) => qb.push_bind(t.clone()).push("::text"),
            SortValue::Time(t) => qb.push_bind(*t).push("::timestamptz"),
            SortValue::Date(d) => qb.push_bind(d.clone()).push("::date"),
            SortValue::Number(n) => qb.push_bind(*n).push(format!("::{ty}")),
        };
        qb.push(", ").push_bind(*id).push(")");
    }
    qb.push(format!(" ORDER BY {expr} {dir}, r.id {dir} LIMIT "))
        .push_bind(limit);
}

/// A page's rows and the cursor of the next page, if there is one.
pub(crate) fn keyed_page<R>(mut rows: Vec<Keyed<R>>) -> (Vec<R>, Option<String>) {
    let next = if rows.len() as i64 > PAGE_SIZE {
        rows.truncate(PAGE_SIZE as usize);
        rows.last().map(|r| encode_cursor(&r.sort_key, r.id))
    } else {
        None
    };
    (rows.into_iter().map(|k| k.row).collect(), next)
}

/// Matches beyond this many make the page walk the sort order's index (matches are frequent,
/// the first page fills fast); below it, the matches are fetched through the search indexes and sorted.
const WALK_ABOVE: i64 = SEARCH_COUNT_LIMIT;

async fn capped_count(
    conn: &mut PgConnection,
    user: &CurrentUser,
    sql: &ListSql,
    filter: &ListFilter,
    how: Match,
    limit: i64,
) -> Result<i64, AppError> {
    let mut count = QueryBuilder::<Postgres>::new(format!(
        "SELECT count(*) FROM (SELECT 1 FROM {}",
        sql.count_from
    ));
    push_filters(&mut count, user, sql, filter, how);
    count.push(" LIMIT ").push_bind(limit + 1).push(") capped");
    Ok(count.build_query_scalar().fetch_one(conn).await?)
}

/// How the query's search term matches: as a substring, or typo-tolerant when nothing contains
/// it; with the matches counted (up to `limit + 1`) through the search indexes, since a sequential
/// scan would test every row.
pub(crate) async fn search_mode(
    conn: &mut PgConnection,
    user: &CurrentUser,
    sql: &ListSql,
    filter: &ListFilter,
    limit: i64,
) -> Result<(Match, i64), AppError> {
    let searching = filter.searching();
    if searching {
        sqlx::query("SET LOCAL enable_seqscan = off")
            .execute(&mut *conn)
            .await?;
    }
    let mut how = Match::Substring;
    let mut total = capped_count(conn, user, sql, filter, how, limit).await?;
    let q = filter.search.as_str();
    if total == 0 && q.chars().count() >= 3 && !is_phone_like(q) {
        // Nothing contains the term: perhaps it is misspelt ("Sarha Miller").
        sqlx::query("SET LOCAL pg_trgm.word_similarity_threshold = 0.4")
            .execute(&mut *conn)
            .await?;
        how = Match::Typo;
        total = capped_count(conn, user, sql, filter, how, limit).await?;
    }
    if searching {
        sqlx::query("SET LOCAL enable_seqscan = on")
            .execute(&mut *conn)
            .await?;
    }
    Ok((how, total))
}

/// One page of the list the query asks for, with the capped count of all matches.
///
/// A search counts first, through its indexes (a sequential scan would test every row), and the
/// count picks the page's plan: many matches walk the sort order, few are fetched and sorted.
/// Planner estimates for substring and similarity conditions are too rough to choose this alone.
pub async fn page<R>(
    pool: &PgPool,
    user: &CurrentUser,
    sql: &ListSql,
    query: &ListQuery,
    today: NaiveDate,
) -> Result<ListPage<R>, AppError>
where
    R: for<'r> FromRow<'r, PgRow> + Send + Unpin,
{
    let filter = ListFilter::parse(query, sql, today)?;
    let expr = filter.sort.0;
    let searching = filter.searching();
    let mut tx = pool.begin().await?;
    let limit = if searching {
        SEARCH_COUNT_LIMIT
    } else {
        COUNT_LIMIT
    };
    let (how, total) = search_mode(&mut tx, user, sql, &filter, limit).await?;
    if searching {
        let plan = if total > WALK_ABOVE {
            "SET LOCAL enable_bitmapscan = off"
        } else {
            "SET LOCAL enable_indexscan = off"
        };
        sqlx::query(plan).execute(&mut *tx).await?;
    }

    let mut qb = QueryBuilder::<Postgres>::new(format!(
        "SELECT {}, ({expr})::text AS sort_key FROM {}",
        sql.columns, sql.from
    ));
    push_filters(&mut qb, user, sql, &filter, how);
    push_keyset_filter(&mut qb, &filter, filter.after.as_ref(), PAGE_SIZE + 1);
    let rows: Vec<Keyed<R>> = qb.build_query_as().fetch_all(&mut *tx).await?;
    tx.commit().await?;

    let (rows, next) = keyed_page(rows);
    Ok(ListPage {
        rows,
        next,
        total,
        limit,
    })
}

/// Active users, by name, for owner filters and pickers.
pub async fn owners(pool: &PgPool) -> Result<Vec<Owner>, AppError> {
    let rows: Vec<(Uuid, String)> =
        sqlx::query_as("SELECT id, display_name FROM users ORDER BY display_name")
            .fetch_all(pool)
            .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name)| Owner { id, name })
        .collect())
}

pub async fn saved_views(
    pool: &PgPool,
    user: &CurrentUser,
    list: ListKind,
) -> Result<Vec<SavedView>, AppError> {
    let rows: Vec<(Uuid, String, String)> = sqlx::query_as(
        "SELECT id, name, query FROM saved_views WHERE user_id = $1 AND list = $2 ORDER BY name",
    )
    .bind(user.id.0)
    .bind(list.as_str())
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name, query)| SavedView { id, name, query })
        .collect())
}

/// The `saved_views` columns' limits (migration 0005).
pub const SAVED_VIEW_NAME_MAX: u32 = 100;
const SAVED_VIEW_QUERY_MAX: usize = 2000;

/// Saves (or replaces, by name) one of the user's views.
pub async fn save_view(
    conn: &mut PgConnection,
    user: &CurrentUser,
    list: ListKind,
    name: &str,
    query: &ListQuery,
) -> Result<Uuid, AppError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(AppError::invalid("name", Invalid::Required));
    }
    if name.chars().count() > SAVED_VIEW_NAME_MAX as usize {
        return Err(AppError::invalid(
            "name",
            Invalid::TooLong {
                max: SAVED_VIEW_NAME_MAX,
            },
        ));
    }
    if name.contains('\0') {
        return Err(AppError::invalid("name", Invalid::Characters));
    }
    // Only a view the list can show is kept, and it must fit its column.
    let today = chrono::Utc::now().date_naive();
    ListFilter::parse(&query.first_page(), super::bulk::list_sql(list).0, today)?;
    let query = query.first_page().to_query_string();
    if query.len() > SAVED_VIEW_QUERY_MAX {
        return Err(AppError::invalid(
            "query",
            Invalid::TooLong {
                max: SAVED_VIEW_QUERY_MAX as u32,
            },
        ));
    }
    Ok(sqlx::query_scalar(
        "INSERT INTO saved_views (user_id, list, name, query) VALUES ($1, $2, $3, $4)
         ON CONFLICT (user_id, list, name) DO UPDATE SET query = EXCLUDED.query RETURNING id",
    )
    .bind(user.id.0)
    .bind(list.as_str())
    .bind(name)
    .bind(query)
    .fetch_one(conn)
    .await?)
}

pub async fn delete_view(pool: &PgPool, user: &CurrentUser, id: Uuid) -> Result<(), AppError> {
    let r = sqlx::query("DELETE FROM saved_views WHERE id = $1 AND user_id = $2")
        .bind(id)
        .bind(user.id.0)
        .execute(pool)
        .await?;
    if r.rows_affected() == 0 {
        Err(AppError::NotFound)
    } else {
        Ok(())
    }
}

/// A record's stored fields with its version.
struct Versioned<T> {
    fields: T,
    version: i32,
}

impl<'r, T: FromRow<'r, PgRow>> FromRow<'r, PgRow> for Versioned<T> {
    fn from_row(row: &'r PgRow) -> Result<Self, sqlx::Error> {
        Ok(Versioned {
            fields: T::from_row(row)?,
            version: row.try_get("version")?,
        })
    }
}

/// Locks the record `id` of `table` (if it is in the user's scope) and compares its stored
/// `columns` with `new`: `Conflict` when someone saved it since `version`, `None` when nothing
/// would change, else the field changes to audit.
pub async fn lock_changes<T>(
    conn: &mut PgConnection,
    user: &CurrentUser,
    table: &str,
    columns: &str,
    id: Uuid,
    version: i32,
    new: &T,
) -> Result<Option<serde_json::Map<String, serde_json::Value>>, AppError>
where
    T: serde::Serialize + for<'r> FromRow<'r, PgRow> + Send + Unpin,
{
    require_edit(user)?;
    let mut qb = QueryBuilder::<Postgres>::new(format!(
        "SELECT {columns}, r.version FROM {table} r WHERE r.deleted_at IS NULL AND r.id = "
    ));
    qb.push_bind(id);
    push_scope(&mut qb, user, "r");
    qb.push(" FOR UPDATE");
    let stored: Versioned<T> = qb
        .build_query_as()
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(AppError::NotFound)?;
    if stored.version != version {
        return Err(AppError::Conflict);
    }
    let json = |v: &T| serde_json::to_value(v).map_err(AppError::internal);
    let changes = crate::audit::diff(&json(&stored.fields)?, &json(new)?);
    Ok((!changes.is_empty()).then_some(changes))
}

/// A query returning one value, with parameters bound so far.
pub type Scalar<'q, T> = sqlx::query::QueryScalar<'q, Postgres, T, sqlx::postgres::PgArguments>;

/// A parsed customer record (a draft) that can be inserted and saved generically, audited.
pub trait Draft: serde::Serialize + for<'r> FromRow<'r, PgRow> + Send + Sync + Unpin {
    /// The table, and the record's name in the audit trail.
    const TABLE: &'static str;
    const ENTITY: &'static str;
    /// The columns `bind` binds, in its order.
    const COLUMNS: &'static [&'static str];
    /// What reads the stored draft back (aliased to the draft's fields), for change detection.
    const STORED: &'static str;
    fn bind<'q, T>(&'q self, q: Scalar<'q, T>) -> Scalar<'q, T>;
}

/// Implements `Draft` for a draft whose listed fields are its table's columns, in that order;
/// `stored` reads them back (the default: the same columns of `r`).
#[macro_export]
macro_rules! draft_columns {
    ($draft:ty, $table:literal, $entity:literal, [$($field:ident),+ $(,)?] $(, stored: $stored:literal)?) => {
        impl $crate::records::db::Draft for $draft {
            const TABLE: &'static str = $table;
            const ENTITY: &'static str = $entity;
            const COLUMNS: &'static [&'static str] = &[$(stringify!($field)),+];
            const STORED: &'static str = $crate::draft_columns!(@stored [$($field),+] $($stored)?);
            fn bind<'q, T>(&'q self, q: $crate::records::db::Scalar<'q, T>) -> $crate::records::db::Scalar<'q, T> {
                q$(.bind(&self.$field))+
            }
        }
    };
    (@stored [$($field:ident),+] $stored:literal) => { $stored };
    (@stored [$first:ident $(, $field:ident)*]) => { concat!("r.", stringify!($first) $(, ", r.", stringify!($field))*) };
}

/// Inserts `draft` owned by `user` (plus one `extra` column, e.g. a resolved link), with its
/// audit row; returns the new id.
pub async fn insert<D: Draft>(
    conn: &mut PgConnection,
    user: &CurrentUser,
    draft: &D,
    extra: Option<(&str, Option<Uuid>)>,
) -> Result<Uuid, AppError> {
    require_edit(user)?;
    let n = D::COLUMNS.len();
    let mut columns = D::COLUMNS.join(", ");
    let mut values: Vec<String> = (1..=n).map(|i| format!("${i}")).collect();
    columns.push_str(", owner_id, created_by, updated_by");
    values.extend([
        format!("${}", n + 1),
        format!("${}", n + 1),
        format!("${}", n + 1),
    ]);
    if let Some((column, _)) = extra {
        columns.push_str(&format!(", {column}"));
        values.push(format!("${}", n + 2));
    }
    let sql = format!(
        "INSERT INTO {} ({columns}) VALUES ({}) RETURNING id",
        D::TABLE,
        values.join(", ")
    );
    let mut q = draft.bind(sqlx::query_scalar(&sql)).bind(user.id.0);
    if let Some((_, value)) = extra {
        q = q.bind(value);
    }
    let id: Uuid = q.fetch_one(&mut *conn).await?;
    crate::audit::created(conn, D::ENTITY, id, user.id.0, draft).await?;
    Ok(id)
}

/// Saves `draft` over record `id` if it is still at `version` (else `Conflict`; `NotFound` out of
/// the user's scope), with an audit row of the changed fields; returns the new version. `extra`
/// (a column and the value to set) is computed only when something changed.
pub async fn save<D: Draft>(
    conn: &mut PgConnection,
    user: &CurrentUser,
    id: Uuid,
    version: i32,
    draft: &D,
    extra: Option<&str>,
    extra_value: impl AsyncFnOnce(&mut PgConnection) -> Result<Option<Uuid>, AppError>,
) -> Result<i32, AppError> {
    let Some(changes) = lock_changes(conn, user, D::TABLE, D::STORED, id, version, draft).await?
    else {
        return Ok(version);
    };
    let n = D::COLUMNS.len();
    let mut sets: Vec<String> = D::COLUMNS
        .iter()
        .enumerate()
        .map(|(i, c)| format!("{c} = ${}", i + 1))
        .collect();
    sets.push(format!("updated_by = ${}", n + 1));
    if let Some(column) = extra {
        sets.push(format!("{column} = ${}", n + 3));
    }
    let sql = format!(
        "UPDATE {} SET {}, updated_at = now(), version = version + 1 WHERE id = ${} RETURNING version",
        D::TABLE,
        sets.join(", "),
        n + 2
    );
    let value = match extra {
        Some(_) => extra_value(conn).await?,
        None => None,
    };
    let mut q = draft
        .bind(sqlx::query_scalar(&sql))
        .bind(user.id.0)
        .bind(id);
    if extra.is_some() {
        q = q.bind(value);
    }
    let new_version: i32 = q.fetch_one(&mut *conn).await?;
    crate::audit::record(conn, D::ENTITY, id, user.id.0, "update", changes).await?;
    Ok(new_version)
}

/// The one row `select` (ending in `… AND r.id = `) finds for `id` within the user's scope, or `NotFound`.
pub async fn fetch_visible<'c, R>(
    pool: impl sqlx::PgExecutor<'c>,
    user: &CurrentUser,
    select: &str,
    id: Uuid,
) -> Result<R, AppError>
where
    R: for<'r> FromRow<'r, PgRow> + Send + Unpin,
{
    let mut qb = QueryBuilder::<Postgres>::new(select);
    qb.push_bind(id);
    push_scope(&mut qb, user, "r");
    qb.build_query_as()
        .fetch_optional(pool)
        .await?
        .ok_or(AppError::NotFound)
}
