//! The trash's server functions; each checks the session's user.
use leptos::prelude::*;
use uuid::Uuid;

use super::model::{TrashItem, TrashKind};
use crate::error::AppError;
use crate::records::model::ListKind;

#[server(prefix = "/api", endpoint = "trash")]
pub async fn trash() -> Result<Vec<TrashItem>, AppError> {
    use crate::users::auth;
    let user = auth::current_user()?;
    super::db::list(&auth::state()?.pool, &user).await
}

#[server(prefix = "/api", endpoint = "restore")]
pub async fn restore(kind: TrashKind, id: Uuid) -> Result<(), AppError> {
    use crate::users::auth;
    let user = auth::current_user()?;
    super::db::restore(&auth::state()?.pool, &user, kind, id).await
}

#[server(prefix = "/api", endpoint = "forget")]
pub async fn forget(kind: ListKind, id: Uuid) -> Result<(), AppError> {
    use crate::users::auth;
    let user = auth::current_user()?;
    super::db::forget(&auth::state()?.pool, &user, kind, id).await
}
