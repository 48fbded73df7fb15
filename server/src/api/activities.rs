//! `/api/v1/activities` and `/api/v1/tasks`: what was logged on a record (calls, meetings,
//! emails, notes — appended through the timeline's own code, never rewritten: history stays as it
//! happened), and the token's user's tasks (made, changed, done; a task is closed, not deleted).
use axum::Json;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::response::Response;
use http::StatusCode;
use serde::Deserialize;
use serde_json::{Map, Value};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::records::{body, merge, params};
use super::{Api, ApiError, ApiResult, Caller, ErrorBody, IfMatch, Page, stale, tagged};
use app::activities::listing::{self, ActivityRow, TaskInput, TaskRow};
use app::activities::model::{InteractionInput, SubjectKind};
use app::error::{AppError, Invalid};
use app::records::model::PAGE_SIZE;
use app::tokens::model::Entity;

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
struct ActivityParams {
    /// contact, company, lead or deal.
    record_type: String,
    /// The record's id.
    record_id: String,
    /// `-occurred_at` (newest first, the default) or `occurred_at`.
    sort: String,
    /// The `next_cursor` of the previous page.
    cursor: String,
    /// Rows per page, 1 to 200 (default 50).
    limit: Option<u32>,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
struct TaskParams {
    /// open (the default), done or all.
    status: String,
    /// `-created_at` (newest first, the default), `created_at`, `due_on` (undated last) or
    /// `-due_on`.
    sort: String,
    /// The `next_cursor` of the previous page.
    cursor: String,
    /// Rows per page, 1 to 200 (default 50).
    limit: Option<u32>,
}

/// An interaction to log on a record, with the timeline form's fields and rules.
#[derive(Deserialize, ToSchema)]
#[allow(dead_code)]
struct ActivityBody {
    /// contact, company, lead or deal.
    record_type: String,
    record_id: Uuid,
    /// note, call, meeting or email.
    kind: String,
    /// Needed by a meeting or an email.
    subject: Option<String>,
    /// Needed by a note.
    body: Option<String>,
    /// Needed by a call: connected, no_answer, voicemail, busy or wrong_number.
    outcome: Option<String>,
    /// Minutes, 0 to 1440.
    duration: Option<i32>,
    /// A follow-up task for the token's user, and its due date (YYYY-MM-DD, not in the past).
    follow_up: Option<String>,
    follow_up_due: Option<String>,
    /// When it happened (RFC 3339), if not now; not more than a day ahead.
    occurred_at: Option<String>,
}

/// A new task about a record, assigned to the token's user.
#[derive(Deserialize, ToSchema)]
#[allow(dead_code)]
struct NewTaskBody {
    /// contact, company, lead or deal.
    record_type: String,
    record_id: Uuid,
    title: String,
    /// YYYY-MM-DD.
    due_on: Option<String>,
    done: Option<bool>,
}

/// The page size asked for, or the lists' default.
fn limit(l: Option<u32>) -> ApiResult<i64> {
    Ok(super::records::limit(l)?.map_or(PAGE_SIZE, i64::from))
}

fn kind_of(s: &str) -> ApiResult<SubjectKind> {
    Ok(match s {
        "contact" => SubjectKind::Contact,
        "company" => SubjectKind::Company,
        "lead" => SubjectKind::Lead,
        "deal" => SubjectKind::Deal,
        _ => return Err(ApiError(AppError::invalid("record_type", Invalid::Choice))),
    })
}

/// The record a body names: its kind and id, taken out of the body.
fn record_of(fields: &mut Map<String, Value>) -> ApiResult<(SubjectKind, Uuid)> {
    let kind = match fields.remove("record_type") {
        Some(Value::String(s)) => kind_of(&s)?,
        _ => {
            return Err(ApiError(AppError::invalid(
                "record_type",
                Invalid::Required,
            )));
        }
    };
    match fields
        .remove("record_id")
        .as_ref()
        .and_then(Value::as_str)
        .map(str::parse)
    {
        Some(Ok(id)) => Ok((kind, id)),
        _ => Err(ApiError(AppError::invalid("record_id", Invalid::Required))),
    }
}

/// A page of what was logged on a record, newest first.
#[utoipa::path(get, path = "/activities", tag = "activities", operation_id = "list_activities",
    params(ActivityParams),
    responses((status = 200, body = Page<ActivityRow>), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody),
        (status = 429, body = ErrorBody)))]
async fn list(
    State(api): State<Api>,
    caller: Caller,
    q: Result<Query<ActivityParams>, QueryRejection>,
) -> ApiResult<Json<Page<ActivityRow>>> {
    let user = caller.may(Entity::Activities, false)?;
    let p = params(q)?;
    let kind = kind_of(&p.record_type)?;
    let id = (p.record_id.parse())
        .map_err(|_| ApiError(AppError::invalid("record_id", Invalid::Required)))?;
    let (data, next_cursor) = listing::activities(
        &api.pool,
        user,
        kind,
        id,
        (&p.sort, &p.cursor),
        limit(p.limit)?,
    )
    .await?;
    Ok(Json(Page { data, next_cursor }))
}

#[utoipa::path(get, path = "/activities/{id}", tag = "activities", operation_id = "get_activities",
    params(("id" = String, Path, description = "The activity's id")),
    responses((status = 200, body = ActivityRow), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 429, body = ErrorBody)))]
async fn get(
    State(api): State<Api>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<ActivityRow>> {
    let user = caller.may(Entity::Activities, false)?;
    let mut conn = api.pool.acquire().await?;
    Ok(Json(
        listing::activity(&mut conn, user, super::id_of(&id)?).await?,
    ))
}

/// Logs an interaction on a record, as the timeline's form does (with its follow-up task).
#[utoipa::path(post, path = "/activities", tag = "activities", operation_id = "create_activities",
    request_body = ActivityBody,
    responses((status = 201, body = ActivityRow), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody),
        (status = 429, body = ErrorBody)))]
async fn create(
    State(api): State<Api>,
    caller: Caller,
    b: Result<Json<Value>, JsonRejection>,
) -> ApiResult<(StatusCode, Json<ActivityRow>)> {
    let user = caller.may(Entity::Activities, true)?;
    let mut fields = body(b)?;
    let (kind, record) = record_of(&mut fields)?;
    if let Some(at) = fields.remove("occurred_at") {
        fields.insert("written_at".into(), at);
    }
    let parsed =
        merge(&InteractionInput::default(), fields)?.parse(chrono::Utc::now().date_naive());
    let interaction = parsed.map_err(|e| match e {
        AppError::Validation { mut fields } => {
            if let Some(v) = fields.remove("written_at") {
                fields.insert("occurred_at".into(), v);
            }
            ApiError(AppError::Validation { fields })
        }
        e => ApiError(e),
    })?;
    app::activities::db::require_visible(&api.pool, user, kind, record).await?;
    let mut tx = api.pool.begin().await?;
    let id = app::activities::db::log(&mut tx, user, kind, record, &interaction).await?;
    let row = listing::activity(&mut tx, user, id).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(row)))
}

page_path!(
    "/tasks",
    "tasks",
    "list_tasks",
    TaskParams,
    TaskRow,
    /// The token's user's tasks on records they may open, newest first unless `sort` asks otherwise.
    async fn list_tasks(
        State(api): State<Api>,
        caller: Caller,
        q: Result<Query<TaskParams>, QueryRejection>,
    ) -> ApiResult<Json<Page<TaskRow>>> {
        let user = caller.may(Entity::Tasks, false)?;
        let p = params(q)?;
        let (data, next_cursor) = listing::tasks(
            &api.pool,
            user,
            &p.status,
            (&p.sort, &p.cursor),
            limit(p.limit)?,
        )
        .await?;
        Ok(Json(Page { data, next_cursor }))
    }
);

get_path!(
    "/tasks/{id}",
    "tasks",
    "get_tasks",
    TaskRow,
    async fn get_task(
        State(api): State<Api>,
        caller: Caller,
        Path(id): Path<String>,
    ) -> ApiResult<Response> {
        let user = caller.may(Entity::Tasks, false)?;
        let mut conn = api.pool.acquire().await?;
        let t = listing::task(&mut conn, user, super::id_of(&id)?).await?;
        Ok(tagged(StatusCode::OK, t.version, &t))
    }
);

create_path!(
    "/tasks",
    "tasks",
    "create_tasks",
    NewTaskBody,
    TaskRow,
    /// Makes a task about a record the token's user may open, assigned to them.
    async fn create_task(
        State(api): State<Api>,
        caller: Caller,
        b: Result<Json<Value>, JsonRejection>,
    ) -> ApiResult<Response> {
        let user = caller.may(Entity::Tasks, true)?;
        let mut fields = body(b)?;
        let (kind, record) = record_of(&mut fields)?;
        let draft = merge(&TaskInput::default(), fields)?.parse()?;
        let mut tx = api.pool.begin().await?;
        let id = listing::create_task(&mut tx, user, kind, record, &draft).await?;
        let t = listing::task(&mut tx, user, id).await?;
        tx.commit().await?;
        Ok(tagged(StatusCode::CREATED, t.version, &t))
    }
);

if_match_path!(
    patch,
    "/tasks/{id}",
    "tasks",
    "update_tasks",
    TaskInput,
    TaskRow,
    /// Changes a task's title, due date or done; `If-Match` must name its current version.
    async fn update_task(
        State(api): State<Api>,
        caller: Caller,
        Path(id): Path<String>,
        IfMatch(version): IfMatch,
        b: Result<Json<Value>, JsonRejection>,
    ) -> ApiResult<Response> {
        let user = caller.may(Entity::Tasks, true)?;
        let id = super::id_of(&id)?;
        let patch = body(b)?;
        let mut tx = api.pool.begin().await?;
        let current = listing::task(&mut tx, user, id).await?;
        if current.version != version {
            return Ok(stale(current.version, &current));
        }
        let draft = merge(&TaskInput::from(&current), patch)?.parse()?;
        if let Err(e) = listing::update_task(&mut tx, user, id, version, &draft).await {
            // Changed by someone else between the read and the write: 412 with it as it now is.
            let AppError::Conflict = e else {
                return Err(e.into());
            };
            drop(tx);
            let mut conn = api.pool.acquire().await?;
            let t = listing::task(&mut conn, user, id).await?;
            return Ok(stale(t.version, &t));
        }
        let t = listing::task(&mut tx, user, id).await?;
        tx.commit().await?;
        Ok(tagged(StatusCode::OK, t.version, &t))
    }
);

trash_route!(
    delete_task,
    "/tasks/{id}",
    "tasks",
    "delete_tasks",
    TaskRow,
    Entity::Tasks,
    std::convert::identity,
    |api, user, id, version, tx| listing::delete_task(&mut tx, user, id, version),
    {
        let mut conn = api.pool.acquire().await?;
        let t = listing::task(&mut conn, user, id).await?;
        Ok(stale(t.version, &t))
    }
);

pub fn routes() -> OpenApiRouter<Api> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get))
        .routes(routes!(list_tasks, create_task))
        .routes(routes!(get_task, update_task, delete_task))
}
