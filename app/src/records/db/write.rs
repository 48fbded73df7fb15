//! One customer record at a time, in the user's scope: inserts and locked, version-checked saves
//! with their audit rows (`Draft`, `insert`, `save`, `lock_changes`), and a scoped read.
use sqlx::postgres::PgRow;
use sqlx::{FromRow, PgConnection, Postgres, QueryBuilder, Row};
use uuid::Uuid;

use super::scope::{push_scope, require_edit};
use crate::error::AppError;
use crate::users::model::CurrentUser;

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
macro_rules! draft_columns {
    ($draft:ty, $table:literal, $entity:literal, [$($field:ident),+ $(,)?] $(, stored: $stored:literal)?) => {
        impl $crate::records::db::Draft for $draft {
            const TABLE: &'static str = $table;
            const ENTITY: &'static str = $entity;
            const COLUMNS: &'static [&'static str] = &[$(stringify!($field)),+];
            const STORED: &'static str = $crate::records::db::draft_columns!(@stored [$($field),+] $($stored)?);
            fn bind<'q, T>(&'q self, q: $crate::records::db::Scalar<'q, T>) -> $crate::records::db::Scalar<'q, T> {
                q$(.bind(&self.$field))+
            }
        }
    };
    (@stored [$($field:ident),+] $stored:literal) => { $stored };
    (@stored [$first:ident $(, $field:ident)*]) => { concat!("r.", stringify!($first) $(, ", r.", stringify!($field))*) };
}
pub(crate) use draft_columns;

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

/// Moves record `id` of `table` to the trash (`deleted`) or back out of it, with its audit row
/// (`delete` or `restore`); returns its new version. The caller has locked the row and checked
/// that the user may.
pub async fn set_deleted(
    conn: &mut PgConnection,
    (table, entity): (&str, &str),
    id: Uuid,
    actor: Uuid,
    deleted: bool,
) -> Result<i32, AppError> {
    let version: i32 = sqlx::query_scalar(&format!(
        "UPDATE {table} SET deleted_at = CASE WHEN $3 THEN now() END, version = version + 1,
                updated_at = now(), updated_by = $2
          WHERE id = $1 RETURNING version"
    ))
    .bind(id)
    .bind(actor)
    .bind(deleted)
    .fetch_one(&mut *conn)
    .await?;
    let action = if deleted { "delete" } else { "restore" };
    crate::audit::record(conn, entity, id, actor, action, Default::default()).await?;
    Ok(version)
}
