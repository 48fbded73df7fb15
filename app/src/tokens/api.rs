//! Server functions for a user's API tokens (Settings → API tokens).
use leptos::prelude::*;
use uuid::Uuid;

use super::model::{NewToken, TokenInput, TokenRow};
use crate::error::AppError;

/// The user's tokens (an administrator's list holds everyone's).
#[server(prefix = "/api", endpoint = "list_api_tokens")]
pub async fn list_api_tokens() -> Result<Vec<TokenRow>, AppError> {
    use crate::users::auth;
    let user = auth::current_user()?;
    super::db::list(&auth::state()?.pool, &user).await
}

/// Makes a token for the signed-in user; its secret is in the answer and nowhere else.
#[server(prefix = "/api", endpoint = "create_api_token")]
pub async fn create_api_token(input: TokenInput) -> Result<NewToken, AppError> {
    use crate::users::auth;
    let user = auth::current_user()?;
    let draft = input.parse()?;
    let mut tx = auth::state()?.pool.begin().await?;
    let token = super::db::create(&mut tx, &user, &draft).await?;
    tx.commit().await?;
    Ok(token)
}

/// Revokes a token at once, on every instance.
#[server(prefix = "/api", endpoint = "revoke_api_token")]
pub async fn revoke_api_token(id: Uuid) -> Result<(), AppError> {
    use crate::users::auth;
    let user = auth::current_user()?;
    let mut tx = auth::state()?.pool.begin().await?;
    super::db::revoke(&mut tx, &user, id).await?;
    tx.commit().await?;
    Ok(())
}
