//! Server functions for the deal board; each checks the session, the role and the data scope.
use leptos::prelude::*;

use super::model::{Board, BoardFilter, DealCard, DealSummary, MoveTo};
use crate::companies::model::CompanyId;
use crate::deals::model::{DealId, PipelineId, StageId};
use crate::error::AppError;

/// The board of a pipeline (the first when `None`), filtered.
#[server(prefix = "/api", endpoint = "board")]
pub async fn load_board(
    pipeline: Option<PipelineId>,
    filter: BoardFilter,
) -> Result<Board, AppError> {
    use crate::users::auth;
    let user = auth::current_user()?;
    super::db::board(&auth::state()?.pool, &user, pipeline, &filter).await
}

/// The cards of a stage after the last one shown.
#[server(prefix = "/api", endpoint = "column_page")]
pub async fn column_page(
    stage: StageId,
    after_rank: String,
    after_id: DealId,
    filter: BoardFilter,
) -> Result<Vec<DealCard>, AppError> {
    use crate::users::auth;
    let user = auth::current_user()?;
    super::db::column_page(
        &auth::state()?.pool,
        &user,
        stage,
        (after_rank, after_id),
        &filter,
    )
    .await
}

/// Moves a deal if it is still at `version`; returns the card as stored. A repeat of the same
/// move (same client-made `key`, a replay whose answer was lost) answers with the first result.
#[server(prefix = "/api", endpoint = "move_deal")]
pub async fn move_deal(
    id: DealId,
    version: i32,
    to: MoveTo,
    key: Option<uuid::Uuid>,
) -> Result<DealCard, AppError> {
    use crate::users::auth;
    let user = auth::current_user()?;
    let mut tx = auth::state()?.pool.begin().await?;
    let card = crate::idempotency::once(&mut tx, user.id, key, "move_deal", async |conn| {
        super::db::move_deal(conn, &user, id, version, &to).await
    })
    .await?;
    tx.commit().await?;
    Ok(card)
}

/// Marks a deal won, or lost with a reason; returns the new version.
#[server(prefix = "/api", endpoint = "close_deal")]
pub async fn close_deal(
    id: DealId,
    version: i32,
    won: bool,
    reason: String,
) -> Result<i32, AppError> {
    use crate::users::auth;
    let user = auth::current_user()?;
    let mut tx = auth::state()?.pool.begin().await?;
    let v = super::db::close_deal(&mut tx, &user, id, version, won, &reason).await?;
    tx.commit().await?;
    Ok(v)
}

/// The deals of a company the user may see.
#[server(prefix = "/api", endpoint = "company_deals")]
pub async fn company_deals(company: CompanyId) -> Result<Vec<DealSummary>, AppError> {
    use crate::users::auth;
    let user = auth::current_user()?;
    let pool = auth::state()?.pool;
    let about = crate::activities::model::SubjectKind::Company;
    super::db::deals_of(&pool, &user, about, company.0).await
}
