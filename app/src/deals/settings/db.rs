//! SQL for pipeline and stage settings. Every change locks the pipeline at the version the
//! administrator saw, bumps it, leaves an audit row and tells open boards to reload.
use serde_json::json;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::model::{PipelineSettings, SettingsChanged, StageDraft, StageSettings};
use crate::announce::{Announcement, announce};
use crate::deals::board::rank::between;
use crate::deals::model::{PipelineId, StageId};
use crate::error::{AppError, Invalid};
use crate::users::model::CurrentUser;

/// Every pipeline in order, with its stages (archived ones left out) and their open deals.
pub async fn list(pool: &PgPool) -> Result<Vec<PipelineSettings>, AppError> {
    let pipelines: Vec<(Uuid, String, i32)> = sqlx::query_as(
        "SELECT id, name, version FROM pipelines WHERE archived_at IS NULL ORDER BY position, name",
    )
    .fetch_all(pool)
    .await?;
    #[derive(sqlx::FromRow)]
    struct Row {
        pipeline_id: Uuid,
        #[sqlx(flatten)]
        stage: StageSettings,
    }
    let stages: Vec<Row> = sqlx::query_as(
        "SELECT s.pipeline_id, s.id, s.name, s.win_probability, s.rotting_days, s.colour,
                (SELECT count(*) FROM deals d WHERE d.stage_id = s.id AND d.status = 'open' AND d.deleted_at IS NULL) AS open_deals
           FROM stages s WHERE s.archived_at IS NULL ORDER BY s.position",
    )
    .fetch_all(pool)
    .await?;
    Ok(pipelines
        .into_iter()
        .map(|(id, name, version)| PipelineSettings {
            id: PipelineId(id),
            name,
            version,
            stages: stages
                .iter()
                .filter(|r| r.pipeline_id == id)
                .map(|r| r.stage.clone())
                .collect(),
        })
        .collect())
}

/// Locks the pipeline if it is still at `version`.
async fn lock(conn: &mut PgConnection, pipeline: PipelineId, version: i32) -> Result<(), AppError> {
    let stored: Option<i32> = sqlx::query_scalar(
        "SELECT version FROM pipelines WHERE id = $1 AND archived_at IS NULL FOR UPDATE",
    )
    .bind(pipeline.0)
    .fetch_optional(&mut *conn)
    .await?;
    match stored {
        None => Err(AppError::NotFound),
        Some(v) if v != version => Err(AppError::Conflict),
        Some(_) => Ok(()),
    }
}

/// The new version after a change (audited as `changes`); open boards of the pipeline reload.
async fn bump(
    conn: &mut PgConnection,
    user: &CurrentUser,
    pipeline: PipelineId,
    changes: serde_json::Value,
) -> Result<i32, AppError> {
    let version: i32 = sqlx::query_scalar(
        "UPDATE pipelines SET version = version + 1 WHERE id = $1 RETURNING version",
    )
    .bind(pipeline.0)
    .fetch_one(&mut *conn)
    .await?;
    let changes = changes.as_object().cloned().unwrap_or_default();
    crate::audit::record(conn, "pipeline", pipeline.0, user.id.0, "update", changes).await?;
    announce(
        conn,
        &SettingsChanged {
            pipeline,
            settings: version,
        },
    )
    .await?;
    Ok(version)
}

impl Announcement for SettingsChanged {
    const KIND: &'static str = "settings";
}

fn change(
    field: &str,
    old: impl serde::Serialize,
    new: impl serde::Serialize,
) -> serde_json::Value {
    json!({ field: { "old": old, "new": new } })
}

pub async fn create_pipeline(
    conn: &mut PgConnection,
    user: &CurrentUser,
    name: &str,
) -> Result<PipelineId, AppError> {
    let name = required_name(name)?;
    let id: Uuid = sqlx::query_scalar(
        "INSERT INTO pipelines (name, position) SELECT $1, coalesce(max(position), -1) + 1 FROM pipelines RETURNING id",
    )
    .bind(&name)
    .fetch_one(&mut *conn)
    .await?;
    crate::audit::created(conn, "pipeline", id, user.id.0, &json!({ "name": name })).await?;
    Ok(PipelineId(id))
}

fn required_name(name: &str) -> Result<String, AppError> {
    let mut f = crate::records::fields::Fields::default();
    let name = f.required("name", name, super::model::NAME_MAX);
    f.finish(name)
}

pub async fn rename_pipeline(
    conn: &mut PgConnection,
    user: &CurrentUser,
    pipeline: PipelineId,
    version: i32,
    name: &str,
) -> Result<i32, AppError> {
    let name = required_name(name)?;
    lock(conn, pipeline, version).await?;
    let old: String = sqlx::query_scalar("UPDATE pipelines p SET name = $2 FROM pipelines o WHERE p.id = $1 AND o.id = p.id RETURNING o.name")
        .bind(pipeline.0)
        .bind(&name)
        .fetch_one(&mut *conn)
        .await?;
    bump(conn, user, pipeline, change("name", old, &name)).await
}

/// Appends a stage to the pipeline.
pub async fn add_stage(
    conn: &mut PgConnection,
    user: &CurrentUser,
    pipeline: PipelineId,
    version: i32,
    draft: &StageDraft,
) -> Result<i32, AppError> {
    lock(conn, pipeline, version).await?;
    sqlx::query(
        "INSERT INTO stages (pipeline_id, name, position, win_probability, rotting_days, colour)
         SELECT $1, $2, coalesce(max(position), -1) + 1, $3, $4, $5 FROM stages WHERE pipeline_id = $1",
    )
    .bind(pipeline.0)
    .bind(&draft.name)
    .bind(draft.win_probability)
    .bind(draft.rotting_days)
    .bind(&draft.colour)
    .execute(&mut *conn)
    .await?;
    bump(
        conn,
        user,
        pipeline,
        change("stages", None::<String>, &draft.name),
    )
    .await
}

/// The pipeline of an active stage.
async fn pipeline_of(
    conn: &mut PgConnection,
    stage: StageId,
) -> Result<(PipelineId, String), AppError> {
    let found: Option<(Uuid, String)> = sqlx::query_as(
        "SELECT pipeline_id, name FROM stages WHERE id = $1 AND archived_at IS NULL",
    )
    .bind(stage.0)
    .fetch_optional(&mut *conn)
    .await?;
    found
        .map(|(p, name)| (PipelineId(p), name))
        .ok_or(AppError::NotFound)
}

/// Renames a stage and sets its probability, idle limit and colour.
pub async fn update_stage(
    conn: &mut PgConnection,
    user: &CurrentUser,
    stage: StageId,
    version: i32,
    draft: &StageDraft,
) -> Result<i32, AppError> {
    let (pipeline, old_name) = pipeline_of(conn, stage).await?;
    lock(conn, pipeline, version).await?;
    sqlx::query("UPDATE stages SET name = $2, win_probability = $3, rotting_days = $4, colour = $5 WHERE id = $1")
        .bind(stage.0)
        .bind(&draft.name)
        .bind(draft.win_probability)
        .bind(draft.rotting_days)
        .bind(&draft.colour)
        .execute(&mut *conn)
        .await?;
    bump(conn, user, pipeline, change("stage", old_name, &draft.name)).await
}

/// Puts the pipeline's stages in `order`, which must name each of its active stages once.
pub async fn reorder(
    conn: &mut PgConnection,
    user: &CurrentUser,
    pipeline: PipelineId,
    version: i32,
    order: &[StageId],
) -> Result<i32, AppError> {
    lock(conn, pipeline, version).await?;
    let mut current: Vec<(Uuid, String)> = sqlx::query_as(
        "SELECT id, name FROM stages WHERE pipeline_id = $1 AND archived_at IS NULL ORDER BY position",
    )
    .bind(pipeline.0)
    .fetch_all(&mut *conn)
    .await?;
    let old: Vec<String> = current.iter().map(|(_, n)| n.clone()).collect();
    let ids: Vec<Uuid> = order.iter().map(|s| s.0).collect();
    let (mut have, mut want) = (
        current.iter().map(|(id, _)| *id).collect::<Vec<_>>(),
        ids.clone(),
    );
    have.sort();
    want.sort();
    if have != want {
        return Err(AppError::invalid("order", Invalid::Choice));
    }
    sqlx::query(
        "UPDATE stages s SET position = o.n FROM unnest($1::uuid[]) WITH ORDINALITY AS o(id, n) WHERE s.id = o.id",
    )
    .bind(&ids)
    .execute(&mut *conn)
    .await?;
    current.sort_by_key(|(id, _)| ids.iter().position(|i| i == id));
    let new: Vec<String> = current.into_iter().map(|(_, n)| n).collect();
    bump(conn, user, pipeline, change("order", old, new)).await
}

/// Archives a stage; its open deals move to the end of `move_to` (another active stage of the
/// same pipeline), each with a stage-history and an audit row. Closed deals keep it as history.
/// Returns the pipeline's new version and how many deals moved.
pub async fn archive_stage(
    conn: &mut PgConnection,
    user: &CurrentUser,
    stage: StageId,
    version: i32,
    move_to: StageId,
) -> Result<(i32, u64), AppError> {
    let (pipeline, from_name) = pipeline_of(conn, stage).await?;
    lock(conn, pipeline, version).await?;
    let target = match pipeline_of(conn, move_to).await {
        Ok((p, name)) if p == pipeline && move_to != stage => name,
        _ => return Err(AppError::invalid("move_to", Invalid::LastStage)),
    };
    let last: Option<String> = sqlx::query_scalar(
        "SELECT max(rank) FROM deals WHERE stage_id = $1 AND status = 'open' AND deleted_at IS NULL",
    )
    .bind(move_to.0)
    .fetch_one(&mut *conn)
    .await?;
    // One fresh prefix after the target's last card, then fixed-width numbers in the old order:
    // the moved cards stay in order without lengthening each other's keys.
    let prefix = between(last.as_deref(), None);
    let moved = sqlx::query(
        "WITH moved AS (
            UPDATE deals d SET stage_id = $2, rank = $3 || lpad(o.n::text, 8, '0') || 'V', version = d.version + 1,
                   updated_at = now(), updated_by = $4, stage_entered_at = now()
              FROM (SELECT id, row_number() OVER (ORDER BY rank, id) AS n FROM deals
                     WHERE stage_id = $1 AND status = 'open' AND deleted_at IS NULL) o
             WHERE d.id = o.id RETURNING d.id),
         history AS (
            INSERT INTO deal_stage_history (deal_id, from_stage, to_stage, status, moved_by)
            SELECT id, $1, $2, 'open', $4 FROM moved)
         INSERT INTO audit_log (entity, entity_id, actor_id, action, changes)
         SELECT 'deal', id, $4, 'update', jsonb_build_object('stage', jsonb_build_object('old', $5::text, 'new', $6::text)) FROM moved",
    )
    .bind(stage.0)
    .bind(move_to.0)
    .bind(&prefix)
    .bind(user.id.0)
    .bind(&from_name)
    .bind(&target)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    sqlx::query("UPDATE stages SET archived_at = now() WHERE id = $1")
        .bind(stage.0)
        .execute(&mut *conn)
        .await?;
    let v = bump(
        conn,
        user,
        pipeline,
        json!({ "archived": { "old": from_name, "new": null }, "deals_moved_to": { "old": null, "new": target } }),
    )
    .await?;
    Ok((v, moved))
}

#[cfg(test)]
mod tests;
