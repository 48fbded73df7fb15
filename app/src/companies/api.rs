//! Server functions for companies; each checks the session and the role's scope.
use leptos::prelude::*;

use super::model::{Company, CompanyId, CompanyInput, CompanyRow};
use crate::error::AppError;
use crate::records::model::{ListPage, ListQuery};

#[server(prefix = "/api", endpoint = "list_companies")]
pub async fn list_companies(query: ListQuery) -> Result<ListPage<CompanyRow>, AppError> {
    use crate::users::auth;
    let user = auth::current_user()?;
    super::db::list(&auth::state()?.pool, &user, &query).await
}

#[server(prefix = "/api", endpoint = "get_company")]
pub async fn get_company(id: CompanyId) -> Result<Company, AppError> {
    use crate::users::auth;
    let user = auth::current_user()?;
    super::db::get(&auth::state()?.pool, &user, id).await
}

#[server(prefix = "/api", endpoint = "create_company")]
pub async fn create_company(input: CompanyInput) -> Result<CompanyId, AppError> {
    use crate::users::auth;
    let user = auth::current_user()?;
    let draft = input.parse()?;
    let mut tx = auth::state()?.pool.begin().await?;
    let id = super::db::create(&mut tx, &user, &draft).await?;
    tx.commit().await?;
    Ok(id)
}

#[server(prefix = "/api", endpoint = "update_company")]
pub async fn update_company(
    id: CompanyId,
    version: i32,
    input: CompanyInput,
) -> Result<i32, AppError> {
    use crate::users::auth;
    let user = auth::current_user()?;
    let draft = input.parse()?;
    let mut tx = auth::state()?.pool.begin().await?;
    let v = super::db::update(&mut tx, &user, id, version, &draft).await?;
    tx.commit().await?;
    Ok(v)
}
