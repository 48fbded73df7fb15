//! Import and export over the API, through the code of the screens' CSV paths: a file posted is
//! kept as an upload is, previewed with the columns' guessed fields, and imported by the same
//! runner (in the background, followed by its status); an export streams a list's CSV as the
//! list page's download does.
use axum::Json;
use axum::body::Body;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use http::{HeaderMap, StatusCode};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::records::{ListParams, body, params};
use super::{Api, ApiError, ApiResult, Caller, ErrorBody};
use app::error::{AppError, Invalid};
use app::imports::model::{ImportKind, OnDuplicate, Preview, Progress};
use app::records::model::ListKind;
use app::tokens::model::Entity;

fn entity(kind: ImportKind) -> Entity {
    match kind {
        ImportKind::Contacts => Entity::Contacts,
        ImportKind::Companies => Entity::Companies,
        ImportKind::Leads => Entity::Leads,
        ImportKind::Deals => Entity::Deals,
        ImportKind::Notes => Entity::Activities,
    }
}

/// An import: the file as read, the field each column goes to, and how far it has run.
#[derive(Serialize, ToSchema)]
struct ImportOut {
    id: Uuid,
    /// contacts, companies, leads, deals or notes.
    kind: String,
    /// The product whose export the headers look like (hubspot, salesforce, pipedrive, twenty,
    /// zoho, wukong) or spreadsheet; old ids are kept per product.
    shape: String,
    file_name: String,
    /// UTF-8, or GB18030 (which reads GBK).
    encoding: String,
    headers: Vec<String>,
    /// The field each column goes to ("" for none): guessed from the headers until it starts.
    mapping: Vec<String>,
    /// Data rows (the header not counted).
    rows: i64,
    started: bool,
    /// The file was removed (a day after its upload) before it was imported.
    expired: bool,
    /// `done` (rows), `rows`, `result` (created, updated, skipped, failed, errors by line) and
    /// `error` or `interrupted`, once it has started.
    #[schema(value_type = Object)]
    progress: Option<Progress>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct KindParam {
    kind: String,
}

/// How to import: the mapping (the preview's guess when absent), what a duplicate does, and
/// whether one bad row stops it all.
#[derive(ToSchema)]
#[allow(dead_code)]
struct StartBody {
    mapping: Option<Vec<String>>,
    /// skip (the default), update or create.
    #[schema(value_type = String)]
    on_duplicate: OnDuplicate,
    all_or_nothing: bool,
    /// The values of the valued field (a contact's lifecycle stage, a lead's status, a deal's
    /// stage) mapped onto Keel's: `[{"from": "customer", "to": "Customer"}]`.
    #[schema(value_type = Vec<Object>)]
    values: Vec<app::imports::model::ValueChoice>,
    /// Deals: the pipeline they go into (the first if none); their stages are what `values` map
    /// onto, by id or name.
    pipeline: Option<Uuid>,
}

/// The body's `key`, read as its type; a value of another type is refused by its name.
fn field<T: serde::de::DeserializeOwned>(
    b: &mut serde_json::Map<String, Value>,
    key: &str,
) -> ApiResult<Option<T>> {
    match b.remove(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => serde_json::from_value(v)
            .map(Some)
            .map_err(|_| ApiError(AppError::invalid(key, Invalid::Choice))),
    }
}

async fn out(api: &Api, user: &app::users::model::CurrentUser, p: Preview) -> ApiResult<ImportOut> {
    let progress = match p.started {
        true => Some(app::imports::db::status(&api.pool, user, p.id).await?),
        false => None,
    };
    Ok(ImportOut {
        id: p.id,
        kind: p.kind.as_str().to_string(),
        shape: p.shape.as_str().to_string(),
        file_name: p.file_name,
        encoding: p.encoding,
        headers: p.headers,
        mapping: p.mapping,
        rows: p.rows,
        started: p.started,
        expired: p.expired,
        progress,
    })
}

/// An import of the caller's, if the token may write its kind of record.
async fn mine(api: &Api, caller: &Caller, id: &str, write: bool) -> ApiResult<Preview> {
    let p = app::imports::db::preview(&api.pool, &caller.user, super::id_of(id)?).await?;
    caller.may(entity(p.kind), write)?;
    Ok(p)
}

/// Posts a CSV file (any encoding: UTF-8, or GBK as Chinese spreadsheets save it) to import as
/// records of `kind`; it is previewed, not yet imported.
#[utoipa::path(post, path = "/imports", tag = "imports", operation_id = "create_imports",
    params(("kind" = String, Query, description = "contacts, companies, leads, deals or notes"),
        ("X-File-Name" = Option<String>, Header, description = "The file's name, for the list of imports")),
    request_body(content = String, content_type = "text/csv"),
    responses((status = 201, body = ImportOut), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 413, body = ErrorBody),
        (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
async fn upload(
    State(api): State<Api>,
    caller: Caller,
    q: Result<Query<KindParam>, QueryRejection>,
    headers: HeaderMap,
    file: Body,
) -> ApiResult<(StatusCode, Json<ImportOut>)> {
    let kind = ImportKind::parse(&params(q)?.kind)
        .ok_or(ApiError(AppError::invalid("kind", Invalid::Choice)))?;
    let user = caller.may(entity(kind), true)?;
    let bytes = axum::body::to_bytes(file, crate::import::UPLOAD_LIMIT)
        .await
        .map_err(|_| {
            ApiError(AppError::invalid(
                "file",
                Invalid::TooLong {
                    max: crate::import::UPLOAD_LIMIT as u32,
                },
            ))
        })?;
    let name = (headers.get("x-file-name").and_then(|v| v.to_str().ok()))
        .map(app::ui::url::decode)
        .unwrap_or_else(|| "import.csv".into());
    let id = app::imports::db::store(&api.pool, user, kind, &name, &bytes).await?;
    let p = app::imports::db::preview(&api.pool, user, id).await?;
    Ok((StatusCode::CREATED, Json(out(&api, user, p).await?)))
}

#[utoipa::path(get, path = "/imports/{id}", tag = "imports", operation_id = "get_imports",
    params(("id" = String, Path, description = "The import's id")),
    responses((status = 200, body = ImportOut), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 429, body = ErrorBody)))]
async fn get(
    State(api): State<Api>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<ImportOut>> {
    let p = mine(&api, &caller, &id, false).await?;
    Ok(Json(out(&api, &caller.user, p).await?))
}

/// Starts the import and answers at once (202); `GET /imports/{id}` follows it.
#[utoipa::path(post, path = "/imports/{id}/start", tag = "imports", operation_id = "start_imports",
    params(("id" = String, Path, description = "The import's id")),
    request_body = StartBody,
    responses((status = 202, body = ImportOut), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
async fn start(
    State(api): State<Api>,
    caller: Caller,
    Path(id): Path<String>,
    b: Result<Json<Value>, JsonRejection>,
) -> ApiResult<(StatusCode, Json<ImportOut>)> {
    let p = mine(&api, &caller, &id, true).await?;
    let mut how = body(b)?;
    let mapping = field(&mut how, "mapping")?.unwrap_or_else(|| p.mapping.clone());
    let on_duplicate = field(&mut how, "on_duplicate")?.unwrap_or_default();
    let all_or_nothing = field(&mut how, "all_or_nothing")?.unwrap_or_default();
    let options = app::imports::model::ImportOptions {
        values: field(&mut how, "values")?.unwrap_or_default(),
        pipeline: field(&mut how, "pipeline")?,
    };
    let (user, id) = (&caller.user, p.id);
    let choices = app::imports::db::RunChoices {
        on_duplicate,
        all_or_nothing,
        options,
    };
    app::imports::launch::start_in_background(&api.pool, user, id, mapping, choices).await?;
    let p = app::imports::db::preview(&api.pool, user, id).await?;
    Ok((StatusCode::ACCEPTED, Json(out(&api, user, p).await?)))
}

/// A list as CSV, with the list's filters, streamed: what the list page's download gives
/// (administrators and managers only, as there).
#[utoipa::path(get, path = "/exports/{list}", tag = "imports", operation_id = "export_lists",
    params(("list" = String, Path, description = "contacts, companies or leads"), ListParams),
    responses((status = 200, content_type = "text/csv", body = String),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
async fn export(
    State(api): State<Api>,
    caller: Caller,
    Path(list): Path<String>,
    q: Result<Query<ListParams>, QueryRejection>,
) -> ApiResult<Response> {
    let kind = ListKind::parse(&list).ok_or(ApiError(AppError::NotFound))?;
    let entity = match kind {
        ListKind::Contacts => Entity::Contacts,
        ListKind::Companies => Entity::Companies,
        ListKind::Leads => Entity::Leads,
    };
    let user = caller.may(entity, false)?.clone();
    let query = params(q)?.query()?;
    let refuse: fn(&AppError) -> Response = |e| ApiError(e.clone()).into_response();
    Ok(crate::export::stream(api.pool.clone(), user, kind, query, refuse).await)
}

pub fn routes() -> OpenApiRouter<Api> {
    OpenApiRouter::new()
        .routes(routes!(upload))
        .routes(routes!(get))
        .routes(routes!(start))
        .routes(routes!(export))
}
