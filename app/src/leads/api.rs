//! Server functions for leads; each checks the session and the role's scope.
use leptos::prelude::*;

use super::model::{ConvertInput, Lead, LeadId, LeadInput, LeadRow};
use crate::contacts::model::ContactId;
use crate::error::AppError;
use crate::records::model::{ListPage, ListQuery};

#[server(prefix = "/api", endpoint = "list_leads")]
pub async fn list_leads(query: ListQuery) -> Result<ListPage<LeadRow>, AppError> {
    use crate::users::auth;
    let user = auth::current_user()?;
    super::db::list(&auth::state()?.pool, &user, &query).await
}

#[server(prefix = "/api", endpoint = "get_lead")]
pub async fn get_lead(id: LeadId) -> Result<Lead, AppError> {
    use crate::users::auth;
    let user = auth::current_user()?;
    super::db::get(&auth::state()?.pool, &user, id).await
}

#[server(prefix = "/api", endpoint = "create_lead")]
pub async fn create_lead(input: LeadInput) -> Result<LeadId, AppError> {
    use crate::users::auth;
    let user = auth::current_user()?;
    let draft = input.parse()?;
    let mut tx = auth::state()?.pool.begin().await?;
    let id = super::db::create(&mut tx, &user, &draft).await?;
    tx.commit().await?;
    Ok(id)
}

#[server(prefix = "/api", endpoint = "update_lead")]
pub async fn update_lead(id: LeadId, version: i32, input: LeadInput) -> Result<i32, AppError> {
    use crate::users::auth;
    let user = auth::current_user()?;
    let draft = input.parse()?;
    let mut tx = auth::state()?.pool.begin().await?;
    let v = super::db::update(&mut tx, &user, id, version, &draft).await?;
    tx.commit().await?;
    Ok(v)
}

/// Converts a qualified lead; returns the new contact.
#[server(prefix = "/api", endpoint = "convert_lead")]
pub async fn convert_lead(
    id: LeadId,
    version: i32,
    input: ConvertInput,
) -> Result<ContactId, AppError> {
    use crate::users::auth;
    let user = auth::current_user()?;
    let how = input.parse()?;
    let mut tx = auth::state()?.pool.begin().await?;
    let contact = super::db::convert(&mut tx, &user, id, version, &how).await?;
    tx.commit().await?;
    Ok(contact)
}
