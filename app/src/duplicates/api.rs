//! Server functions for likely duplicates; each checks the session's user.
use leptos::prelude::*;

use super::model::{Group, Likely};
use crate::error::AppError;
use crate::records::model::ListKind;

#[server(prefix = "/api", endpoint = "likely_duplicates")]
pub async fn likely_duplicates(
    kind: ListKind,
    name: String,
    emails: String,
    phones: String,
) -> Result<Vec<Likely>, AppError> {
    use crate::users::auth;
    let user = auth::current_user()?;
    let pool = &auth::state()?.pool;
    super::db::likely(pool, &user, kind, &name, &emails, &phones, None).await
}

#[server(prefix = "/api", endpoint = "duplicate_groups")]
pub async fn duplicate_groups(kind: ListKind) -> Result<Vec<Group>, AppError> {
    use crate::users::auth;
    let user = auth::current_user()?;
    super::db::groups(&auth::state()?.pool, &user, kind).await
}
