//! The public REST API, `/api/v1`: the same domain code as the UI's server functions, called with
//! a personal API token instead of a session. Its OpenAPI document is generated from the handlers
//! and their types (`/api/v1/openapi.json`), so it cannot drift from what the server does.
//!
//! - Auth: `Authorization: Bearer keel_…`; the token acts as its user (role and data scope), within
//!   the grants it names per kind of record.
//! - Errors: one body for every failure, `{"error": {"kind", "fields", "id"}}` (`AppError`).
//! - Concurrency: a record's `ETag` is its version; `If-Match` is required on update and delete,
//!   and a stale one answers 412 with the current record.
//! - Limits: per token and per client address, held in each instance's memory (see `limits`).
use std::sync::Arc;

use axum::Router;
use axum::extract::FromRequestParts;
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use http::header::{AUTHORIZATION, CONTENT_TYPE, ETAG, IF_MATCH};
use http::request::Parts;
use serde::Serialize;
use sqlx::PgPool;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use uuid::Uuid;

use app::error::AppError;
use app::tokens::model::{Entity, Scopes};
use app::users::auth::ClientAddr;
use app::users::model::CurrentUser;

#[macro_use]
mod macros;
mod activities;
mod companies;
mod contacts;
mod deals;
mod directory;
mod leads;
pub mod limits;
mod records;
mod tickets;
mod transfer;

/// What every handler is handed: the pool and the rate limits of this instance.
#[derive(Clone)]
pub struct Api {
    pub pool: PgPool,
    pub limits: Arc<limits::Limits>,
}

/// The error body of every failure: the typed error the UI decodes, under `error`.
#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    /// `kind`: unauthorized, forbidden, not_found, validation (with `fields`: field → rule),
    /// conflict, rate_limited (with `retry_after_secs`), busy, bad_request, internal (with `id`).
    #[schema(value_type = Object)]
    error: AppError,
}

/// A failure answered as `ErrorBody` with the error's status (and `Retry-After` when limited).
pub struct ApiError(pub AppError);

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        ApiError(e)
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(e: sqlx::Error) -> Self {
        ApiError(e.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status =
            StatusCode::from_u16(self.0.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut res = (
            status,
            axum::Json(ErrorBody {
                error: self.0.clone(),
            }),
        )
            .into_response();
        if let AppError::RateLimited { retry_after_secs } = self.0 {
            res.headers_mut()
                .insert(http::header::RETRY_AFTER, retry_after_secs.into());
        }
        if self.0 == AppError::Unauthorized {
            res.headers_mut().insert(
                http::header::WWW_AUTHENTICATE,
                http::HeaderValue::from_static("Bearer realm=\"keel\""),
            );
        }
        res
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

/// The caller: a live token's user and grants.
pub struct Caller {
    pub user: CurrentUser,
    scopes: Scopes,
}

impl Caller {
    /// The user, if the token grants `entity` for reading (or writing).
    pub fn may(&self, entity: Entity, write: bool) -> Result<&CurrentUser, ApiError> {
        if self.scopes.allows(entity, write) {
            Ok(&self.user)
        } else {
            Err(ApiError(AppError::Forbidden))
        }
    }
}

impl FromRequestParts<Api> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, api: &Api) -> Result<Self, ApiError> {
        let addr = parts.extensions.get::<ClientAddr>().and_then(|a| a.0);
        api.limits.address(addr)?;
        let secret = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .ok_or(AppError::Unauthorized)?;
        let (token, user, scopes) =
            app::tokens::db::authenticate(&api.pool, secret, addr.map(|a| a.to_string()))
                .await?
                .ok_or(AppError::Unauthorized)?;
        api.limits.token(token)?;
        Ok(Caller { user, scopes })
    }
}

/// The version `If-Match` names (`"7"`, or `W/"7"`): required to change a record.
pub struct IfMatch(pub i32);

impl<S: Send + Sync> FromRequestParts<S> for IfMatch {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Response> {
        let Some(value) = parts.headers.get(IF_MATCH) else {
            let mut res = ApiError(AppError::invalid("If-Match", app::error::Invalid::Required))
                .into_response();
            *res.status_mut() = StatusCode::PRECONDITION_REQUIRED;
            return Err(res);
        };
        value
            .to_str()
            .ok()
            .map(|v| v.trim().trim_start_matches("W/").trim_matches('"'))
            .and_then(|v| v.parse().ok())
            .map(IfMatch)
            .ok_or_else(|| {
                ApiError(AppError::invalid("If-Match", app::error::Invalid::Number)).into_response()
            })
    }
}

/// A record with its version as the `ETag`.
pub fn tagged<T: Serialize>(status: StatusCode, version: i32, body: &T) -> Response {
    let mut res = (status, axum::Json(body)).into_response();
    if let Ok(v) = http::HeaderValue::from_str(&format!("\"{version}\"")) {
        res.headers_mut().insert(ETAG, v);
    }
    res
}

/// The answer to a stale `If-Match`: 412 with the record as it now is.
pub fn stale<T: Serialize>(version: i32, current: &T) -> Response {
    tagged(StatusCode::PRECONDITION_FAILED, version, current)
}

/// One page of a list: its rows and the cursor of the next page (absent on the last).
#[derive(Serialize, ToSchema)]
pub struct Page<T> {
    pub data: Vec<T>,
    /// Pass as `cursor` for the next page.
    pub next_cursor: Option<String>,
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Keel API",
        version = "1",
        description = "Keel's records over HTTP with a personal API token (Settings → API tokens). \
Send `Authorization: Bearer keel_…`. A token acts as its user, within the grants it names. \
Money is integer minor units with an ISO 4217 currency; times are RFC 3339. Update and delete \
need `If-Match` with the record's `ETag`; a stale one answers 412 with the current record. \
Every failure answers `{\"error\": {\"kind\", \"fields\", \"id\"}}`. Limits: 600 requests a \
minute per token (bursts of 60) and 1,200 per client address, per instance; 429 says when to \
retry in `Retry-After`."
    ),
    modifiers(&BearerAuth),
    security(("bearer" = [])),
    components(schemas(ErrorBody)),
    tags(
        (name = "contacts", description = "People at customers"),
        (name = "companies", description = "Customer organisations"),
        (name = "leads", description = "Prospects not yet qualified into contacts"),
        (name = "deals", description = "Opportunities moving through a pipeline's stages"),
        (name = "activities", description = "Calls, meetings, emails and notes logged on a record (appended, never rewritten)"),
        (name = "tasks", description = "The token's user's tasks about records"),
        (name = "tickets", description = "The service desk's tickets and their conversations"),
        (name = "imports", description = "CSV files in and out, as the screens' import and export"),
        (name = "pipelines", description = "Pipelines and their stages (read only)"),
        (name = "users", description = "The people who own records (read only)"),
    )
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("keel_<64 hex digits>")
                    .build(),
            ),
        );
    }
}

/// The API's routes and its OpenAPI document, generated from them.
fn routes() -> (Router<Api>, utoipa::openapi::OpenApi) {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .nest(
            "/api/v1",
            OpenApiRouter::new()
                .merge(contacts::routes())
                .merge(companies::routes())
                .merge(leads::routes())
                .merge(deals::routes())
                .merge(activities::routes())
                .merge(tickets::routes())
                .merge(transfer::routes())
                .merge(directory::routes()),
        )
        .split_for_parts()
}

/// The OpenAPI document as JSON (also written by `keel openapi`).
pub fn openapi_json() -> String {
    routes().1.to_pretty_json().unwrap_or_default()
}

/// `/api/v1`, with `/api/v1/openapi.json` served to anyone.
pub fn router(pool: PgPool, limits: limits::Limits) -> Router {
    let (router, doc) = routes();
    let doc = Arc::new(doc.to_json().unwrap_or_default());
    router
        .route(
            "/api/v1/openapi.json",
            axum::routing::get(move || {
                let doc = doc.clone();
                async move { ([(CONTENT_TYPE, "application/json")], (*doc).clone()) }
            }),
        )
        // The document, readable: Swagger UI from public/api-docs (served by Keel, no internet).
        .route(
            "/api/docs",
            axum::routing::get(|| async {
                axum::response::Redirect::permanent("/api-docs/index.html")
            }),
        )
        .route(
            "/api/v1/{*rest}",
            axum::routing::any(|| async { ApiError(AppError::NotFound) }),
        )
        .with_state(Api {
            pool,
            limits: Arc::new(limits),
        })
}

/// A record id from the path: a malformed one is not found, like an unknown one.
pub fn id_of(raw: &str) -> ApiResult<Uuid> {
    raw.parse().map_err(|_| ApiError(AppError::NotFound))
}
