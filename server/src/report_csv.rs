//! `GET /export/report/{kind}.csv?<the report's filters>`: a report's table as CSV, the same rows
//! and total the page shows, headings in the user's language. A report is at most a few hundred
//! rows of figures the user may already see, so any signed-in role may download its own.
use axum::Extension;
use axum::extract::{Path, RawQuery};
use axum::http::StatusCode;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};

use app::error::AppError;
use app::reports::model::{ReportKind, ReportQuery};
use app::users::auth::Authenticated;

use crate::security::error_response;

pub async fn csv(
    Extension(pool): Extension<sqlx::PgPool>,
    auth: Option<Extension<Authenticated>>,
    Path(file): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    let Some(Extension(auth)) = auth else {
        return error_response(&AppError::Unauthorized);
    };
    let Some(kind) = file.strip_suffix(".csv").and_then(ReportKind::parse) else {
        return error_response(&AppError::NotFound);
    };
    let pairs = crate::export::pairs(raw.as_deref().unwrap_or(""));
    let query =
        ReportQuery::from_pairs(|k| pairs.iter().find(|(pk, _)| pk == k).map(|(_, v)| v.clone()));
    let report =
        match app::reports::api::run(&pool, &auth.user, kind, &query, chrono::Utc::now()).await {
            Ok(r) => r,
            Err(e) => return error_response(&e),
        };
    let locale = auth.user.language();
    let name = format!(
        "{}-{}-{}.csv",
        kind.as_str(),
        report.span.from,
        report.span.last()
    );
    (
        StatusCode::OK,
        [
            (CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        app::reports::views::csv(locale, &report),
    )
        .into_response()
}
