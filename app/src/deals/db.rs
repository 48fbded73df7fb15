//! SQL for a deal's page: read within the user's scope, save with its audit row and announcement.
use sqlx::{PgConnection, PgPool, Postgres, QueryBuilder};
use uuid::Uuid;

use super::model::{Deal, DealContact, DealDraft, DealTablePage, TableQuery};
use crate::announce::announce;
use crate::deals::board::db::push_filter;
use crate::deals::board::model::{BoardFilter, DealEvent};
use crate::deals::model::{DealId, PipelineId, StageId};
use crate::error::AppError;
use crate::records::db::{Keyed, fetch_visible, keyed_page, push_keyset, save, scope_sql};
use crate::records::model::{COUNT_LIMIT, ListPage};
use crate::users::model::CurrentUser;

crate::records::db::draft_columns!(
    DealDraft,
    "deals",
    "deal",
    [title, value_minor, currency, expected_close_date, probability],
    stored: "r.title, r.value_minor, r.currency::text AS currency, r.expected_close_date, r.probability"
);

const COLUMNS: &str = "r.id, r.title, r.value_minor, r.currency::text AS currency, r.company_id,
     co.name AS company_name, o.display_name AS owner_name, p.name AS pipeline_name, r.stage_id,
     st.name AS stage_name, st.win_probability AS stage_probability, r.probability, r.status,
     r.lost_reason, r.expected_close_date, r.stage_entered_at, r.version, r.updated_at";

const FROM: &str =
    "deals r JOIN stages st ON st.id = r.stage_id JOIN pipelines p ON p.id = r.pipeline_id
   LEFT JOIN companies co ON co.id = r.company_id LEFT JOIN users o ON o.id = r.owner_id";

/// The table's orders: key, SQL expression (never NULL), and its type.
const SORTS: [(&str, &str, &str); 8] = [
    (
        "close",
        "coalesce(r.expected_close_date, 'infinity'::date)",
        "date",
    ),
    ("title", "lower(r.title)", "text"),
    ("company", "coalesce(lower(co.name), '')", "text"),
    ("value", "r.value_minor", "bigint"),
    ("stage", "st.position", "int"),
    ("owner", "coalesce(o.display_name, '')", "text"),
    (
        "probability",
        "coalesce(r.probability, st.win_probability)",
        "smallint",
    ),
    ("updated", "r.updated_at", "timestamptz"),
];

pub async fn get<'c>(
    pool: impl sqlx::PgExecutor<'c>,
    user: &CurrentUser,
    id: DealId,
) -> Result<Deal, AppError> {
    let sql = format!("SELECT {COLUMNS} FROM {FROM} WHERE r.deleted_at IS NULL AND r.id = ");
    fetch_visible(pool, user, &sql, id.0).await
}

/// A page of the deals table: a pipeline's deals (the first pipeline when `None`) in the user's
/// scope, the board's filters and the table's status, in the order asked, with the capped count.
pub async fn table(
    pool: &PgPool,
    user: &CurrentUser,
    pipeline: Option<PipelineId>,
    filter: &BoardFilter,
    query: &TableQuery,
) -> Result<DealTablePage, AppError> {
    let (pipelines, current) = crate::deals::board::db::pipelines_and(pool, pipeline).await?;
    let status = query.statuses()?;
    let stage = query.stage_id()?;
    let conditions = |qb: &mut QueryBuilder<'static, Postgres>| -> Result<(), AppError> {
        qb.push(" WHERE r.deleted_at IS NULL AND r.pipeline_id = ")
            .push_bind(current.id.0);
        if let Some(s) = status {
            qb.push(" AND r.status = ").push_bind(s);
        }
        if let Some(s) = stage {
            qb.push(" AND r.stage_id = ").push_bind(s);
        }
        push_filter(qb, user, filter)
    };
    let (key, desc) = query.order();
    let (_, expr, ty) = SORTS
        .iter()
        .find(|(k, _, _)| *k == key)
        .unwrap_or(&SORTS[0]);
    let mut qb = QueryBuilder::new(format!(
        "SELECT {COLUMNS}, ({expr})::text AS sort_key FROM {FROM}"
    ));
    conditions(&mut qb)?;
    let size = query.limit.map_or(crate::records::model::PAGE_SIZE, |n| {
        i64::from(n.clamp(1, crate::records::model::MAX_PAGE_SIZE))
    });
    push_keyset(&mut qb, expr, ty, desc, &query.after, size)?;
    let mut count = QueryBuilder::new("SELECT count(*) FROM (SELECT 1 FROM deals r");
    conditions(&mut count)?;
    count
        .push(" LIMIT ")
        .push_bind(COUNT_LIMIT + 1)
        .push(") capped");

    let mut tx = pool.begin().await?;
    let rows: Vec<Keyed<Deal>> = qb.build_query_as().fetch_all(&mut *tx).await?;
    let total: i64 = count.build_query_scalar().fetch_one(&mut *tx).await?;
    let stages: Vec<(StageId, String)> = sqlx::query_as(
        "SELECT id, name FROM stages WHERE pipeline_id = $1 AND archived_at IS NULL ORDER BY position",
    )
    .bind(current.id.0)
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    let (rows, next) = keyed_page(rows, size);
    Ok(DealTablePage {
        pipeline: current,
        pipelines,
        stages,
        page: ListPage {
            rows,
            next,
            total,
            limit: COUNT_LIMIT,
        },
    })
}

/// Saves the deal if it is still at `version` (its audit row in the same transaction), and tells
/// every open board; returns the new version.
pub async fn update(
    conn: &mut PgConnection,
    user: &CurrentUser,
    id: DealId,
    version: i32,
    draft: &DealDraft,
) -> Result<i32, AppError> {
    let saved = save(conn, user, id.0, version, draft, None, async |_| Ok(None)).await?;
    if saved != version {
        announce_saved(conn, id, saved).await?;
    }
    Ok(saved)
}

/// Tells every open board of the deal's pipeline that the deal is now at `version` (saved,
/// deleted or restored).
pub async fn announce_saved(
    conn: &mut PgConnection,
    deal: DealId,
    version: i32,
) -> Result<(), AppError> {
    let pipeline: Uuid = sqlx::query_scalar("SELECT pipeline_id FROM deals WHERE id = $1")
        .bind(deal.0)
        .fetch_one(&mut *conn)
        .await?;
    let pipeline = PipelineId(pipeline);
    announce(
        conn,
        &DealEvent {
            deal,
            pipeline,
            version,
        },
    )
    .await
}

/// Moves the deal to the trash if it is still at `version` (`Conflict` if not; `NotFound` out of
/// the user's scope) and tells every open board; anyone who may edit it may.
pub async fn delete(
    conn: &mut PgConnection,
    user: &CurrentUser,
    id: DealId,
    version: i32,
) -> Result<(), AppError> {
    crate::records::db::require_edit(user)?;
    let scope = scope_sql(user, "r", "$2");
    let stored: i32 = sqlx::query_scalar(&format!(
        "SELECT r.version FROM deals r WHERE r.deleted_at IS NULL AND r.id = $1{scope} FOR UPDATE"
    ))
    .bind(id.0)
    .bind(user.id.0)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(AppError::NotFound)?;
    if stored != version {
        return Err(AppError::Conflict);
    }
    let version =
        crate::records::db::set_deleted(conn, ("deals", "deal"), id.0, user.id.0, true).await?;
    announce_saved(conn, id, version).await
}

/// The deal's contacts the user may see.
pub async fn contacts(
    pool: &PgPool,
    user: &CurrentUser,
    id: DealId,
) -> Result<Vec<DealContact>, AppError> {
    let scope = scope_sql(user, "r", "$2");
    Ok(sqlx::query_as(&format!(
        "SELECT r.id, r.full_name, r.title FROM deal_contacts dc JOIN contacts r ON r.id = dc.contact_id
          WHERE dc.deal_id = $1 AND r.deleted_at IS NULL{scope} ORDER BY r.full_name"
    ))
    .bind(id.0)
    .bind(user.id.0)
    .fetch_all(pool)
    .await?)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::deals::model::DealInput;
    use crate::money::Money;
    use crate::users::model::Role;

    use crate::users::db::test_user as user;

    /// A deal of `owner`, "Pilot", in a new one-stage pipeline.
    pub(crate) async fn deal(pool: &PgPool, owner: &CurrentUser) -> DealId {
        sqlx::query(
            "WITH p AS (INSERT INTO pipelines (name) VALUES ('Sales') RETURNING id)
             INSERT INTO stages (pipeline_id, name, position, win_probability) SELECT id, 'Lead', 0, 20 FROM p",
        )
        .execute(pool)
        .await
        .unwrap();
        let mut conn = pool.acquire().await.unwrap();
        let money = Money {
            minor: 100_000,
            currency: "CNY".into(),
        };
        DealId(
            crate::deals::board::db::create_deal(&mut conn, owner, "Pilot", &money, None)
                .await
                .unwrap(),
        )
    }

    fn edit(title: &str, value: &str, probability: &str) -> DealDraft {
        DealInput {
            title: title.into(),
            value: value.into(),
            currency: "CNY".into(),
            expected_close_date: "2027-02-01".into(),
            probability: probability.into(),
        }
        .parse()
        .unwrap()
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn an_edit_is_saved_audited_and_announced_and_a_stale_one_refused(pool: PgPool) {
        let sales = user(&pool, "s@t.test", Role::Sales, "East").await;
        let id = deal(&pool, &sales).await;
        let before = get(&pool, &sales, id).await.unwrap();
        assert_eq!(
            (before.win_probability(), before.stage_name.as_str()),
            (20, "Lead")
        );

        let mut listener = sqlx::postgres::PgListener::connect_with(&pool)
            .await
            .unwrap();
        listener.listen(crate::announce::CHANNEL).await.unwrap();
        let mut tx = pool.begin().await.unwrap();
        let v = update(
            &mut tx,
            &sales,
            id,
            before.version,
            &edit("Pilot+", "2,000", "60"),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let heard: DealEvent =
            serde_json::from_str(listener.recv().await.unwrap().payload()).unwrap();
        assert_eq!((heard.deal, heard.version), (id, v));

        let after = get(&pool, &sales, id).await.unwrap();
        assert_eq!(
            (
                after.title.as_str(),
                after.value_minor,
                after.win_probability(),
                after.version
            ),
            ("Pilot+", 200_000, 60, before.version + 1)
        );
        let changes: serde_json::Value = sqlx::query_scalar(
            "SELECT changes FROM audit_log WHERE entity = 'deal' AND entity_id = $1 AND action = 'update'",
        )
        .bind(id.0)
        .fetch_one(&pool)
        .await
        .unwrap();
        assert_eq!(changes["value_minor"]["new"], 200_000);
        assert_eq!(changes["probability"]["old"], serde_json::Value::Null);

        // Someone saved meanwhile: the old version is refused, nothing changes.
        let mut tx = pool.begin().await.unwrap();
        let stale = update(&mut tx, &sales, id, before.version, &edit("Mine", "1", "")).await;
        assert!(matches!(stale, Err(AppError::Conflict)));
        drop(tx);
        assert_eq!(get(&pool, &sales, id).await.unwrap().title, "Pilot+");
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn another_teams_deal_is_neither_shown_nor_saved_and_viewers_cannot_edit(pool: PgPool) {
        let east = user(&pool, "e@t.test", Role::Sales, "East").await;
        let west = user(&pool, "w@t.test", Role::Sales, "West").await;
        let viewer = user(&pool, "v@t.test", Role::Viewer, "East").await;
        let id = deal(&pool, &east).await;
        assert!(matches!(
            get(&pool, &west, id).await,
            Err(AppError::NotFound)
        ));
        let mut tx = pool.begin().await.unwrap();
        assert!(matches!(
            update(&mut tx, &west, id, 1, &edit("Taken", "1", "")).await,
            Err(AppError::NotFound)
        ));
        assert!(matches!(
            update(&mut tx, &viewer, id, 1, &edit("Taken", "1", "")).await,
            Err(AppError::Forbidden)
        ));
        drop(tx);
        assert!(
            get(&pool, &viewer, id).await.is_ok(),
            "a viewer of the team reads it"
        );
    }
}
