//! SQL for the board: pipelines, the board's columns and cards within the user's scope and filter,
//! a column's next page, one card, and a deal's owner (for live events). Moves and closes, opening
//! deals, rank placement and a record's deals live in the submodules, re-exported here.
use std::collections::BTreeMap;

use sqlx::{PgConnection, PgPool, Postgres, QueryBuilder};
use uuid::Uuid;

use super::model::{Board, BoardColumn, BoardFilter, COLUMN_PAGE, DealCard, DealEvent};
use crate::deals::model::{DealId, PipelineId, PipelineRef, StageId};
use crate::error::AppError;
use crate::money::Money;
use crate::records::db::{push_owner_filter, push_scope};
use crate::records::filter::{OwnerFilter, like_containing};
use crate::users::model::CurrentUser;

mod moves;
mod opening;
mod placing;
mod related;

pub use moves::{close_deal, move_deal};
pub use opening::{create_deal, open_deal};
pub use placing::rebalance;
pub use related::deals_of;

impl crate::announce::Announcement for DealEvent {
    const KIND: &'static str = "deal";
}

/// Who owns the deal now, and their team: what decides which streams hear its id. `None` when
/// it is gone (deleted meanwhile).
pub async fn deal_owner(
    pool: &PgPool,
    deal: DealId,
) -> Result<Option<(Option<Uuid>, Option<String>)>, AppError> {
    Ok(sqlx::query_as(
        "SELECT d.owner_id, u.team FROM deals d LEFT JOIN users u ON u.id = d.owner_id
          WHERE d.id = $1 AND d.deleted_at IS NULL",
    )
    .bind(deal.0)
    .fetch_optional(pool)
    .await?)
}

const CARD: &str = "SELECT r.id, r.stage_id, r.title, co.name AS company_name, r.value_minor, r.currency::text AS currency, \
    o.display_name AS owner_name, r.expected_close_date, \
    (st.rotting_days IS NOT NULL AND r.stage_entered_at < now() - make_interval(days => st.rotting_days)) AS rotting, \
    EXISTS (SELECT 1 FROM tasks t WHERE t.deal_id = r.id AND t.done_at IS NULL AND t.deleted_at IS NULL AND t.due_on < current_date) AS overdue_task, \
    r.rank, r.version, r.stage_entered_at \
    FROM deals r JOIN stages st ON st.id = r.stage_id LEFT JOIN companies co ON co.id = r.company_id \
    LEFT JOIN users o ON o.id = r.owner_id WHERE r.deleted_at IS NULL";

/// The board's filters (and the user's scope) on deals `r`.
pub(crate) fn push_filter(
    qb: &mut QueryBuilder<'_, Postgres>,
    user: &CurrentUser,
    f: &BoardFilter,
) -> Result<(), AppError> {
    // Every value is checked before any SQL is written.
    let owner = OwnerFilter::parse(&f.owner)?;
    let range = f.parse()?;
    push_scope(qb, user, "r");
    push_owner_filter(qb, user, owner);
    let q = f.q.trim().to_lowercase();
    if !q.is_empty() {
        let like = like_containing(&q);
        qb.push(" AND (lower(r.title) LIKE ")
            .push_bind(like.clone())
            .push(" OR r.company_id IN (SELECT id FROM companies WHERE lower(name) LIKE ")
            .push_bind(like)
            .push("))");
    }
    for (sql, date) in [
        (" AND r.expected_close_date >= ", range.close_from),
        (" AND r.expected_close_date <= ", range.close_to),
    ] {
        if let Some(d) = date {
            qb.push(sql).push_bind(d);
        }
    }
    for (sql, minor) in [
        (" AND r.value_minor >= ", range.min_minor),
        (" AND r.value_minor <= ", range.max_minor),
    ] {
        if let Some(m) = minor {
            qb.push(sql).push_bind(m);
        }
    }
    Ok(())
}

pub async fn pipelines(pool: &PgPool) -> Result<Vec<PipelineRef>, AppError> {
    let rows: Vec<(Uuid, String)> =
        sqlx::query_as("SELECT id, name FROM pipelines ORDER BY position, name")
            .fetch_all(pool)
            .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name)| PipelineRef {
            id: PipelineId(id),
            name,
        })
        .collect())
}

/// Every pipeline, and `pipeline` among them (the first when `None`).
pub async fn pipelines_and(
    pool: &PgPool,
    pipeline: Option<PipelineId>,
) -> Result<(Vec<PipelineRef>, PipelineRef), AppError> {
    let pipelines = pipelines(pool).await?;
    let current = match pipeline {
        Some(id) => pipelines.iter().find(|p| p.id == id),
        None => pipelines.first(),
    }
    .cloned()
    .ok_or(AppError::NotFound)?;
    Ok((pipelines, current))
}

/// The board of `pipeline` (the first one when `None`): its stages with their figures over every
/// open deal in the user's scope and filter, and the first cards of each.
pub async fn board(
    pool: &PgPool,
    user: &CurrentUser,
    pipeline: Option<PipelineId>,
    filter: &BoardFilter,
) -> Result<Board, AppError> {
    let (pipelines, current) = pipelines_and(pool, pipeline).await?;
    let stages: Vec<(Uuid, String, i16, Option<String>)> = sqlx::query_as(
        "SELECT id, name, win_probability, colour FROM stages WHERE pipeline_id = $1 AND archived_at IS NULL ORDER BY position",
    )
    .bind(current.id.0)
    .fetch_all(pool)
    .await?;

    let mut cards = QueryBuilder::<Postgres>::new("SELECT c.* FROM stages s CROSS JOIN LATERAL (");
    cards
        .push(CARD)
        .push(" AND r.status = 'open' AND r.stage_id = s.id");
    push_filter(&mut cards, user, filter)?;
    cards
        .push(" ORDER BY r.rank, r.id LIMIT ")
        .push_bind(COLUMN_PAGE + 1);
    cards
        .push(") c WHERE s.pipeline_id = ")
        .push_bind(current.id.0)
        .push(" AND s.archived_at IS NULL");
    let cards: Vec<DealCard> = cards.build_query_as().fetch_all(pool).await?;

    // Summed in numeric: many large deals overflow bigint. A total beyond what `Money` holds
    // (about 92 quadrillion units) shows as that limit.
    let mut sums = QueryBuilder::<Postgres>::new(
        "SELECT r.stage_id, r.currency::text, count(*), \
         least(greatest(sum(r.value_minor::numeric), -9223372036854775808), 9223372036854775807)::bigint, \
         least(greatest(sum(trunc(r.value_minor::numeric * coalesce(r.probability, st.win_probability) / 100)), -9223372036854775808), 9223372036854775807)::bigint \
         FROM deals r JOIN stages st ON st.id = r.stage_id WHERE r.deleted_at IS NULL AND r.status = 'open' AND st.pipeline_id = ",
    );
    sums.push_bind(current.id.0);
    push_filter(&mut sums, user, filter)?;
    sums.push(" GROUP BY 1, 2 ORDER BY 4 DESC");
    let sums: Vec<(Uuid, String, i64, i64, i64)> = sums.build_query_as().fetch_all(pool).await?;

    let mut by_stage: BTreeMap<Uuid, Vec<DealCard>> = BTreeMap::new();
    for c in cards {
        by_stage.entry(c.stage_id.0).or_default().push(c);
    }
    let columns = stages
        .into_iter()
        .map(|(id, name, win_probability, colour)| {
            let mut cards = by_stage.remove(&id).unwrap_or_default();
            let more = cards.len() as i64 > COLUMN_PAGE;
            cards.truncate(COLUMN_PAGE as usize);
            let mine = sums.iter().filter(|s| s.0 == id);
            BoardColumn {
                id: StageId(id),
                name,
                win_probability,
                colour,
                count: mine.clone().map(|s| s.2).sum(),
                totals: mine
                    .clone()
                    .map(|s| Money {
                        minor: s.3,
                        currency: s.1.clone(),
                    })
                    .collect(),
                weighted: mine
                    .map(|s| Money {
                        minor: s.4,
                        currency: s.1.clone(),
                    })
                    .collect(),
                cards,
                more,
            }
        })
        .collect();
    Ok(Board {
        pipeline: current,
        pipelines,
        columns,
    })
}

/// The next cards of a stage after the card with `rank` and `id`.
pub async fn column_page(
    pool: &PgPool,
    user: &CurrentUser,
    stage: StageId,
    after: (String, DealId),
    filter: &BoardFilter,
) -> Result<Vec<DealCard>, AppError> {
    let mut qb = QueryBuilder::<Postgres>::new(CARD);
    qb.push(" AND r.status = 'open' AND r.stage_id = ")
        .push_bind(stage.0);
    push_filter(&mut qb, user, filter)?;
    // The shown card's rank as stored now (its stage may have been respaced since the page was
    // read), or the rank the page saw if it left the stage.
    qb.push(" AND (r.rank, r.id) > (COALESCE((SELECT a.rank FROM deals a WHERE a.id = ")
        .push_bind(after.1.0)
        .push(" AND a.stage_id = ")
        .push_bind(stage.0)
        .push("), ")
        .push_bind(after.0)
        .push("), ")
        .push_bind(after.1.0)
        .push(")");
    qb.push(" ORDER BY r.rank, r.id LIMIT ")
        .push_bind(COLUMN_PAGE);
    Ok(qb.build_query_as().fetch_all(pool).await?)
}

/// One card as stored now (any status), if the user may see it.
pub async fn card(
    conn: &mut PgConnection,
    user: &CurrentUser,
    id: DealId,
) -> Result<DealCard, AppError> {
    let mut qb = QueryBuilder::<Postgres>::new(CARD);
    qb.push(" AND r.id = ").push_bind(id.0);
    push_scope(&mut qb, user, "r");
    qb.build_query_as()
        .fetch_optional(conn)
        .await?
        .ok_or(AppError::NotFound)
}

#[cfg(test)]
mod rank_tests;
#[cfg(test)]
mod tests;
