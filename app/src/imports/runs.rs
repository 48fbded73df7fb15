//! An import's life in Postgres, so every instance answers for it and a restart loses nothing:
//! claimed once, its progress written with each committed batch, a heartbeat while it runs (a
//! stale one means it died with its process), its outcome or why it stopped. An upload's content
//! goes when its import ends, after a day if it never ran, and when a person in it is forgotten.
use std::time::Duration;

use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::model::{ImportKind, ImportResult, Progress, Shape};
use crate::error::AppError;
use crate::users::model::CurrentUser;

/// How often a running import says it is alive.
const BEAT: Duration = Duration::from_secs(15);

/// SQL: true of an import whose runner stopped beating (its process died).
const STALE: &str = "(i.finished_at IS NULL AND i.error IS NULL AND i.started_at IS NOT NULL
                       AND i.beat_at < now() - interval '1 minute')";

/// An upload the user may import now: its kind, content and the product it came from.
pub struct Claimed {
    pub kind: ImportKind,
    pub content: String,
    pub shape: Shape,
}

/// Claims the user's upload `id` for one run. `Conflict` if it ran, runs, or stopped after
/// writing part of it (what was written stays; it does not run twice); `Required` on `file` if
/// its content was removed (a day after the upload); `NotFound` if it is not the user's. An import
/// that stopped before it wrote anything may be started again.
pub async fn claim(pool: &PgPool, user: &CurrentUser, id: Uuid) -> Result<Claimed, AppError> {
    let claimed: Option<(String, Option<String>, String)> = sqlx::query_as(&format!(
        "UPDATE imports i SET started_at = now(), beat_at = now(), done = 0, error = NULL
          WHERE i.id = $1 AND i.user_id = $2 AND i.result IS NULL AND i.content IS NOT NULL
            AND (i.started_at IS NULL OR (i.done = 0 AND (i.error IS NOT NULL OR {STALE})))
          RETURNING i.kind, i.content, i.shape"
    ))
    .bind(id)
    .bind(user.id.0)
    .fetch_optional(pool)
    .await?;
    if let Some((kind, Some(content), shape)) = claimed {
        let kind = ImportKind::parse(&kind).ok_or_else(|| AppError::internal(&kind))?;
        let shape = Shape::parse(&shape).unwrap_or_default();
        return Ok(Claimed {
            kind,
            content,
            shape,
        });
    }
    let state: Option<(bool, bool)> = sqlx::query_as(
        "SELECT result IS NOT NULL OR started_at IS NOT NULL, content IS NULL FROM imports WHERE id = $1 AND user_id = $2",
    )
    .bind(id)
    .bind(user.id.0)
    .fetch_optional(pool)
    .await?;
    match state {
        None => Err(AppError::NotFound),
        Some((true, _)) => Err(AppError::Conflict),
        Some((false, _)) => Err(AppError::invalid("file", crate::error::Invalid::Required)),
    }
}

/// Keeps `beat_at` fresh while it lives; dropped (the import ended, failed or panicked), it stops.
pub struct Heartbeat(tokio::task::JoinHandle<()>);

impl Heartbeat {
    pub fn start(pool: &PgPool, id: Uuid) -> Self {
        let pool = pool.clone();
        Heartbeat(tokio::spawn(async move {
            let mut tick = tokio::time::interval(BEAT);
            loop {
                tick.tick().await;
                let beat = sqlx::query(
                    "UPDATE imports SET beat_at = now() WHERE id = $1 AND finished_at IS NULL",
                )
                .bind(id)
                .execute(&pool)
                .await;
                if let Err(e) = beat {
                    tracing::warn!(error = %e, import = %id, "import heartbeat failed");
                }
            }
        }))
    }
}

impl Drop for Heartbeat {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Rows of the file handled so far (`done`), written with the batch that handled them.
pub async fn advance(conn: &mut PgConnection, id: Uuid, done: i64) -> Result<(), AppError> {
    sqlx::query("UPDATE imports SET done = $2, beat_at = now() WHERE id = $1")
        .bind(id)
        .bind(i32::try_from(done).unwrap_or(i32::MAX))
        .execute(conn)
        .await?;
    Ok(())
}

/// The outcome, and the file's content gone with the run.
pub async fn finish(
    conn: &mut PgConnection,
    id: Uuid,
    result: &ImportResult,
) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE imports SET finished_at = now(), result = $2, done = rows, content = NULL, workbook = NULL, error = NULL
          WHERE id = $1",
    )
    .bind(id)
    .bind(sqlx::types::Json(result))
    .execute(conn)
    .await?;
    Ok(())
}

/// Why a claimed import stopped. The content is kept only while nothing was written (it may be
/// started again); after that the rows written stay and the file goes.
pub async fn stopped(pool: &PgPool, id: Uuid, e: &AppError) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE imports SET error = $2, beat_at = now(), content = CASE WHEN done = 0 THEN content END,
                workbook = CASE WHEN done = 0 THEN workbook END
          WHERE id = $1 AND finished_at IS NULL",
    )
    .bind(id)
    .bind(sqlx::types::Json(e))
    .execute(pool)
    .await?;
    Ok(())
}

pub async fn status(pool: &PgPool, user: &CurrentUser, id: Uuid) -> Result<Progress, AppError> {
    type Row = (
        i32,
        i32,
        Option<sqlx::types::Json<ImportResult>>,
        Option<sqlx::types::Json<AppError>>,
        bool,
    );
    let (rows, done, result, error, interrupted): Row = sqlx::query_as(&format!(
        "SELECT i.rows, i.done, i.result, i.error, {STALE} FROM imports i WHERE i.id = $1 AND i.user_id = $2"
    ))
    .bind(id)
    .bind(user.id.0)
    .fetch_optional(pool)
    .await?
    .ok_or(AppError::NotFound)?;
    Ok(Progress {
        done: i64::from(done),
        rows: i64::from(rows),
        result: result.map(|j| j.0),
        error: error.map(|j| j.0),
        interrupted,
    })
}

/// Empties uploads older than a day (never run, or stopped): the hourly purge calls it.
pub async fn expire_uploads(conn: &mut PgConnection) -> Result<i64, AppError> {
    Ok(sqlx::query(
        "UPDATE imports SET content = NULL, workbook = NULL
          WHERE (content IS NOT NULL OR workbook IS NOT NULL) AND created_at < now() - interval '1 day'",
    )
    .execute(conn)
    .await?
    .rows_affected() as i64)
}

/// Empties every upload still kept that names the person: their name (two characters or more),
/// one of their emails (any case) or phones (the number's last eight digits, written with spaces,
/// dashes, dots or brackets or without). A workbook's other sheets cannot be searched (it is
/// compressed): every workbook kept for another sheet goes. Over-eager matches only cost an
/// uploader a re-upload (or their choice of sheet); a missed one would keep the person on file.
pub async fn forget_person(
    conn: &mut PgConnection,
    name: &str,
    email_keys: &[String],
    phone_keys: &[String],
) -> Result<i64, AppError> {
    let name = name.trim();
    let name = (name.chars().count() >= 2).then(|| name.to_lowercase());
    // A file may write a number with or without its country code: the last eight digits
    // (the whole number if shorter) are what must not stay.
    let phones: Vec<String> = phone_keys
        .iter()
        .filter(|p| p.len() >= 5)
        .map(|p| p[p.len().saturating_sub(8)..].to_string())
        .collect();
    sqlx::query("UPDATE imports SET workbook = NULL WHERE workbook IS NOT NULL")
        .execute(&mut *conn)
        .await?;
    Ok(sqlx::query(
        "UPDATE imports SET content = NULL
          WHERE content IS NOT NULL
            AND (($1::text IS NOT NULL AND strpos(lower(content), $1) > 0)
                 OR EXISTS (SELECT 1 FROM unnest($2::text[]) e WHERE strpos(lower(content), lower(e)) > 0)
                 OR EXISTS (SELECT 1 FROM unnest($3::text[]) p
                             WHERE strpos(regexp_replace(content, '[ ()+.-]', '', 'g'), p) > 0))",
    )
    .bind(name)
    .bind(email_keys)
    .bind(phones)
    .execute(&mut *conn)
    .await?
    .rows_affected() as i64)
}

#[cfg(test)]
mod tests;
