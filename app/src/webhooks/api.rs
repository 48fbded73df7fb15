//! Server functions of Settings → Webhooks (administrators only, checked in `db`).
use leptos::prelude::*;
use uuid::Uuid;

use super::model::{Delivery, NewWebhook, Webhook, WebhookInput};
use crate::error::AppError;

#[server(prefix = "/api", endpoint = "list_webhooks")]
pub async fn list_webhooks() -> Result<Vec<Webhook>, AppError> {
    use crate::users::auth;
    let user = auth::current_user()?;
    super::db::list(&auth::state()?.pool, &user).await
}

/// Subscribes a URL; the signing secret is in the answer and shown once.
#[server(prefix = "/api", endpoint = "create_webhook")]
pub async fn create_webhook(input: WebhookInput) -> Result<NewWebhook, AppError> {
    use crate::users::auth;
    let user = auth::current_user()?;
    super::db::admin(&user)?;
    let draft = input.parse()?;
    super::db::create(&auth::state()?.pool, &user, &draft).await
}

#[server(prefix = "/api", endpoint = "set_webhook_paused")]
pub async fn set_webhook_paused(id: Uuid, paused: bool) -> Result<(), AppError> {
    use crate::users::auth;
    let user = auth::current_user()?;
    let mut tx = auth::state()?.pool.begin().await?;
    super::db::set_paused(&mut tx, &user, id, paused).await?;
    tx.commit().await?;
    Ok(())
}

#[server(prefix = "/api", endpoint = "delete_webhook")]
pub async fn delete_webhook(id: Uuid) -> Result<(), AppError> {
    use crate::users::auth;
    let user = auth::current_user()?;
    let mut tx = auth::state()?.pool.begin().await?;
    super::db::delete(&mut tx, &user, id).await?;
    tx.commit().await?;
    Ok(())
}

/// A subscription's delivery log, newest first (`before`: the last id of the previous page).
#[server(prefix = "/api", endpoint = "webhook_deliveries")]
pub async fn webhook_deliveries(id: Uuid, before: Option<i64>) -> Result<Vec<Delivery>, AppError> {
    use crate::users::auth;
    let user = auth::current_user()?;
    super::db::deliveries(&auth::state()?.pool, &user, id, before).await
}

#[server(prefix = "/api", endpoint = "replay_webhook_delivery")]
pub async fn replay_webhook_delivery(id: i64) -> Result<(), AppError> {
    use crate::users::auth;
    let user = auth::current_user()?;
    let mut tx = auth::state()?.pool.begin().await?;
    super::db::replay(&mut tx, &user, id).await?;
    tx.commit().await?;
    Ok(())
}
