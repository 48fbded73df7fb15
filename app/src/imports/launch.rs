//! Starting an import: claimed at once (so a refusal is the caller's answer), then run in the
//! background; its progress and outcome are kept on the import. The import page's server
//! function and the public API both start imports here.
use sqlx::PgPool;
use uuid::Uuid;

use super::db::RunChoices;
use crate::error::AppError;
use crate::users::model::CurrentUser;

pub async fn start_in_background(
    pool: &PgPool,
    user: &CurrentUser,
    id: Uuid,
    mapping: Vec<String>,
    choices: RunChoices,
) -> Result<(), AppError> {
    let claimed = super::db::start(pool, user, id, &mapping, &choices.options).await?;
    let (pool, user) = (pool.clone(), user.clone());
    let today = chrono::Utc::now().date_naive();
    tokio::spawn(async move {
        let r = super::db::run_claimed(&pool, &user, id, claimed, &mapping, &choices, today).await;
        if let Err(e) = r {
            tracing::warn!(error = ?e, import = %id, "import stopped");
        }
    });
    Ok(())
}
