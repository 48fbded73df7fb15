//! Where a card goes in its stage: a rank key between its neighbours as stored now, and the
//! respacing of a stage whose keys grew too long.
use sqlx::PgConnection;
use uuid::Uuid;

use crate::deals::board::model::MoveTo;
use crate::deals::board::rank::between;
use crate::deals::model::DealId;
use crate::error::AppError;

/// The key between `to`'s neighbours (as stored now) for `id`.
async fn place(conn: &mut PgConnection, id: DealId, to: &MoveTo) -> Result<String, AppError> {
    let rank_of = async |conn: &mut PgConnection,
                         other: Option<DealId>|
           -> Result<Option<String>, AppError> {
        let Some(other) = other.filter(|o| *o != id) else {
            return Ok(None);
        };
        Ok(sqlx::query_scalar("SELECT rank FROM deals WHERE id = $1 AND stage_id = $2 AND status = 'open' AND deleted_at IS NULL")
            .bind(other.0)
            .bind(to.stage.0)
            .fetch_optional(conn)
            .await?)
    };
    // Nowhere in particular (the table's stage picker, a column whose cards are all filtered
    // out): after the stage's last card.
    let after = if to.after.is_none() && to.before.is_none() {
        sqlx::query_scalar(
            "SELECT max(rank) FROM deals WHERE stage_id = $1 AND status = 'open' AND deleted_at IS NULL AND id <> $2",
        )
        .bind(to.stage.0)
        .bind(id.0)
        .fetch_one(&mut *conn)
        .await?
    } else {
        rank_of(conn, to.after).await?
    };
    let mut before = rank_of(conn, to.before).await?;
    // Neighbours that moved meanwhile may no longer be in order: then go right after `after`.
    if let (Some(a), Some(b)) = (&after, &before) {
        if a >= b {
            before = None;
        }
    }
    Ok(between(after.as_deref(), before.as_deref()))
}

/// Gives every open card of `stage` a fresh key, evenly spaced, in today's order: called when a
/// new key would pass `rank::LIMIT`, so keys stay short whatever the history of moves. Only
/// ranks change (no version, no audit row: nothing a person sees), so concurrent moves, which
/// name their neighbours by id, are unaffected.
pub async fn rebalance(conn: &mut PgConnection, stage: Uuid) -> Result<u64, AppError> {
    // One respacing of a stage at a time.
    sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended('keel.rank.' || $1::text, 0))")
        .bind(stage)
        .execute(&mut *conn)
        .await?;
    Ok(sqlx::query(
        "UPDATE deals d SET rank = lpad((o.n * 100)::text, 10, '0') || 'V'
           FROM (SELECT id, row_number() OVER (ORDER BY rank, id) AS n FROM deals
                  WHERE stage_id = $1 AND status = 'open' AND deleted_at IS NULL) o
          WHERE d.id = o.id",
    )
    .bind(stage)
    .execute(&mut *conn)
    .await?
    .rows_affected())
}

/// The key for `id` at `to`; when it would be longer than `rank::LIMIT`, the stage is respaced
/// first and the key taken between the respaced neighbours.
pub(super) async fn rank_at(
    conn: &mut PgConnection,
    id: DealId,
    to: &MoveTo,
) -> Result<String, AppError> {
    let rank = place(conn, id, to).await?;
    if rank.len() <= crate::deals::board::rank::LIMIT {
        return Ok(rank);
    }
    rebalance(conn, to.stage.0).await?;
    place(conn, id, to).await
}
