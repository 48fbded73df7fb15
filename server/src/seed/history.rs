//! The demo's past, so that its reports and dashboards have something to show: each deal created
//! over the last year with the moves that brought it to its stage, closed deals won or lost over
//! those months, the users' time zones, and a year's targets for each sales rep and team.
use chrono::{DateTime, Datelike, Duration, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use super::Dice;
use crate::startup::BoxError;

pub async fn seed(tx: &mut PgConnection, dice: &mut Dice) -> Result<(), BoxError> {
    sqlx::query("UPDATE users SET time_zone = CASE WHEN locale = 'zh-CN' THEN 'Asia/Shanghai' ELSE 'Europe/London' END")
        .execute(&mut *tx)
        .await?;
    let now = Utc::now();
    let deals: Vec<(Uuid, String, Uuid, i32, DateTime<Utc>, Option<Uuid>)> = sqlx::query_as(
        "SELECT d.id, d.status, d.stage_id, s.position, d.stage_entered_at, d.owner_id
           FROM deals d JOIN stages s ON s.id = d.stage_id ORDER BY d.rank",
    )
    .fetch_all(&mut *tx)
    .await?;
    for (id, status, stage, position, entered, owner) in deals {
        let stages: Vec<Uuid> = sqlx::query_scalar(
            "SELECT id FROM stages WHERE pipeline_id = (SELECT pipeline_id FROM stages WHERE id = $1)
               AND archived_at IS NULL AND position <= $2 ORDER BY position",
        )
        .bind(stage)
        .bind(position)
        .fetch_all(&mut *tx)
        .await?;
        // Open deals entered their stage when the demo says; closed ones closed in the past year.
        let last_move = if status == "open" {
            entered
        } else {
            now - Duration::days(dice.below(330) as i64) - Duration::hours(dice.below(24) as i64)
        };
        let created =
            last_move - Duration::days(3 + dice.below(60) as i64 + 6 * stages.len() as i64);
        let step = (last_move - created) / stages.len().max(1) as i32;
        let mut at = created;
        for pair in stages.windows(2) {
            at += step;
            sqlx::query("INSERT INTO deal_stage_history (deal_id, from_stage, to_stage, status, moved_by, moved_at) VALUES ($1, $2, $3, 'open', $4, $5)")
                .bind(id).bind(pair[0]).bind(pair[1]).bind(owner).bind(at)
                .execute(&mut *tx)
                .await?;
        }
        if status != "open" {
            sqlx::query("INSERT INTO deal_stage_history (deal_id, from_stage, to_stage, status, moved_by, moved_at) VALUES ($1, $2, $2, $3, $4, $5)")
                .bind(id).bind(stage).bind(&status).bind(owner).bind(last_move)
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query("UPDATE deals SET created_at = $2, closed_at = CASE WHEN status <> 'open' THEN $3 END WHERE id = $1")
            .bind(id)
            .bind(created)
            .bind(last_move)
            .execute(&mut *tx)
            .await?;
    }
    // A won deal this month for every rep, so that "won this month" is not empty on day one.
    sqlx::query(
        "UPDATE deals SET closed_at = now() - interval '1 hour' WHERE id IN (
           SELECT DISTINCT ON (owner_id) id FROM deals WHERE status = 'won' AND currency = 'CNY' ORDER BY owner_id, rank)",
    )
    .execute(&mut *tx)
    .await?;
    // Targets: each sales rep and manager, and each sales team, this year in CNY.
    let year = now.year();
    sqlx::query(
        "INSERT INTO sales_targets (user_id, year, currency, months)
         SELECT id, $1, 'CNY', array_fill(50000000::bigint, ARRAY[12]) FROM users WHERE role IN ('sales', 'manager')",
    )
    .bind(year)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO sales_targets (team, year, currency, months)
         SELECT DISTINCT team, $1, 'CNY', array_fill(120000000::bigint, ARRAY[12]) FROM users WHERE role = 'sales' AND team IS NOT NULL",
    )
    .bind(year)
    .execute(&mut *tx)
    .await?;
    Ok(())
}
