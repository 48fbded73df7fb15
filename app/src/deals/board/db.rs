//! SQL for pipelines and deals: the board, moves between and within stages with fractional
//! ranks and optimistic versions, won/lost, and the live notification of every change.
use std::collections::BTreeMap;

use sqlx::{PgConnection, PgPool, Postgres, QueryBuilder};
use uuid::Uuid;

use super::model::{
    Board, BoardColumn, BoardFilter, COLUMN_PAGE, DealCard, DealEvent, DealSummary, MoveTo,
};
use super::rank::between;
use crate::activities::model::SubjectKind;
use crate::deals::model::{DealId, PipelineId, PipelineRef, StageId};
use crate::error::{AppError, Invalid};
use crate::money::Money;
use crate::records::db::{push_owner, push_scope, require_edit, scope_sql};
use crate::users::model::CurrentUser;

/// The channel every change to a deal or a pipeline is announced on (payload: `Announced` as JSON).
pub const DEAL_CHANNEL: &str = "keel_deals";

/// What is announced on `DEAL_CHANNEL`, between `keel` instances only: browsers get a
/// `LiveEvent` made for their user from it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Deserialize)]
#[serde(untagged)]
pub enum Announced {
    /// A deal changed (sent by `notify`).
    Deal(DealEvent),
    /// A pipeline's stages or name changed, at settings version `settings`.
    Settings { pipeline: PipelineId, settings: i32 },
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
    EXISTS (SELECT 1 FROM tasks t WHERE t.deal_id = r.id AND t.done_at IS NULL AND t.due_on < current_date) AS overdue_task, \
    r.rank, r.version, r.stage_entered_at \
    FROM deals r JOIN stages st ON st.id = r.stage_id LEFT JOIN companies co ON co.id = r.company_id \
    LEFT JOIN users o ON o.id = r.owner_id WHERE r.deleted_at IS NULL";

/// The board's filters (and the user's scope) on deals `r`.
pub(crate) fn push_filter(
    qb: &mut QueryBuilder<'_, Postgres>,
    user: &CurrentUser,
    f: &BoardFilter,
) -> Result<(), AppError> {
    push_scope(qb, user, "r");
    push_owner(qb, user, &f.owner)?;
    let q = f.q.trim().to_lowercase();
    if !q.is_empty() {
        let like = format!(
            "%{}%",
            q.replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        );
        qb.push(" AND (lower(r.title) LIKE ")
            .push_bind(like.clone())
            .push(" OR r.company_id IN (SELECT id FROM companies WHERE lower(name) LIKE ")
            .push_bind(like)
            .push("))");
    }
    let range = f.parse()?;
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

/// Tells every listening `keel` instance (and so every open board) that the deal changed.
pub async fn notify(conn: &mut PgConnection, event: &DealEvent) -> Result<(), AppError> {
    let payload = serde_json::to_string(event).map_err(AppError::internal)?;
    sqlx::query("SELECT pg_notify($1, $2)")
        .bind(DEAL_CHANNEL)
        .bind(payload)
        .execute(conn)
        .await?;
    Ok(())
}

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
async fn rank_at(conn: &mut PgConnection, id: DealId, to: &MoveTo) -> Result<String, AppError> {
    let rank = place(conn, id, to).await?;
    if rank.len() <= super::rank::LIMIT {
        return Ok(rank);
    }
    rebalance(conn, to.stage.0).await?;
    place(conn, id, to).await
}

/// Moves a deal to a stage (of its pipeline), between two cards there, if nobody changed it since
/// `version`: a new rank for it alone, a stage-history row and an audit row when the stage changes,
/// and a live notification. Returns the card as stored.
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
    notify(
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
    let max = super::model::LOST_REASON_MAX;
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
    notify(
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

/// Opens a deal owned by `user` at the end of the first stage of the first pipeline, with its
/// audit row. Refused on the `create_deal` field when there is no pipeline yet.
pub async fn create_deal(
    conn: &mut PgConnection,
    user: &CurrentUser,
    title: &str,
    value: &Money,
    company: Option<Uuid>,
) -> Result<Uuid, AppError> {
    let draft = crate::deals::model::DealDraft {
        title: title.to_string(),
        value_minor: value.minor,
        currency: value.currency.clone(),
        expected_close_date: None,
        probability: None,
    };
    open_deal(conn, user, None, &draft, company).await
}

/// Opens a deal owned by `user` at the end of `stage` (the first stage of the first pipeline when
/// `None`), with its audit row, and tells every open board.
pub async fn open_deal(
    conn: &mut PgConnection,
    user: &CurrentUser,
    stage: Option<StageId>,
    draft: &crate::deals::model::DealDraft,
    company: Option<Uuid>,
) -> Result<Uuid, AppError> {
    require_edit(user)?;
    let found: Option<(Uuid, Uuid)> =
        match stage {
            Some(s) => {
                sqlx::query_as(
                    "SELECT pipeline_id, id FROM stages WHERE id = $1 AND archived_at IS NULL",
                )
                .bind(s.0)
                .fetch_optional(&mut *conn)
                .await?
            }
            None => sqlx::query_as(
                "SELECT s.pipeline_id, s.id FROM stages s JOIN pipelines p ON p.id = s.pipeline_id
              WHERE s.archived_at IS NULL ORDER BY p.position, p.name, s.position LIMIT 1",
            )
            .fetch_optional(&mut *conn)
            .await?,
        };
    let field = if stage.is_some() {
        "stage"
    } else {
        "create_deal"
    };
    let (pipeline, stage) = found.ok_or_else(|| AppError::invalid(field, Invalid::Choice))?;
    let last = async |conn: &mut PgConnection| -> Result<Option<String>, AppError> {
        Ok(sqlx::query_scalar("SELECT max(rank) FROM deals WHERE stage_id = $1 AND status = 'open' AND deleted_at IS NULL")
            .bind(stage)
            .fetch_one(conn)
            .await?)
    };
    let mut rank = between(last(conn).await?.as_deref(), None);
    if rank.len() > super::rank::LIMIT {
        rebalance(conn, stage).await?;
        rank = between(last(conn).await?.as_deref(), None);
    }
    let id: Uuid = sqlx::query_scalar(
        "INSERT INTO deals (pipeline_id, stage_id, title, value_minor, currency, expected_close_date, probability,
                            company_id, owner_id, created_by, updated_by, rank)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $9, $10) RETURNING id",
    )
    .bind(pipeline)
    .bind(stage)
    .bind(&draft.title)
    .bind(draft.value_minor)
    .bind(&draft.currency)
    .bind(draft.expected_close_date)
    .bind(draft.probability)
    .bind(company)
    .bind(user.id.0)
    .bind(&rank)
    .fetch_one(&mut *conn)
    .await?;
    let fields = serde_json::to_value(draft).map_err(AppError::internal)?;
    crate::audit::created(conn, "deal", id, user.id.0, &fields).await?;
    notify(
        conn,
        &DealEvent {
            deal: DealId(id),
            pipeline: PipelineId(pipeline),
            version: 1,
        },
    )
    .await?;
    Ok(id)
}

/// The deals of a company or a contact (up to 200, open ones first) that the user may open each on
/// its own, or `NotFound` unless the user may see that record: one statement, whose visibility
/// check is its outer row.
pub async fn deals_of(
    pool: &PgPool,
    user: &CurrentUser,
    about: SubjectKind,
    id: Uuid,
) -> Result<Vec<DealSummary>, AppError> {
    let condition = match about {
        SubjectKind::Company => "d.company_id = r.id",
        SubjectKind::Contact => {
            "d.id IN (SELECT deal_id FROM deal_contacts WHERE contact_id = r.id)"
        }
        SubjectKind::Lead | SubjectKind::Deal => return Err(AppError::NotFound),
    };
    let scope = scope_sql(user, "r", "$2");
    let deal_scope = scope_sql(user, "d", "$2");
    type Row = (
        Option<Uuid>,
        Option<String>,
        Option<i64>,
        Option<String>,
        Option<String>,
        Option<String>,
    );
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT d.* FROM {} r LEFT JOIN LATERAL (
            SELECT d.id, d.title, d.value_minor, d.currency::text, s.name, d.status FROM deals d JOIN stages s ON s.id = d.stage_id
             WHERE {condition} AND d.deleted_at IS NULL{deal_scope} ORDER BY d.status = 'open' DESC, d.created_at DESC LIMIT 200
          ) d ON true
          WHERE r.id = $1 AND r.deleted_at IS NULL{scope}",
        crate::activities::db::table(about)
    ))
    .bind(id)
    .bind(user.id.0)
    .fetch_all(pool)
    .await?;
    if rows.is_empty() {
        return Err(AppError::NotFound);
    }
    Ok(rows
        .into_iter()
        .filter_map(|(id, title, minor, currency, stage, status)| {
            Some(DealSummary {
                id: id?,
                title: title?,
                value: Money {
                    minor: minor?,
                    currency: currency?,
                },
                stage: stage?,
                status: status?,
            })
        })
        .collect())
}

#[cfg(test)]
mod rank_tests;
#[cfg(test)]
mod tests;
