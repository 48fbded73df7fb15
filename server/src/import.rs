//! `POST /import/{contacts,companies,leads,deals,notes}`: an uploaded CSV file (the raw bytes, any
//! encoding) or workbook, kept for its import page; answers the import's id.
use axum::Extension;
use axum::body::Bytes;
use axum::extract::Path;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};

use app::error::AppError;
use app::users::auth::Authenticated;

use crate::security::error_response;

/// Uploads may be this large (a 100,000-row file is about 10 MB).
pub const UPLOAD_LIMIT: usize = 64 * 1024 * 1024;

pub async fn upload(
    Extension(pool): Extension<sqlx::PgPool>,
    auth: Option<Extension<Authenticated>>,
    Path(kind): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(Extension(auth)) = auth else {
        return error_response(&AppError::Unauthorized);
    };
    let Some(kind) = app::imports::model::ImportKind::parse(&kind) else {
        return error_response(&AppError::NotFound);
    };
    let name = headers
        .get("x-file-name")
        .and_then(|v| v.to_str().ok())
        .map(app::ui::url::decode)
        .unwrap_or_else(|| "import.csv".into());
    match app::imports::db::store(&pool, &auth.user, kind, &name, &body).await {
        Ok(id) => axum::Json(id).into_response(),
        Err(e) => error_response(&e),
    }
}
