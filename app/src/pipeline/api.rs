//! Server functions for pipelines.
use leptos::prelude::*;

use super::model::{DealSummary, PipelineSummary};
use crate::companies::model::CompanyId;
use crate::error::AppError;

/// Each pipeline with its stages and open-deal figures. Every signed-in role may read it.
#[server(prefix = "/api", endpoint = "pipeline_overview")]
pub async fn pipeline_overview() -> Result<Vec<PipelineSummary>, AppError> {
    use crate::users::auth;
    auth::current_user()?;
    super::db::overview(&auth::state()?.pool).await
}

/// The deals of a company the user may see.
#[server(prefix = "/api", endpoint = "company_deals")]
pub async fn company_deals(company: CompanyId) -> Result<Vec<DealSummary>, AppError> {
    use crate::users::auth;
    let user = auth::current_user()?;
    let pool = auth::state()?.pool;
    crate::companies::db::get(&pool, &user, company).await?;
    super::db::company_deals(&pool, company.0).await
}
