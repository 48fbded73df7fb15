//! Moves and closes: a deal to another place or stage (a new rank, stage history, audit) or won or
//! lost, each only if nobody changed the deal since the version the user saw, each announced.
use sqlx::{PgConnection, Postgres, QueryBuilder};
use uuid::Uuid;

use super::card;
use super::placing::rank_at;
use crate::announce::announce;
use crate::deals::board::model::{DealCard, DealEvent, MoveTo};
use crate::deals::model::{DealId, PipelineId};
use crate::error::{AppError, Invalid};
use crate::records::db::{push_scope, require_edit};
use crate::users::model::CurrentUser;

/// Locks the deal if it is open, in the user's scope and still at `version`; returns its stage
/// (id and name) and pipeline.
async fn lock_open(
    conn: &mut PgConnection,
    user: &CurrentUser,
    id: DealId,
    version: i32,
) -> Result<(Uuid, String, Uuid), AppError> {
    require_edit(user)?;
    // The deal alone is locked: a join here would be re-checked against the stage row read
    // before a concurrent move committed, and a deal that moved meanwhile would look missing
    // (404) instead of changed (409).
    let mut qb = QueryBuilder::<Postgres>::new(
        "SELECT r.stage_id, r.version, r.status FROM deals r WHERE r.deleted_at IS NULL AND r.id = ",
    );
    qb.push_bind(id.0);
    push_scope(&mut qb, user, "r");
    qb.push(" FOR UPDATE");
    let (stage, current, status): (Uuid, i32, String) = qb
        .build_query_as()
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(AppError::NotFound)?;
    if current != version || status != "open" {
        return Err(AppError::Conflict);
    }
    let (stage_name, pipeline): (String, Uuid) =
        sqlx::query_as("SELECT name, pipeline_id FROM stages WHERE id = $1")
            .bind(stage)
            .fetch_one(&mut *conn)
            .await?;
    Ok((stage, stage_name, pipeline))
}

/// Moves a deal to a stage (of its pipeline), between two cards there, if nobody changed it since
/// `version`: a new rank for it alone, a stage-history row and an audit row when the stage changes,
/// and an announcement. Returns the card as stored.
pub async fn move_deal(
    conn: &mut PgConnection,
    user: &CurrentUser,
    id: DealId,
    version: i32,
    to: &MoveTo,
) -> Result<DealCard, AppError> {
    let (from, from_name, pipeline) = lock_open(conn, user, id, version).await?;
    let target: Option<(Uuid, String)> = sqlx::query_as(
        "SELECT pipeline_id, name FROM stages WHERE id = $1 AND archived_at IS NULL",
    )
    .bind(to.stage.0)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((target_pipeline, to_name)) = target.filter(|(p, _)| *p == pipeline) else {
        return Err(AppError::invalid("stage", Invalid::Choice));
    };
    let rank = rank_at(conn, id, to).await?;
    let new_version: i32 = sqlx::query_scalar(
        "UPDATE deals SET stage_id = $2, rank = $3, version = version + 1, updated_at = now(), updated_by = $4,
                stage_entered_at = CASE WHEN stage_id = $2 THEN stage_entered_at ELSE now() END
          WHERE id = $1 RETURNING version",
    )
    .bind(id.0)
    .bind(to.stage.0)
    .bind(&rank)
    .bind(user.id.0)
    .fetch_one(&mut *conn)
    .await?;
    if from != to.stage.0 {
        sqlx::query("INSERT INTO deal_stage_history (deal_id, from_stage, to_stage, status, moved_by) VALUES ($1, $2, $3, 'open', $4)")
            .bind(id.0)
            .bind(from)
            .bind(to.stage.0)
            .bind(user.id.0)
            .execute(&mut *conn)
            .await?;
        let changes = crate::audit::diff(
            &serde_json::json!({ "stage": from_name }),
            &serde_json::json!({ "stage": to_name }),
        );
        crate::audit::record(conn, "deal", id.0, user.id.0, "update", changes).await?;
    }
    announce(
        conn,
        &DealEvent {
            deal: id,
            pipeline: PipelineId(target_pipeline),
            version: new_version,
        },
    )
    .await?;
    card(conn, user, id).await
}

/// Marks an open deal won, or lost with a reason (required), if still at `version`.
pub async fn close_deal(
    conn: &mut PgConnection,
    user: &CurrentUser,
    id: DealId,
    version: i32,
    won: bool,
    reason: &str,
) -> Result<i32, AppError> {
    let reason = reason.trim();
    if !won && reason.is_empty() {
        return Err(AppError::invalid("reason", Invalid::Required));
    }
    let max = crate::deals::board::model::LOST_REASON_MAX;
    if reason.chars().count() > max as usize {
        return Err(AppError::invalid("reason", Invalid::TooLong { max }));
    }
    let (stage, _, pipeline) = lock_open(conn, user, id, version).await?;
    let status = if won { "won" } else { "lost" };
    let new_version: i32 = sqlx::query_scalar(
        "UPDATE deals SET status = $2, lost_reason = $3, closed_at = now(), version = version + 1, updated_at = now(), updated_by = $4
          WHERE id = $1 RETURNING version",
    )
    .bind(id.0)
    .bind(status)
    .bind((!won).then_some(reason))
    .bind(user.id.0)
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query("INSERT INTO deal_stage_history (deal_id, from_stage, to_stage, status, moved_by) VALUES ($1, $2, $2, $3, $4)")
        .bind(id.0)
        .bind(stage)
        .bind(status)
        .bind(user.id.0)
        .execute(&mut *conn)
        .await?;
    let mut new = serde_json::json!({ "status": status });
    if !won {
        new["lost_reason"] = reason.into();
    }
    let changes = crate::audit::diff(&serde_json::json!({ "status": "open" }), &new);
    crate::audit::record(conn, "deal", id.0, user.id.0, "update", changes).await?;
    if won {
        // A return visit to the customer, for the deal's owner (else who won it).
        let (title, owner): (String, Option<uuid::Uuid>) =
            sqlx::query_as("SELECT title, owner_id FROM deals WHERE id = $1")
                .bind(id.0)
                .fetch_one(&mut *conn)
                .await?;
        let due = crate::activities::visits::db::Due {
            about: crate::activities::model::SubjectKind::Deal,
            record: id.0,
            ticket: None,
            title: &title,
            assignee: owner.unwrap_or(user.id.0),
        };
        crate::activities::visits::db::schedule(conn, due, chrono::Utc::now()).await?;
    }
    announce(
        conn,
        &DealEvent {
            deal: id,
            pipeline: PipelineId(pipeline),
            version: new_version,
        },
    )
    .await?;
    Ok(new_version)
}
