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

/// A file as an import reads it: its text (a workbook's sheet as CSV), what it was ("UTF-8",
/// "GB18030", "XLSX"), and a workbook's sheets, the one read, and its bytes while another may be
/// chosen.
struct Read {
    content: String,
    encoding: &'static str,
    sheets: Vec<String>,
    sheet: String,
    workbook: Option<Vec<u8>>,
}

fn read(bytes: &[u8]) -> Result<Read, AppError> {
    if super::sheets::is_workbook(bytes) {
        let super::sheets::Sheet {
            text: content,
            name: sheet,
            names: sheets,
        } = super::sheets::sheet_as_csv(bytes, None)?;
        let encoding = if bytes.starts_with(b"PK") {
            "XLSX"
        } else {
            "XLS"
        };
        let workbook = (sheets.len() > 1).then(|| bytes.to_vec());
        return Ok(Read {
            content,
            encoding,
            sheets,
            sheet,
            workbook,
        });
    }
    // Postgres text cannot hold NUL: a file with one (binary, or UTF-16) is refused as such.
    if bytes.contains(&0) {
        return Err(AppError::invalid("file", Invalid::Characters));
    }
    let (content, encoding) = decode(bytes);
    Ok(Read {
        content,
        encoding,
        sheets: Vec::new(),
        sheet: String::new(),
        workbook: None,
    })
}

/// The text's shape and rows; a file without a header and rows is refused.
fn measure(content: &str) -> Result<(Shape, i32), AppError> {
    let mut r = reader(content);
    let has_header = r
        .headers()
        .is_ok_and(|h| h.iter().any(|c| !c.trim().is_empty()));
    let shape = r
        .headers()
        .map_or(Shape::Spreadsheet, |h| super::shapes::detect(&record(h)));
    let rows = r.records().count();
    if !has_header || rows == 0 {
        return Err(AppError::invalid("file", Invalid::Required));
    }
    Ok((shape, i32::try_from(rows).unwrap_or(i32::MAX)))
}

/// Keeps an uploaded file (CSV in any encoding, or a workbook's first sheet) for its import page.
pub async fn store(
    pool: &PgPool,
    user: &CurrentUser,
    kind: ImportKind,
    file_name: &str,
    bytes: &[u8],
) -> Result<Uuid, AppError> {
    require_edit(user)?;
    let file = read(bytes)?;
    let (shape, rows) = measure(&file.content)?;
    let name: String = file_name.chars().take(200).collect();
    Ok(sqlx::query_scalar(
        "INSERT INTO imports (user_id, kind, file_name, encoding, content, rows, shape, sheets, sheet, workbook)
         VALUES ($1, $6, $2, $3, $4, $5, $7, $8, $9, $10) RETURNING id",
    )
    .bind(user.id.0)
    .bind(name)
    .bind(file.encoding)
    .bind(&file.content)
    .bind(rows)
    .bind(kind.as_str())
    .bind(shape.as_str())
    .bind(&file.sheets)
    .bind(&file.sheet)
    .bind(&file.workbook)
    .fetch_one(pool)
    .await?)
}

/// Reads another sheet of the user's uploaded workbook `id` in place of the one read, before the
/// import starts.
pub async fn choose_sheet(
    pool: &PgPool,
    user: &CurrentUser,
    id: Uuid,
    sheet: &str,
) -> Result<(), AppError> {
    require_edit(user)?;
    let book: Option<Option<Vec<u8>>> = sqlx::query_scalar(
        "SELECT workbook FROM imports WHERE id = $1 AND user_id = $2 AND started_at IS NULL",
    )
    .bind(id)
    .bind(user.id.0)
    .fetch_optional(pool)
    .await?;
    let book = match book {
        None => return Err(AppError::NotFound),
        Some(None) => return Err(AppError::invalid("sheet", Invalid::Choice)),
        Some(Some(b)) => b,
    };
    let super::sheets::Sheet {
        text: content,
        name: sheet,
        ..
    } = super::sheets::sheet_as_csv(&book, Some(sheet))?;
    let (shape, rows) = measure(&content)?;
    sqlx::query(
        "UPDATE imports SET content = $3, rows = $4, shape = $5, sheet = $6
          WHERE id = $1 AND user_id = $2 AND started_at IS NULL",
    )
    .bind(id)
    .bind(user.id.0)
    .bind(&content)
    .bind(rows)
    .bind(shape.as_str())
    .bind(&sheet)
    .execute(pool)
    .await?;
    Ok(())
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
