//! Server functions for a deal's page; each checks the session, the role and the data scope.
use leptos::prelude::*;

use super::model::{Deal, DealContact, DealInput, DealTablePage, TableQuery};
use crate::contacts::model::ContactId;
use crate::deals::board::model::{BoardFilter, DealSummary};
use crate::deals::model::{DealId, PipelineId};
use crate::error::AppError;

#[server(prefix = "/api", endpoint = "get_deal")]
pub async fn get_deal(id: DealId) -> Result<Deal, AppError> {
    use crate::users::auth;
    let user = auth::current_user()?;
    super::db::get(&auth::state()?.pool, &user, id).await
}

/// A page of the deals table of a pipeline (the first when `None`), filtered as the board is.
#[server(prefix = "/api", endpoint = "deal_table")]
pub async fn deal_table(
    pipeline: Option<PipelineId>,
    filter: BoardFilter,
    query: TableQuery,
) -> Result<DealTablePage, AppError> {
    use crate::users::auth;
    let user = auth::current_user()?;
    super::db::table(&auth::state()?.pool, &user, pipeline, &filter, &query).await
}

/// Saves the deal's fields if it is still at `version`; returns the new version.
#[server(prefix = "/api", endpoint = "update_deal")]
pub async fn update_deal(id: DealId, version: i32, input: DealInput) -> Result<i32, AppError> {
    use crate::users::auth;
    let user = auth::current_user()?;
    let draft = input.parse()?;
    let mut tx = auth::state()?.pool.begin().await?;
    let v = super::db::update(&mut tx, &user, id, version, &draft).await?;
    tx.commit().await?;
    Ok(v)
}

/// Opens a deal at the end of `stage` (the first stage when empty), at the company named (found in
/// the user's scope or created).
/// Moves the deal to the trash if it is still at `version`.
#[server(prefix = "/api", endpoint = "delete_deal")]
pub async fn delete_deal(id: DealId, version: i32) -> Result<(), AppError> {
    use crate::users::auth;
    let user = auth::current_user()?;
    let mut tx = auth::state()?.pool.begin().await?;
    super::db::delete(&mut tx, &user, id, version).await?;
    tx.commit().await?;
    Ok(())
}

#[server(prefix = "/api", endpoint = "create_deal")]
pub async fn create_deal(
    stage: String,
    company: String,
    input: DealInput,
) -> Result<DealId, AppError> {
    use crate::error::Invalid;
    use crate::users::auth;
    let user = auth::current_user()?;
    let draft = input.parse()?;
    let stage = match stage.trim() {
        "" => None,
        s => Some(crate::deals::model::StageId(
            uuid::Uuid::parse_str(s).map_err(|_| AppError::invalid("stage", Invalid::Choice))?,
        )),
    };
    let mut tx = auth::state()?.pool.begin().await?;
    let company = crate::companies::db::find_or_create(&mut tx, &user, Some(&company)).await?;
    let id = crate::deals::board::db::open_deal(&mut tx, &user, stage, &draft, company).await?;
    tx.commit().await?;
    Ok(DealId(id))
}

#[server(prefix = "/api", endpoint = "deal_contacts")]
pub async fn deal_contacts(id: DealId) -> Result<Vec<DealContact>, AppError> {
    use crate::users::auth;
    let user = auth::current_user()?;
    let pool = auth::state()?.pool;
    crate::activities::db::require_visible(
        &pool,
        &user,
        crate::activities::model::SubjectKind::Deal,
        id.0,
    )
    .await?;
    super::db::contacts(&pool, &user, id).await
}

/// The deals a contact the user may see takes part in.
#[server(prefix = "/api", endpoint = "contact_deals")]
pub async fn contact_deals(contact: ContactId) -> Result<Vec<DealSummary>, AppError> {
    use crate::users::auth;
    let user = auth::current_user()?;
    let pool = auth::state()?.pool;
    let about = crate::activities::model::SubjectKind::Contact;
    crate::deals::board::db::deals_of(&pool, &user, about, contact.0).await
}
