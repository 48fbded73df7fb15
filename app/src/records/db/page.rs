//! One page of a customer list: the typed filter, the capped count that picks the query plan, and
//! the keyset page itself.
use chrono::NaiveDate;
use sqlx::postgres::PgRow;
use sqlx::{FromRow, PgPool, Postgres, QueryBuilder};

use super::ListSql;
use super::filters::{push_filters, search_mode};
use super::keyset::{Keyed, keyed_page, push_keyset_filter};
use crate::error::AppError;
use crate::records::filter::ListFilter;
use crate::records::model::{
    COUNT_LIMIT, ListPage, ListQuery, MAX_PAGE_SIZE, PAGE_SIZE, SEARCH_COUNT_LIMIT,
};
use crate::users::model::CurrentUser;

/// Matches beyond this many make the page walk the sort order's index (matches are frequent,
/// the first page fills fast); below it, the matches are fetched through the search indexes and sorted.
const WALK_ABOVE: i64 = SEARCH_COUNT_LIMIT;

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
    let expr = filter.sort.expr;
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
    let size = query
        .limit
        .map_or(PAGE_SIZE, |n| i64::from(n.clamp(1, MAX_PAGE_SIZE)));
    push_keyset_filter(&mut qb, &filter, filter.after.as_ref(), size + 1);
    let rows: Vec<Keyed<R>> = qb.build_query_as().fetch_all(&mut *tx).await?;
    tx.commit().await?;

    let (rows, next) = keyed_page(rows, size);
    Ok(ListPage {
        rows,
        next,
        total,
        limit,
    })
}
