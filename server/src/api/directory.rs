//! `/api/v1/pipelines` and `/api/v1/users`, read only: what a script needs to name a stage to
//! open or move a deal in, and an owner to filter by. Pipelines are set up in Settings, users by
//! an administrator.
use axum::Json;
use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::{Api, ApiResult, Caller, ErrorBody};
use app::tokens::model::Entity;

/// A live stage, in its pipeline's order.
#[derive(Serialize, ToSchema)]
struct Stage {
    id: Uuid,
    name: String,
    /// The win probability a deal in it has unless it names its own (0–100).
    probability: i16,
    /// Days after which an idle deal here counts as stale.
    rotting_days: Option<i32>,
}

#[derive(Serialize, ToSchema)]
struct Pipeline {
    id: Uuid,
    name: String,
    stages: Vec<Stage>,
}

/// An active user, as lists name owners.
#[derive(Serialize, ToSchema, sqlx::FromRow)]
struct User {
    id: Uuid,
    name: String,
    /// admin, manager, sales, support or viewer.
    role: String,
    team: Option<String>,
}

/// The live pipelines and their live stages, in the board's order.
#[utoipa::path(get, path = "/pipelines", tag = "pipelines", operation_id = "list_pipelines",
    responses((status = 200, body = Vec<Pipeline>), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 429, body = ErrorBody)))]
async fn pipelines(State(api): State<Api>, caller: Caller) -> ApiResult<Json<Vec<Pipeline>>> {
    caller.may(Entity::Pipelines, false)?;
    let heads: Vec<(Uuid, String)> = sqlx::query_as(
        "SELECT id, name FROM pipelines WHERE archived_at IS NULL ORDER BY position, created_at LIMIT 200",
    )
    .fetch_all(&api.pool)
    .await?;
    let ids: Vec<Uuid> = heads.iter().map(|h| h.0).collect();
    let mut stages: std::collections::HashMap<Uuid, Vec<Stage>> = Default::default();
    let rows: Vec<(Uuid, Uuid, String, i16, Option<i32>)> = sqlx::query_as(
        "SELECT pipeline_id, id, name, win_probability, rotting_days FROM stages
          WHERE pipeline_id = ANY($1) AND archived_at IS NULL ORDER BY position",
    )
    .bind(&ids)
    .fetch_all(&api.pool)
    .await?;
    for (p, id, name, probability, rotting_days) in rows {
        stages.entry(p).or_default().push(Stage {
            id,
            name,
            probability,
            rotting_days,
        });
    }
    Ok(Json(
        heads
            .into_iter()
            .map(|(id, name)| Pipeline {
                id,
                name,
                stages: stages.remove(&id).unwrap_or_default(),
            })
            .collect(),
    ))
}

/// The active users (at most 1,000), by name.
#[utoipa::path(get, path = "/users", tag = "users", operation_id = "list_users",
    responses((status = 200, body = Vec<User>), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 429, body = ErrorBody)))]
async fn users(State(api): State<Api>, caller: Caller) -> ApiResult<Json<Vec<User>>> {
    caller.may(Entity::Users, false)?;
    Ok(Json(
        sqlx::query_as(
            "SELECT id, display_name AS name, role, team FROM users WHERE active ORDER BY display_name LIMIT 1000",
        )
        .fetch_all(&api.pool)
        .await?,
    ))
}

pub fn routes() -> OpenApiRouter<Api> {
    OpenApiRouter::new()
        .routes(routes!(pipelines))
        .routes(routes!(users))
}
