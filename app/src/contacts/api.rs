//! Server functions for contacts; each checks the session and the role's scope.
use leptos::prelude::*;

use super::model::{Contact, ContactId, ContactInput, ContactRow};
use crate::companies::model::CompanyId;
use crate::error::AppError;
use crate::records::model::{ListPage, ListQuery};

#[server(prefix = "/api", endpoint = "list_contacts")]
pub async fn list_contacts(query: ListQuery) -> Result<ListPage<ContactRow>, AppError> {
    use crate::users::auth;
    let user = auth::current_user()?;
    super::db::list(&auth::state()?.pool, &user, &query).await
}

#[server(prefix = "/api", endpoint = "get_contact")]
pub async fn get_contact(id: ContactId) -> Result<Contact, AppError> {
    use crate::users::auth;
    let user = auth::current_user()?;
    super::db::get(&auth::state()?.pool, &user, id).await
}

/// Creates a contact owned by the current user; returns its id.
#[server(prefix = "/api", endpoint = "create_contact")]
pub async fn create_contact(input: ContactInput) -> Result<ContactId, AppError> {
    use crate::users::auth;
    let user = auth::current_user()?;
    let draft = input.parse(chrono::Utc::now().date_naive())?;
    let mut tx = auth::state()?.pool.begin().await?;
    let id = super::db::create(&mut tx, &user, &draft).await?;
    tx.commit().await?;
    Ok(id)
}

/// Saves the contact if nobody saved it since `version`; returns the new version.
#[server(prefix = "/api", endpoint = "update_contact")]
pub async fn update_contact(
    id: ContactId,
    version: i32,
    input: ContactInput,
) -> Result<i32, AppError> {
    use crate::users::auth;
    let user = auth::current_user()?;
    let draft = input.parse(chrono::Utc::now().date_naive())?;
    let mut tx = auth::state()?.pool.begin().await?;
    let v = super::db::update(&mut tx, &user, id, version, &draft).await?;
    tx.commit().await?;
    Ok(v)
}

/// The contacts of a company the user may see (those in the user's scope).
#[server(prefix = "/api", endpoint = "company_contacts")]
pub async fn company_contacts(company: CompanyId) -> Result<Vec<ContactRow>, AppError> {
    use crate::users::auth;
    let user = auth::current_user()?;
    let pool = auth::state()?.pool;
    crate::companies::db::get(&pool, &user, company).await?;
    super::db::of_company(&pool, &user, company).await
}
