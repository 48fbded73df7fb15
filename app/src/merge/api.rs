//! Server functions for merging; each checks the session's user and scope.
use std::collections::BTreeMap;

use leptos::prelude::*;
use uuid::Uuid;

use super::model::{MergeKind, MergePreview};
use crate::error::AppError;

#[server(prefix = "/api", endpoint = "load_merge")]
pub async fn load_merge(kind: MergeKind, a: Uuid, b: Uuid) -> Result<MergePreview, AppError> {
    use crate::users::auth;
    let user = auth::current_user()?;
    super::db::preview(&auth::state()?.pool, &user, kind, a, b).await
}

/// Merges `other` into `keep` with the chosen `fields`; each side's version is the one the user
/// saw. Returns the kept record's id.
#[server(prefix = "/api", endpoint = "merge", input = leptos::server_fn::codec::Json)]
pub async fn merge(
    kind: MergeKind,
    keep: Uuid,
    keep_version: i32,
    other: Uuid,
    other_version: i32,
    fields: BTreeMap<String, String>,
) -> Result<Uuid, AppError> {
    use super::db::Seen;
    use crate::users::auth;
    let user = auth::current_user()?;
    let keep_seen = Seen {
        id: keep,
        version: keep_version,
    };
    let other_seen = Seen {
        id: other,
        version: other_version,
    };
    super::db::merge(
        &auth::state()?.pool,
        &user,
        kind,
        keep_seen,
        other_seen,
        fields,
    )
    .await?;
    Ok(keep)
}
