//! Keyset pages: continuing a list after the last row shown, in its sort order, and the cursor
//! that names that row.
use sqlx::postgres::PgRow;
use sqlx::{FromRow, Postgres, QueryBuilder, Row};
use uuid::Uuid;

use crate::error::AppError;
use crate::records::filter::{Cursor, ListFilter, Sort, SortType, SortValue, encode_cursor};

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
/// type `ty` as declared, never NULL, then the id), and asks for one row more than a page. A
/// cursor this server did not make is a `BadRequest`, never SQL that fails. For a list that keeps
/// its own sort table and query (the deals table); `push_keyset_filter` takes a parsed filter.
pub(crate) fn push_keyset(
    qb: &mut QueryBuilder<'_, Postgres>,
    expr: &'static str,
    ty: &'static str,
    desc: bool,
    after: &str,
    size: i64,
) -> Result<(), AppError> {
    let ty = SortType::parse(ty)
        .ok_or_else(|| AppError::internal(format!("a list sorts by the unknown SQL type {ty}")))?;
    let after = match after.trim() {
        "" => None,
        raw => Some(Cursor::decode(raw, ty).ok_or(AppError::BadRequest)?),
    };
    push_keyset_by(qb, Sort { expr, ty, desc }, after.as_ref(), size + 1);
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
    push_keyset_by(qb, filter.sort, after, limit)
}

fn push_keyset_by(
    qb: &mut QueryBuilder<'_, Postgres>,
    Sort { expr, ty, desc }: Sort,
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
            SortValue::Number(n) => qb.push_bind(*n).push(format!("::{}", ty.sql())),
        };
        qb.push(", ").push_bind(*id).push(")");
    }
    qb.push(format!(" ORDER BY {expr} {dir}, r.id {dir} LIMIT "))
        .push_bind(limit);
}

/// A page's rows and the cursor of the next page, if there is one.
pub(crate) fn keyed_page<R>(mut rows: Vec<Keyed<R>>, size: i64) -> (Vec<R>, Option<String>) {
    let next = if rows.len() as i64 > size {
        rows.truncate(size as usize);
        rows.last().map(|r| encode_cursor(&r.sort_key, r.id))
    } else {
        None
    };
    (rows.into_iter().map(|k| k.row).collect(), next)
}
