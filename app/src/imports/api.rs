//! Server functions for an import's page; each checks the session (an import is its uploader's).
use leptos::prelude::*;
use uuid::Uuid;

use super::model::{ImportOptions, OnDuplicate, Preview, Progress};
use crate::error::AppError;

#[server(prefix = "/api", endpoint = "import_preview")]
pub async fn import_preview(id: Uuid) -> Result<Preview, AppError> {
    use crate::users::auth;
    let user = auth::current_user()?;
    super::db::preview(&auth::state()?.pool, &user, id).await
}

/// Starts importing the file under `mapping` (with its values mapped and the pipeline for deals
/// as `options` says) and returns at once; `import_status` follows it.
/// The permission, the mapping and that the file has not run (or is not running) are checked
/// before it starts; what happens after is kept on the import, so any instance can tell.
#[server(prefix = "/api", endpoint = "start_import")]
pub async fn start_import(
    id: Uuid,
    mapping: Vec<String>,
    on_duplicate: OnDuplicate,
    all_or_nothing: bool,
    #[server(default)] options: ImportOptions,
) -> Result<(), AppError> {
    use crate::users::auth;
    let user = auth::current_user()?;
    let pool = auth::state()?.pool;
    let choices = super::db::RunChoices {
        on_duplicate,
        all_or_nothing,
        options,
    };
    super::launch::start_in_background(&pool, &user, id, mapping, choices).await
}

#[server(prefix = "/api", endpoint = "import_status")]
pub async fn import_status(id: Uuid) -> Result<Progress, AppError> {
    use crate::users::auth;
    let user = auth::current_user()?;
    super::db::status(&auth::state()?.pool, &user, id).await
}

/// Reads another sheet of an uploaded workbook, before its import starts; answers the new preview.
#[server(prefix = "/api", endpoint = "import_sheet")]
pub async fn import_sheet(id: Uuid, sheet: String) -> Result<Preview, AppError> {
    use crate::users::auth;
    let user = auth::current_user()?;
    let pool = auth::state()?.pool;
    super::db::choose_sheet(&pool, &user, id, &sheet).await?;
    super::db::preview(&pool, &user, id).await
}
