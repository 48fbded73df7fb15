//! The audit log's server function: administrators only.
use leptos::prelude::*;

use super::model::{AuditFilter, AuditPage};
use crate::error::AppError;

#[server(prefix = "/api", endpoint = "audit_log")]
pub async fn audit_log(filter: AuditFilter) -> Result<AuditPage, AppError> {
    use crate::users::auth;
    let user = auth::current_user()?;
    super::db::page(&auth::state()?.pool, &user, &filter).await
}
