//! Opening deals: at the end of a stage (or of the first pipeline's first stage), audited and
//! announced.
use sqlx::PgConnection;
use uuid::Uuid;

use super::placing::rebalance;
use crate::announce::announce;
use crate::deals::board::model::DealEvent;
use crate::deals::board::rank::between;
use crate::deals::model::{DealDraft, DealId, PipelineId, StageId};
use crate::error::{AppError, Invalid};
use crate::money::Money;
use crate::records::db::require_edit;
use crate::users::model::CurrentUser;

/// Opens a deal owned by `user` at the end of the first stage of the first pipeline, with its
/// audit row. Refused on the `create_deal` field when there is no pipeline yet.
pub async fn create_deal(
    conn: &mut PgConnection,
    user: &CurrentUser,
    title: &str,
    value: &Money,
    company: Option<Uuid>,
) -> Result<Uuid, AppError> {
    let draft = DealDraft {
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
    draft: &DealDraft,
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
    if rank.len() > crate::deals::board::rank::LIMIT {
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
    announce(
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
