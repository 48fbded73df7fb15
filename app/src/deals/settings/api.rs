//! Server functions for pipeline settings: administrators only.
use leptos::prelude::*;

use super::model::{PipelineSettings, StageInput};
use crate::deals::model::{PipelineId, StageId};
use crate::error::AppError;

#[cfg(feature = "ssr")]
fn admin() -> Result<crate::users::model::CurrentUser, AppError> {
    crate::users::auth::require_role(&[crate::users::model::Role::Admin])
}

/// Runs one settings change in a transaction.
#[cfg(feature = "ssr")]
async fn write<T>(
    change: impl AsyncFnOnce(
        &mut sqlx::PgConnection,
        &crate::users::model::CurrentUser,
    ) -> Result<T, AppError>,
) -> Result<T, AppError> {
    let user = admin()?;
    let mut tx = crate::users::auth::state()?.pool.begin().await?;
    let out = change(&mut tx, &user).await?;
    tx.commit().await?;
    Ok(out)
}

#[server(prefix = "/api", endpoint = "load_pipeline_settings")]
pub async fn load_pipeline_settings() -> Result<Vec<PipelineSettings>, AppError> {
    admin()?;
    super::db::list(&crate::users::auth::state()?.pool).await
}

#[server(prefix = "/api", endpoint = "create_pipeline")]
pub async fn create_pipeline(name: String) -> Result<PipelineId, AppError> {
    write(async |c, u| super::db::create_pipeline(c, u, &name).await).await
}

#[server(prefix = "/api", endpoint = "rename_pipeline")]
pub async fn rename_pipeline(
    pipeline: PipelineId,
    version: i32,
    name: String,
) -> Result<i32, AppError> {
    write(async |c, u| super::db::rename_pipeline(c, u, pipeline, version, &name).await).await
}

#[server(prefix = "/api", endpoint = "add_stage")]
pub async fn add_stage(
    pipeline: PipelineId,
    version: i32,
    input: StageInput,
) -> Result<i32, AppError> {
    let draft = input.parse()?;
    write(async |c, u| super::db::add_stage(c, u, pipeline, version, &draft).await).await
}

#[server(prefix = "/api", endpoint = "update_stage")]
pub async fn update_stage(
    stage: StageId,
    version: i32,
    input: StageInput,
) -> Result<i32, AppError> {
    let draft = input.parse()?;
    write(async |c, u| super::db::update_stage(c, u, stage, version, &draft).await).await
}

#[server(prefix = "/api", endpoint = "reorder_stages")]
pub async fn reorder_stages(
    pipeline: PipelineId,
    version: i32,
    order: Vec<StageId>,
) -> Result<i32, AppError> {
    write(async |c, u| super::db::reorder(c, u, pipeline, version, &order).await).await
}

/// Archives a stage, moving its open deals to `move_to`; returns the new version.
#[server(prefix = "/api", endpoint = "archive_stage")]
pub async fn archive_stage(stage: StageId, version: i32, move_to: String) -> Result<i32, AppError> {
    use crate::error::Invalid;
    let move_to = uuid::Uuid::parse_str(move_to.trim())
        .map(StageId)
        .map_err(|_| AppError::invalid("move_to", Invalid::LastStage))?;
    write(async |c, u| {
        super::db::archive_stage(c, u, stage, version, move_to)
            .await
            .map(|(v, _)| v)
    })
    .await
}
