//! Server functions for pipelines.
use leptos::prelude::*;

use super::model::PipelineSummary;
use crate::error::AppError;

/// Each pipeline with its stages and open-deal figures. Every signed-in role may read it.
#[server(prefix = "/api", endpoint = "pipeline_overview")]
pub async fn pipeline_overview() -> Result<Vec<PipelineSummary>, AppError> {
    use crate::users::auth;
    auth::current_user()?;
    super::db::overview(&auth::state()?.pool).await
}
