//! Server functions for the communication history and tasks.
use leptos::prelude::*;

use uuid::Uuid;

use super::model::{
    InteractionInput, SubjectKind, TaskAgenda, TaskId, TimelineCursor, TimelinePage,
};
use crate::error::AppError;

/// A page of a record's history (newest first, older than `before`), if the user may see the record.
#[server(prefix = "/api", endpoint = "timeline")]
pub async fn timeline(
    about: SubjectKind,
    id: Uuid,
    before: Option<TimelineCursor>,
) -> Result<TimelinePage, AppError> {
    use crate::users::auth;
    let user = auth::current_user()?;
    let pool = auth::state()?.pool;
    let page = super::model::TIMELINE_PAGE;
    super::db::timeline(&pool, &user, about, id, before.as_ref(), page).await
}

/// Logs a note, call, meeting or email against a record, with an optional follow-up task. `key`,
/// made by the client, makes a repeat of the same write (a replay whose answer was lost) a no-op.
#[server(prefix = "/api", endpoint = "log_interaction")]
pub async fn log_interaction(
    about: SubjectKind,
    id: Uuid,
    input: InteractionInput,
    key: Option<Uuid>,
) -> Result<(), AppError> {
    use crate::users::auth;
    let user = auth::current_user()?;
    let interaction = input.parse(chrono::Utc::now().date_naive())?;
    let pool = auth::state()?.pool;
    super::db::require_visible(&pool, &user, about, id).await?;
    let mut tx = pool.begin().await?;
    crate::idempotency::once(&mut tx, user.id, key, "log_interaction", async |conn| {
        super::db::log(conn, &user, about, id, &interaction)
            .await
            .map(|_| ())
    })
    .await?;
    tx.commit().await?;
    Ok(())
}

#[server(prefix = "/api", endpoint = "my_tasks")]
pub async fn my_tasks() -> Result<TaskAgenda, AppError> {
    use crate::users::auth;
    let user = auth::current_user()?;
    super::db::my_tasks(&auth::state()?.pool, &user, chrono::Utc::now().date_naive()).await
}

/// Moves one of the user's tasks to the trash if it is still at `version`.
#[server(prefix = "/api", endpoint = "delete_task")]
pub async fn delete_task(task: TaskId, version: i32) -> Result<(), AppError> {
    use crate::users::auth;
    let user = auth::current_user()?;
    let mut tx = auth::state()?.pool.begin().await?;
    super::listing::delete_task(&mut tx, &user, task.0, version).await?;
    tx.commit().await?;
    Ok(())
}

#[server(prefix = "/api", endpoint = "set_task_done")]
pub async fn set_task_done(task: TaskId, done: bool) -> Result<(), AppError> {
    use crate::users::auth;
    let user = auth::current_user()?;
    super::db::set_done(&auth::state()?.pool, &user, task, done).await
}
