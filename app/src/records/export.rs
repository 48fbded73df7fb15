//! A list view as CSV: the view's filters, order and columns, the header in the user's language,
//! streamed in chunks so that a million rows never sit in memory.
use std::borrow::Cow;

use std::time::Duration;

use chrono::NaiveDate;
use sqlx::{PgPool, Postgres, QueryBuilder, Row};
use tokio::sync::mpsc;
use uuid::Uuid;

use super::db::{Match, push_filters, push_keyset_filter, search_mode};
use super::filter::{Cursor, ListFilter, SortValue};
use super::list::{ColumnHead, ListDef};
use super::model::ListQuery;
use super::views::Label;
use crate::error::AppError;
use crate::users::model::CurrentUser;

/// Bytes gathered before a chunk goes out.
const CHUNK: usize = 64 * 1024;

/// Lets spreadsheet programs read the file as UTF-8 (Excel would show Chinese names garbled).
pub const BOM: &[u8] = "\u{feff}".as_bytes();

/// The columns the view shows, in its order: the name, then those chosen (else the defaults).
fn shown(columns: &[ColumnHead], chosen: &[String]) -> Vec<(&'static str, Label)> {
    let mut out = vec![(columns[0].0, columns[0].1)];
    if chosen.is_empty() {
        out.extend(columns[1..].iter().filter(|c| c.2).map(|c| (c.0, c.1)));
    } else {
        out.extend(
            chosen
                .iter()
                .filter_map(|k| columns[1..].iter().find(|c| c.0 == k))
                .map(|c| (c.0, c.1)),
        );
    }
    out
}

/// A cell as written. Text a spreadsheet would run as a formula (`=`, `@`, or `+`/`-` before
/// something other than a number) gets a leading apostrophe; phone numbers and amounts such as
/// "+86 138 0013 8000" or "-12.5" stay as they are.
pub fn safe_cell(v: &str) -> Cow<'_, str> {
    let numeric = |rest: &str| {
        !rest.is_empty()
            && rest
                .chars()
                .all(|c| c.is_ascii_digit() || " .,()-".contains(c))
    };
    match v.chars().next() {
        Some('=' | '@' | '\t' | '\r') => Cow::Owned(format!("'{v}")),
        Some('+' | '-') if !numeric(&v[1..]) => Cow::Owned(format!("'{v}")),
        _ => Cow::Borrowed(v),
    }
}

fn csv_error(e: impl std::fmt::Display) -> AppError {
    AppError::internal(e)
}

/// Rows read per page. Each page takes a pooled connection for one short query and gives it back,
/// so a slow download holds no connection (nor a transaction) while its reader catches up.
const PAGE_ROWS: i64 = 2_000;

/// How long a chunk may wait for the reader before the export gives up (a stalled download).
pub const SEND_DEADLINE: Duration = Duration::from_secs(60);

/// Sends `chunk`; false when the download was cancelled or its reader stalled past the deadline.
async fn send(out: &mpsc::Sender<Vec<u8>>, chunk: Vec<u8>) -> bool {
    match tokio::time::timeout(SEND_DEADLINE, out.send(chunk)).await {
        Ok(sent) => sent.is_ok(),
        Err(_) => {
            tracing::warn!("export stopped: the reader took no data for {SEND_DEADLINE:?}");
            false
        }
    }
}

/// Writes the view `query` of `list` as CSV to `out`, in chunks: first the header (the list page's
/// columns), then every matching row the user may see, in the view's order, read in keyset pages.
/// Stops early, without error, when `out` is closed (the download was cancelled) or stalls.
/// Returns the rows written.
pub async fn export(
    pool: &PgPool,
    user: &CurrentUser,
    list: &ListDef,
    query: &ListQuery,
    today: NaiveDate,
    out: mpsc::Sender<Vec<u8>>,
) -> Result<u64, AppError> {
    let (sql, columns) = (list.sql, (list.columns)());
    let filter = ListFilter::parse(&query.first_page(), sql, today)?;
    let shown = shown(&columns, &query.cols);
    let locale = user.language();
    let exprs: Vec<String> = shown
        .iter()
        .map(|(key, _)| {
            let expr = sql
                .export
                .iter()
                .find(|(k, _)| k == key)
                .map_or("NULL", |(_, e)| e);
            format!("({expr})::text")
        })
        .collect();
    let select = format!(
        "SELECT {}, ({})::text AS sort_key, r.id FROM {}",
        exprs.join(", "),
        filter.sort.expr,
        sql.from
    );
    // How the search matches is settled once, so that every page matches the same way.
    let how = {
        let mut tx = pool.begin().await?;
        let (how, _) = search_mode(&mut tx, user, sql, &filter, 0).await?;
        tx.commit().await?;
        how
    };

    let writer = || {
        csv::WriterBuilder::new()
            .has_headers(false)
            .from_writer(Vec::with_capacity(CHUNK + 1024))
    };
    let mut w = writer();
    w.write_record(shown.iter().map(|(_, label)| label(locale)))
        .map_err(csv_error)?;
    let mut head = BOM.to_vec();
    head.extend(
        std::mem::replace(&mut w, writer())
            .into_inner()
            .map_err(csv_error)?,
    );
    if !send(&out, head).await {
        return Ok(0);
    }
    let mut written = 0u64;
    let mut after: Option<Cursor> = None;
    let mut cells: Vec<String> = Vec::with_capacity(shown.len());
    loop {
        let rows = {
            let mut tx = pool.begin().await?;
            if how == Match::Typo {
                sqlx::query("SET LOCAL pg_trgm.word_similarity_threshold = 0.4")
                    .execute(&mut *tx)
                    .await?;
            }
            let mut qb = QueryBuilder::<Postgres>::new(&select);
            push_filters(&mut qb, user, sql, &filter, how);
            push_keyset_filter(&mut qb, &filter, after.as_ref(), PAGE_ROWS);
            let rows = qb.build().fetch_all(&mut *tx).await?;
            tx.commit().await?;
            rows
        };
        let Some(last) = rows.last() else { break };
        let full_page = rows.len() as i64 == PAGE_ROWS;
        let key: String = last.try_get("sort_key")?;
        let id: Uuid = last.try_get("id")?;
        let value = SortValue::read(key, filter.sort.ty)
            .ok_or_else(|| AppError::internal("export: a sort key that does not read back"))?;
        after = Some(Cursor { value, id });
        for row in rows {
            cells.clear();
            for i in 0..shown.len() {
                let v: Option<String> = row.try_get(i)?;
                cells.push(v.map(|v| safe_cell(&v).into_owned()).unwrap_or_default());
            }
            w.write_record(&cells).map_err(csv_error)?;
            written += 1;
            if w.get_ref().len() >= CHUNK {
                let full = std::mem::replace(&mut w, writer());
                if !send(&out, full.into_inner().map_err(csv_error)?).await {
                    return Ok(written);
                }
            }
        }
        if !full_page {
            break;
        }
    }
    let rest = w.into_inner().map_err(csv_error)?;
    if !rest.is_empty() {
        send(&out, rest).await;
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_defused_and_phone_numbers_left_alone() {
        assert_eq!(safe_cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(safe_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(safe_cell("+cmd|' /C calc'!A0"), "'+cmd|' /C calc'!A0");
        assert_eq!(safe_cell("+86 138 0013 8000"), "+86 138 0013 8000");
        assert_eq!(safe_cell("-12.50"), "-12.50");
        assert_eq!(safe_cell("王伟"), "王伟");
    }
}
