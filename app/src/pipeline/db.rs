//! SQL for pipelines and their stages.
use std::collections::BTreeMap;

use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::model::{DealSummary, PipelineId, PipelineSummary, StageId, StageSummary};
use crate::error::{AppError, Invalid};
use crate::money::Money;
use crate::users::model::CurrentUser;

/// Opens a deal owned by `user` at the end of the first stage of the first pipeline, with its
/// audit row. Refused on the `create_deal` field when there is no pipeline yet.
pub async fn create_deal(conn: &mut PgConnection, user: &CurrentUser, title: &str, value: &Money, company: Option<Uuid>) -> Result<Uuid, AppError> {
    let stage: Option<(Uuid, Uuid, i16)> = sqlx::query_as(
        "SELECT s.pipeline_id, s.id, s.win_probability FROM stages s JOIN pipelines p ON p.id = s.pipeline_id
          WHERE s.archived_at IS NULL ORDER BY p.position, p.name, s.position LIMIT 1",
    )
    .fetch_optional(&mut *conn)
    .await?;
    let (pipeline, stage, _probability) = stage.ok_or_else(|| AppError::invalid("create_deal", Invalid::Choice))?;
    let id: Uuid = sqlx::query_scalar(
        "INSERT INTO deals (pipeline_id, stage_id, title, value_minor, currency, company_id, owner_id, position)
         VALUES ($1, $2, $3, $4, $5, $6, $7, coalesce((SELECT max(position) + 1 FROM deals WHERE stage_id = $2), 0)) RETURNING id",
    )
    .bind(pipeline)
    .bind(stage)
    .bind(title)
    .bind(value.minor)
    .bind(&value.currency)
    .bind(company)
    .bind(user.id.0)
    .fetch_one(&mut *conn)
    .await?;
    let fields = serde_json::json!({ "title": title, "value_minor": value.minor, "currency": value.currency });
    crate::audit::created(conn, "deal", id, user.id.0, &fields).await?;
    Ok(id)
}

/// Every pipeline with its ordered stages, open deal counts and totals per currency.
pub async fn overview(pool: &PgPool) -> Result<Vec<PipelineSummary>, AppError> {
    let rows: Vec<(Uuid, String, Uuid, String, i16, Option<String>, i64, i64)> = sqlx::query_as(
        "SELECT p.id, p.name, s.id, s.name, s.win_probability, d.currency,
                count(d.id), coalesce(sum(d.value_minor), 0)::bigint
           FROM pipelines p
           JOIN stages s ON s.pipeline_id = p.id AND s.archived_at IS NULL
           LEFT JOIN deals d ON d.stage_id = s.id AND d.status = 'open' AND d.deleted_at IS NULL
          GROUP BY p.id, p.name, p.position, s.id, s.name, s.win_probability, s.position, d.currency
          ORDER BY p.position, p.name, s.position, sum(d.value_minor) DESC NULLS LAST",
    )
    .fetch_all(pool)
    .await?;

    let mut pipelines: Vec<PipelineSummary> = Vec::new();
    let mut stage_index: BTreeMap<Uuid, (usize, usize)> = BTreeMap::new();
    for (pid, pname, sid, sname, prob, currency, count, total) in rows {
        if pipelines.last().is_none_or(|p| p.id.0 != pid) {
            pipelines.push(PipelineSummary { id: PipelineId(pid), name: pname, stages: Vec::new() });
        }
        let pi = pipelines.len() - 1;
        let (pi, si) = *stage_index.entry(sid).or_insert_with(|| {
            pipelines[pi].stages.push(StageSummary {
                id: StageId(sid),
                name: sname,
                win_probability: prob,
                open_deals: 0,
                totals: Vec::new(),
            });
            (pi, pipelines[pi].stages.len() - 1)
        });
        let stage = &mut pipelines[pi].stages[si];
        stage.open_deals += count;
        if let Some(currency) = currency {
            stage.totals.push(Money { minor: total, currency });
        }
    }
    Ok(pipelines)
}

/// The company's deals, open ones first, newest first (at most 200).
pub async fn company_deals(pool: &PgPool, company: Uuid) -> Result<Vec<DealSummary>, AppError> {
    let rows: Vec<(Uuid, String, i64, String, String, String)> = sqlx::query_as(
        "SELECT d.id, d.title, d.value_minor, d.currency::text, s.name, d.status FROM deals d JOIN stages s ON s.id = d.stage_id
          WHERE d.company_id = $1 AND d.deleted_at IS NULL ORDER BY d.status = 'open' DESC, d.created_at DESC LIMIT 200",
    )
    .bind(company)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, title, minor, currency, stage, status)| DealSummary { id, title, value: Money { minor, currency }, stage, status })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[sqlx::test(migrations = "../migrations")]
    async fn the_overview_counts_open_deals_per_stage_in_order(pool: PgPool) {
        let (p,): (Uuid,) = sqlx::query_as("INSERT INTO pipelines (name, position) VALUES ('Sales', 0) RETURNING id")
            .fetch_one(&pool).await.unwrap();
        let mut stages = Vec::new();
        for (i, name) in ["Lead", "Won-ish"].iter().enumerate() {
            let (s,): (Uuid,) = sqlx::query_as(
                "INSERT INTO stages (pipeline_id, name, position, win_probability) VALUES ($1, $2, $3, 10) RETURNING id")
                .bind(p).bind(name).bind(i as i32).fetch_one(&pool).await.unwrap();
            stages.push(s);
        }
        for (value, status) in [(1000_i64, "open"), (2500, "open"), (9999, "won")] {
            sqlx::query("INSERT INTO deals (pipeline_id, stage_id, title, value_minor, currency, status) VALUES ($1, $2, 'd', $3, 'CNY', $4)")
                .bind(p).bind(stages[0]).bind(value).bind(status).execute(&pool).await.unwrap();
        }
        let o = overview(&pool).await.unwrap();
        assert_eq!(o.len(), 1);
        assert_eq!(o[0].stages.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(), ["Lead", "Won-ish"]);
        assert_eq!(o[0].stages[0].open_deals, 2);
        assert_eq!(o[0].stages[0].totals, vec![Money { minor: 3500, currency: "CNY".into() }]);
        assert_eq!(o[0].stages[1].open_deals, 0);
        assert!(o[0].stages[1].totals.is_empty());
    }
}
