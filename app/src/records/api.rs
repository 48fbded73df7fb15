//! Server functions for list views: owners to filter by, the user's saved views, and bulk changes
//! (the list a function is told of by kind is looked up in the `Lists` the server hands down).
use leptos::prelude::*;
use uuid::Uuid;

use super::model::{BulkAction, BulkOutcome, BulkTarget, ListKind, ListQuery, Owner, SavedView};
use crate::error::AppError;

#[server(prefix = "/api", endpoint = "list_owners")]
pub async fn list_owners() -> Result<Vec<Owner>, AppError> {
    use crate::users::auth;
    auth::current_user()?;
    super::db::owners(&auth::state()?.pool).await
}

/// The users a record can be assigned to, for every part of a page that lists them (the filters,
/// the bulk bar, the audit log's filter). One call site: one load per server render
/// (`ui::page_resource`), however many parts ask.
pub fn owners() -> Resource<Result<Vec<Owner>, AppError>> {
    crate::ui::page_resource(|| (), |_| list_owners())
}

#[server(prefix = "/api", endpoint = "saved_views")]
pub async fn saved_views(list: ListKind) -> Result<Vec<SavedView>, AppError> {
    use crate::users::auth;
    let user = auth::current_user()?;
    super::db::saved_views(&auth::state()?.pool, &user, list).await
}

/// Saves the list's current view under `name` for the current user (replacing one of that name).
#[server(prefix = "/api", endpoint = "save_view")]
pub async fn save_view(list: ListKind, name: String, query: ListQuery) -> Result<Uuid, AppError> {
    use crate::users::auth;
    let user = auth::current_user()?;
    let list = super::list::Lists::from_context()?.get(list);
    let mut tx = auth::state()?.pool.begin().await?;
    let id = super::db::save_view(&mut tx, &user, &list, &name, &query).await?;
    tx.commit().await?;
    Ok(id)
}

#[server(prefix = "/api", endpoint = "delete_view")]
pub async fn delete_view(id: Uuid) -> Result<(), AppError> {
    use crate::users::auth;
    let user = auth::current_user()?;
    super::db::delete_view(&auth::state()?.pool, &user, id).await
}

/// Changes the records ticked, or all that match the view, in one transaction.
#[server(prefix = "/api", endpoint = "bulk_edit", input = leptos::server_fn::codec::Json)]
pub async fn bulk_edit(
    list: ListKind,
    target: BulkTarget,
    action: BulkAction,
) -> Result<BulkOutcome, AppError> {
    use crate::users::auth;
    let user = auth::current_user()?;
    let list = super::list::Lists::from_context()?.get(list);
    let mut tx = auth::state()?.pool.begin().await?;
    let today = chrono::Utc::now().date_naive();
    let outcome = super::bulk::apply(&mut tx, &user, &list, &target, &action, today).await?;
    tx.commit().await?;
    Ok(outcome)
}
