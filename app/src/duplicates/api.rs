//! Server functions for likely duplicates; each checks the session's user.
use leptos::prelude::*;

use super::model::{Candidate, Group, Likely};
use crate::error::AppError;
use crate::merge::model::MergeKind;
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

/// The records the record `id` may be merged with: its likely duplicates, or those `q` finds.
#[server(prefix = "/api", endpoint = "merge_candidates")]
pub async fn merge_candidates(
    kind: MergeKind,
    id: uuid::Uuid,
    q: String,
) -> Result<Vec<Candidate>, AppError> {
    use crate::users::auth;
    let user = auth::current_user()?;
    super::db::candidates(&auth::state()?.pool, &user, kind.list(), id, &q).await
}
