//! An uploaded file: decoded (UTF-8 or GB18030), kept for its import page, and previewed with
//! guesses for its columns.
use sqlx::PgPool;
use uuid::Uuid;

use super::lines::numbered;
use super::model::{
    DISTINCT_MAX, ImportKind, ImportResult, Preview, SAMPLE_ROWS, SampleRow, Shape, guess_mapping,
};
use super::values::ImportPipeline;
use crate::error::{AppError, Invalid};
use crate::records::db::require_edit;
use crate::users::model::CurrentUser;

/// The file as text: UTF-8 (a byte-order mark dropped), else GB18030, which reads the GBK that
/// spreadsheets in China save.
pub fn decode(bytes: &[u8]) -> (String, &'static str) {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => (s.to_string(), "UTF-8"),
        Err(_) => {
            let (text, _, _) = encoding_rs::GB18030.decode(bytes);
            (text.into_owned(), "GB18030")
        }
    }
}

pub(super) fn reader(content: &str) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(true)
        .from_reader(content.as_bytes())
}

pub(super) fn record(r: &csv::StringRecord) -> Vec<String> {
    r.iter().map(str::to_string).collect()
}

/// Keeps an uploaded file for its import page; refuses a file without a header and rows.
pub async fn store(
    pool: &PgPool,
    user: &CurrentUser,
    kind: ImportKind,
    file_name: &str,
    bytes: &[u8],
) -> Result<Uuid, AppError> {
    require_edit(user)?;
    let (content, encoding) = decode(bytes);
    let mut r = reader(&content);
    let has_header = r
        .headers()
        .is_ok_and(|h| h.iter().any(|c| !c.trim().is_empty()));
    let shape = r
        .headers()
        .map_or(Shape::Spreadsheet, |h| super::shapes::detect(&record(h)));
    let rows = r.records().count() as i64;
    if !has_header || rows == 0 {
        return Err(AppError::invalid("file", Invalid::Required));
    }
    let name: String = file_name.chars().take(200).collect();
    Ok(sqlx::query_scalar(
        "INSERT INTO imports (user_id, kind, file_name, encoding, content, rows, shape)
         VALUES ($1, $6, $2, $3, $4, $5, $7) RETURNING id",
    )
    .bind(user.id.0)
    .bind(name)
    .bind(encoding)
    .bind(&content)
    .bind(rows as i32)
    .bind(kind.as_str())
    .bind(shape.as_str())
    .fetch_one(pool)
    .await?)
}

/// An uploaded file as stored (its content gone once imported, or a day after the upload).
#[derive(sqlx::FromRow)]
struct Stored {
    kind: String,
    file_name: String,
    encoding: String,
    content: Option<String>,
    rows: i32,
    result: Option<sqlx::types::Json<ImportResult>>,
    started: bool,
    shape: String,
    sheets: Vec<String>,
    sheet: String,
}

/// What the user's uploaded file `id` is imported as.
pub async fn kind(pool: &PgPool, user: &CurrentUser, id: Uuid) -> Result<ImportKind, AppError> {
    let kind: String =
        sqlx::query_scalar("SELECT kind FROM imports WHERE id = $1 AND user_id = $2")
            .bind(id)
            .bind(user.id.0)
            .fetch_optional(pool)
            .await?
            .ok_or(AppError::NotFound)?;
    ImportKind::parse(&kind).ok_or_else(|| AppError::internal(kind))
}

pub async fn preview(pool: &PgPool, user: &CurrentUser, id: Uuid) -> Result<Preview, AppError> {
    let stored: Stored = sqlx::query_as(
        "SELECT kind, file_name, encoding, content, rows, result, started_at IS NOT NULL AS started,
                shape, sheets, sheet
           FROM imports WHERE id = $1 AND user_id = $2",
    )
    .bind(id)
    .bind(user.id.0)
    .fetch_optional(pool)
    .await?
    .ok_or(AppError::NotFound)?;
    let kind = ImportKind::parse(&stored.kind).ok_or_else(|| AppError::internal(&stored.kind))?;
    let content = stored.content.as_deref().unwrap_or("");
    let headers = match reader(content).headers() {
        Ok(h) if stored.content.is_some() => record(h),
        _ => Vec::new(),
    };
    let headers_len = headers.len();
    let sample = numbered(content)
        .take(SAMPLE_ROWS)
        .filter_map(|(line, rec)| {
            rec.ok().map(|r| SampleRow {
                line,
                cells: record(&r),
            })
        })
        .collect();
    Ok(Preview {
        id,
        kind,
        file_name: stored.file_name,
        encoding: stored.encoding,
        mapping: guess_mapping(kind, &headers),
        headers,
        sample,
        rows: i64::from(stored.rows),
        expired: stored.content.is_none() && stored.result.is_none() && !stored.started,
        result: stored.result.map(|j| j.0),
        started: stored.started,
        shape: Shape::parse(&stored.shape).unwrap_or_default(),
        distinct: if stored.started {
            Vec::new()
        } else {
            distinct(content, headers_len)
        },
        sheets: stored.sheets,
        sheet: stored.sheet,
        pipelines: if kind == ImportKind::Deals {
            pipelines(pool).await?
        } else {
            Vec::new()
        },
    })
}

/// Every pipeline with its open stages, in the board's order.
async fn pipelines(pool: &PgPool) -> Result<Vec<ImportPipeline>, AppError> {
    let rows: Vec<(Uuid, String, Uuid, String)> = sqlx::query_as(
        "SELECT p.id, p.name, s.id, s.name FROM pipelines p JOIN stages s ON s.pipeline_id = p.id
          WHERE s.archived_at IS NULL ORDER BY p.position, p.name, p.id, s.position",
    )
    .fetch_all(pool)
    .await?;
    let mut out: Vec<ImportPipeline> = Vec::new();
    for (pid, pname, sid, sname) in rows {
        if out.last().is_none_or(|p| p.id != pid) {
            out.push(ImportPipeline {
                id: pid,
                name: pname,
                stages: Vec::new(),
            });
        }
        if let Some(p) = out.last_mut() {
            p.stages.push((sid, sname));
        }
    }
    Ok(out)
}

/// Each column's distinct values (trimmed, not empty) in the order met, `None` for a column with
/// more than `DISTINCT_MAX`.
fn distinct(content: &str, columns: usize) -> Vec<Option<Vec<String>>> {
    let mut seen: Vec<Option<Vec<String>>> = vec![Some(Vec::new()); columns];
    for rec in reader(content).records().flatten() {
        for (cell, slot) in rec.iter().zip(seen.iter_mut()) {
            let cell = cell.trim();
            let Some(values) = slot else { continue };
            if cell.is_empty() || values.iter().any(|v| v == cell) {
                continue;
            }
            if values.len() == DISTINCT_MAX {
                *slot = None;
            } else {
                values.push(cell.to_string());
            }
        }
    }
    seen
}
