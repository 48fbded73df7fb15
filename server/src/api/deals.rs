//! `/api/v1/deals`: the deals of a pipeline with the table's filters, a deal, opening one in a
//! stage, changing its fields, moving it to another stage, and marking it won or lost — each
//! through the board's and the deal page's own code (audited and announced to open boards).
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
use app::deals::board::model::{BoardFilter, MoveTo};
use app::deals::model::{Deal, DealId, DealInput, PipelineId, StageId, TableQuery};
use app::error::{AppError, Invalid};
use app::tokens::model::Entity;

/// The deals table's filters.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
struct DealParams {
    /// A pipeline's id; the first pipeline when absent.
    pipeline: String,
    /// `open`, `won` or `lost`; every status when absent.
    status: String,
    /// One stage's id.
    stage: String,
    /// `me`, or an owner's user id.
    owner: String,
    /// Search text (title, company).
    q: String,
    /// close, title, company, value, stage, owner, probability or updated.
    sort: String,
    desc: bool,
    /// The `next_cursor` of the previous page.
    cursor: String,
    /// Rows per page, 1 to 200 (default 50).
    limit: Option<u32>,
}

/// A deal's fields as the deal form has them, with the value in minor units. (The document's
/// schema: the handlers read the body field by field, so that a partial update names only some.)
#[derive(Deserialize, ToSchema)]
#[allow(dead_code)]
struct DealBody {
    title: String,
    /// The value in minor units (cents): 1250000 is 12,500.00.
    value_minor: Option<i64>,
    /// CNY, USD, EUR, GBP or HKD (CNY when absent).
    currency: Option<String>,
    /// YYYY-MM-DD.
    expected_close_date: Option<String>,
    /// 0 to 100; the stage's when absent.
    probability: Option<i16>,
    /// Where a new deal opens: a stage's id (the first stage of the first pipeline when absent).
    stage_id: Option<Uuid>,
    /// A new deal's company: an existing company of that name in the user's reach, or a new one.
    company: Option<String>,
}

/// Where a deal moves: another stage of its pipeline, at the end of that stage's column.
#[derive(Deserialize, ToSchema)]
struct MoveBody {
    stage_id: Uuid,
}

/// Why a deal was lost.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
struct LostBody {
    reason: String,
}

/// The body's `value_minor` as the form's amount, the rest as the form's fields over `base`.
fn deal_input(base: &DealInput, mut fields: Map<String, Value>) -> ApiResult<DealInput> {
    if let Some(v) = fields.remove("value_minor") {
        let minor = match v {
            Value::Null => 0,
            Value::Number(n) => n
                .as_i64()
                .filter(|m| *m >= 0)
                .ok_or(ApiError(AppError::invalid("value_minor", Invalid::Amount)))?,
            _ => return Err(ApiError(AppError::invalid("value_minor", Invalid::Amount))),
        };
        fields.insert(
            "value".into(),
            Value::String(format!("{}.{:02}", minor / 100, minor % 100)),
        );
    } else if fields.contains_key("value") {
        return Err(ApiError(AppError::invalid("value", Invalid::Choice)));
    }
    merge(base, fields)
}

fn stage_of(v: Option<Value>) -> ApiResult<Option<StageId>> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => s
            .parse()
            .map(|id| Some(StageId(id)))
            .map_err(|_| ApiError(AppError::invalid("stage_id", Invalid::Choice))),
        Some(_) => Err(ApiError(AppError::invalid("stage_id", Invalid::Choice))),
    }
}

page_path!(
    "/deals",
    "deals",
    "list_deals",
    DealParams,
    Deal,
    /// A page of a pipeline's deals, in the token's user's data scope.
    async fn list(
        State(api): State<Api>,
        caller: Caller,
        q: Result<Query<DealParams>, QueryRejection>,
    ) -> ApiResult<Json<Page<Deal>>> {
        let user = caller.may(Entity::Deals, false)?;
        let p = params(q)?;
        super::records::limit(p.limit)?;
        let pipeline = match p.pipeline.trim() {
            "" => None,
            s => Some(PipelineId(s.parse().map_err(|_| {
                ApiError(AppError::invalid("pipeline", Invalid::Choice))
            })?)),
        };
        let filter = BoardFilter {
            owner: p.owner,
            q: p.q,
            ..Default::default()
        };
        let query = TableQuery {
            status: p.status,
            sort: p.sort,
            desc: p.desc,
            after: p.cursor,
            stage: p.stage,
            limit: p.limit,
        };
        let page = app::deals::db::table(&api.pool, user, pipeline, &filter, &query).await?;
        Ok(Json(Page {
            data: page.page.rows,
            next_cursor: page.page.next,
        }))
    }
);

get_path!(
    "/deals/{id}",
    "deals",
    "get_deals",
    Deal,
    /// One deal; its `ETag` is its version.
    async fn get(
        State(api): State<Api>,
        caller: Caller,
        Path(id): Path<String>,
    ) -> ApiResult<Response> {
        let user = caller.may(Entity::Deals, false)?;
        let d = app::deals::db::get(&api.pool, user, DealId(super::id_of(&id)?)).await?;
        Ok(tagged(StatusCode::OK, d.version, &d))
    }
);

create_path!(
    "/deals",
    "deals",
    "create_deals",
    DealBody,
    Deal,
    /// Opens a deal owned by the token's user at the end of a stage, validated as the form is.
    async fn create(
        State(api): State<Api>,
        caller: Caller,
        b: Result<Json<Value>, JsonRejection>,
    ) -> ApiResult<Response> {
        let user = caller.may(Entity::Deals, true)?;
        let mut fields = body(b)?;
        let stage = stage_of(fields.remove("stage_id"))?;
        let company = match fields.remove("company") {
            None | Some(Value::Null) => String::new(),
            Some(Value::String(s)) => s,
            Some(_) => return Err(ApiError(AppError::invalid("company", Invalid::Choice))),
        };
        let draft = deal_input(&DealInput::default(), fields)?.parse()?;
        let mut tx = api.pool.begin().await?;
        let company = app::companies::db::find_or_create(&mut tx, user, Some(&company)).await?;
        let id = app::deals::board::db::open_deal(&mut tx, user, stage, &draft, company).await?;
        tx.commit().await?;
        let d = app::deals::db::get(&api.pool, user, DealId(id)).await?;
        Ok(tagged(StatusCode::CREATED, d.version, &d))
    }
);

/// A change to a deal at `version`, through the deal page's and the board's own code.
enum Change<'a> {
    Fields(&'a app::deals::model::DealDraft),
    Move(&'a MoveTo),
    Close { won: bool, reason: &'a str },
}

/// Makes the change in one transaction and answers the deal as it now is (200), or as someone
/// else left it when `version` is stale (412, nothing changed).
async fn change(
    api: &Api,
    user: &app::users::model::CurrentUser,
    id: DealId,
    version: i32,
    c: Change<'_>,
) -> ApiResult<Response> {
    use app::deals::board::db::{close_deal, move_deal};
    let mut tx = api.pool.begin().await?;
    let r = match c {
        Change::Fields(d) => app::deals::db::update(&mut tx, user, id, version, d)
            .await
            .map(|_| ()),
        Change::Move(to) => move_deal(&mut tx, user, id, version, to).await.map(|_| ()),
        Change::Close { won, reason } => close_deal(&mut tx, user, id, version, won, reason)
            .await
            .map(|_| ()),
    };
    let stale_now = matches!(r, Err(AppError::Conflict));
    if !stale_now {
        r?;
        tx.commit().await?;
    }
    let d = app::deals::db::get(&api.pool, user, id).await?;
    Ok(if stale_now {
        stale(d.version, &d)
    } else {
        tagged(StatusCode::OK, d.version, &d)
    })
}

if_match_path!(
    patch,
    "/deals/{id}",
    "deals",
    "update_deals",
    DealBody,
    Deal,
    /// Changes the fields the body names; `If-Match` must name the deal's current version.
    async fn update(
        State(api): State<Api>,
        caller: Caller,
        Path(id): Path<String>,
        IfMatch(version): IfMatch,
        b: Result<Json<Value>, JsonRejection>,
    ) -> ApiResult<Response> {
        let user = caller.may(Entity::Deals, true)?;
        let id = DealId(super::id_of(&id)?);
        let fields = body(b)?;
        let current = app::deals::db::get(&api.pool, user, id).await?;
        if current.version != version {
            return Ok(stale(current.version, &current));
        }
        let draft = deal_input(&DealInput::from(&current), fields)?.parse()?;
        change(&api, user, id, version, Change::Fields(&draft)).await
    }
);

if_match_path!(
    post,
    "/deals/{id}/move",
    "deals",
    "move_deals",
    MoveBody,
    Deal,
    /// Moves the deal to another stage of its pipeline (to the end of its column).
    async fn move_to(
        State(api): State<Api>,
        caller: Caller,
        Path(id): Path<String>,
        IfMatch(version): IfMatch,
        b: Result<Json<MoveBody>, JsonRejection>,
    ) -> ApiResult<Response> {
        let user = caller.may(Entity::Deals, true)?;
        let id = DealId(super::id_of(&id)?);
        let Json(m) = b.map_err(|_| ApiError(AppError::BadRequest))?;
        let to = MoveTo {
            stage: StageId(m.stage_id),
            after: None,
            before: None,
        };
        change(&api, user, id, version, Change::Move(&to)).await
    }
);

async fn close(
    api: &Api,
    caller: &Caller,
    id: &str,
    version: i32,
    won: bool,
    reason: &str,
) -> ApiResult<Response> {
    let user = caller.may(Entity::Deals, true)?;
    let id = DealId(super::id_of(id)?);
    change(api, user, id, version, Change::Close { won, reason }).await
}

/// Marks the deal won.
#[utoipa::path(post, path = "/deals/{id}/won", tag = "deals", operation_id = "win_deals",
    params(("id" = String, Path, description = "The deal's id"),
        ("If-Match" = String, Header, description = "The deal's ETag")),
    responses((status = 200, body = Deal, headers(("ETag" = String))),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 412, body = Deal),
        (status = 422, body = ErrorBody), (status = 428, body = ErrorBody),
        (status = 429, body = ErrorBody)))]
async fn won(
    State(api): State<Api>,
    caller: Caller,
    Path(id): Path<String>,
    IfMatch(version): IfMatch,
) -> ApiResult<Response> {
    close(&api, &caller, &id, version, true, "").await
}

if_match_path!(
    post,
    "/deals/{id}/lost",
    "deals",
    "lose_deals",
    LostBody,
    Deal,
    /// Marks the deal lost, with a reason.
    async fn lost(
        State(api): State<Api>,
        caller: Caller,
        Path(id): Path<String>,
        IfMatch(version): IfMatch,
        b: Result<Json<LostBody>, JsonRejection>,
    ) -> ApiResult<Response> {
        let Json(l) = b.map_err(|_| ApiError(AppError::BadRequest))?;
        close(&api, &caller, &id, version, false, &l.reason).await
    }
);

trash_route!(
    delete,
    "/deals/{id}",
    "deals",
    "delete_deals",
    Deal,
    Entity::Deals,
    DealId,
    |api, user, id, version, tx| app::deals::db::delete(&mut tx, user, id, version),
    {
        let d = app::deals::db::get(&api.pool, user, id).await?;
        Ok(stale(d.version, &d))
    }
);

pub fn routes() -> OpenApiRouter<Api> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get, update, delete))
        .routes(routes!(move_to))
        .routes(routes!(won))
        .routes(routes!(lost))
}
