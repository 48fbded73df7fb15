//! Server functions for the bell: each reads or marks only the signed-in user's notifications.
use leptos::prelude::*;
use uuid::Uuid;

use super::model::Inbox;
use crate::error::AppError;

#[server(prefix = "/api", endpoint = "notifications")]
pub async fn notifications() -> Result<Inbox, AppError> {
    use crate::users::auth;
    let user = auth::current_user()?;
    super::db::inbox(&auth::state()?.pool, &user).await
}

/// Marks one notification read, or (`None`) all of them.
#[server(prefix = "/api", endpoint = "mark_notifications_read")]
pub async fn mark_notifications_read(id: Option<Uuid>) -> Result<(), AppError> {
    use crate::users::auth;
    let user = auth::current_user()?;
    let mut tx = auth::state()?.pool.begin().await?;
    super::db::mark_read(&mut tx, &user, id).await?;
    tx.commit().await?;
    Ok(())
}
