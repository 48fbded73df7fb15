//! Deals for the report benchmarks: three years of them in the existing pipelines (a quarter won,
//! a quarter lost, half still open), each with the stage history that brought it where it is
//! (3–4 rows on average). Both COPYs run in one transaction with a count in `app_meta`, so a
//! second run skips them (or tops them up to a larger number) instead of doubling them.
use std::fmt::Write as _;
use std::time::Instant;

use chrono::{DateTime, Duration, Utc};
use sqlx::PgPool;
use uuid::Uuid;

use super::copy_on;
use crate::seed::Dice;
use crate::startup::BoxError;

/// The `app_meta` key holding how many deals `seed-bulk` generated.
const MARKER: &str = "bulk_deals";
const DAY: usize = 86_400;
/// Companies the deals are spread over (picked at random).
const COMPANIES: i64 = 100_000;

/// Deal kinds beyond the demo's own (`seed::DEAL_KINDS`), for variety at scale.
const MORE_KINDS: [&str; 4] = [
    "Data migration",
    "定制开发",
    "Consulting days",
    "云服务续费",
];

const LOST_REASONS: [&str; 12] = [
    "Price too high",
    "价格太高",
    "Chose a competitor",
    "选择了竞争对手",
    "No budget this year",
    "今年没有预算",
    "Project cancelled",
    "项目取消",
    "No response from the customer",
    "客户失去联系",
    "Missing features",
    "决策人变更",
];

/// A deal's path through its pipeline: drawn twice from dice with the same seed, once for the
/// deal's row and once for its history, so the history needs no memory of the deals.
struct Shape {
    /// Index into the owners: the owner opened and moved the deal.
    owner: usize,
    pipeline: usize,
    /// The current stage's index (its position among the pipeline's stages).
    stage: usize,
    status: &'static str,
    created: DateTime<Utc>,
    /// When the deal moved into stages 1..=stage, strictly increasing, after `created`.
    moves: Vec<DateTime<Utc>>,
    /// Won or lost at (after the last move); `None` while open.
    closed: Option<DateTime<Utc>>,
}

impl Shape {
    fn entered(&self) -> DateTime<Utc> {
        self.moves.last().copied().unwrap_or(self.created)
    }
}

fn shape(
    dice: &mut Dice,
    owners: usize,
    pipelines: &[(Uuid, Vec<Uuid>)],
    now: DateTime<Utc>,
) -> Shape {
    let owner = dice.below(owners);
    // Three in four deals sit in the first pipeline (as in the demo data).
    let pipeline = if pipelines.len() == 1 || dice.below(4) != 0 {
        0
    } else {
        1 + dice.below(pipelines.len() - 1)
    };
    let last = pipelines[pipeline].1.len() - 1;
    let status = match dice.below(4) {
        0 => "won",
        1 => "lost",
        _ => "open",
    };
    let stage = match status {
        // Won deals mostly from the last stage, else from its second half.
        "won" if dice.below(5) < 3 => last,
        "won" => last / 2 + dice.below(last - last / 2 + 1),
        "lost" => dice.below(last + 1),
        // A funnel: open deals thin out stage by stage.
        _ => dice.below(last + 1).min(dice.below(last + 1)),
    };
    // At least a day old; a closed deal's cycle is a week to half a year, an open deal's last
    // move within four months of its creation (never past now).
    let age = DAY + dice.below(3 * 365 * DAY - DAY);
    let span = if status == "open" {
        DAY + dice.below(120 * DAY)
    } else {
        7 * DAY + dice.below(173 * DAY)
    }
    .min(age);
    let steps = stage + usize::from(status != "open");
    let step = (span / steps.max(1)).max(1);
    let created = now - Duration::seconds(age as i64);
    // Move j falls in (j·step, (j+1)·step]: strictly increasing, and before the close at `span`.
    let moves = (0..stage)
        .map(|j| created + Duration::seconds((step * j + 1 + dice.below(step)) as i64))
        .collect();
    let closed = (status != "open").then(|| created + Duration::seconds(span as i64));
    Shape {
        owner,
        pipeline,
        stage,
        status,
        created,
        moves,
        closed,
    }
}

fn stamp(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M:%S+00").to_string()
}

/// Generates `n` deals (fewer when earlier runs made some) with their stage histories, owned by
/// `owners`, in the existing pipelines' open stages and for random existing companies.
pub(super) async fn deals(
    pool: &PgPool,
    dice: &mut Dice,
    owners: &[Uuid],
    n: usize,
) -> Result<(), BoxError> {
    let t = Instant::now();
    let mut pipelines: Vec<(Uuid, Vec<Uuid>)> = Vec::new();
    let stages: Vec<(Uuid, Uuid)> = sqlx::query_as(
        "SELECT s.pipeline_id, s.id FROM stages s JOIN pipelines p ON p.id = s.pipeline_id
          WHERE s.archived_at IS NULL AND p.archived_at IS NULL
          ORDER BY p.position, p.name, p.id, s.position, s.id",
    )
    .fetch_all(pool)
    .await?;
    for (pipeline, stage) in stages {
        match pipelines.last_mut() {
            Some((p, s)) if *p == pipeline => s.push(stage),
            _ => pipelines.push((pipeline, vec![stage])),
        }
    }
    if pipelines.is_empty() {
        return Err(
            "seed-bulk needs pipelines with stages for the deals: run `keel seed-demo` first"
                .into(),
        );
    }
    // Names are shortened and cleaned for the titles (COPY text takes no tabs or backslashes).
    let companies: Vec<(Uuid, String)> = sqlx::query_as(
        "SELECT id, name FROM companies WHERE deleted_at IS NULL ORDER BY random() LIMIT $1",
    )
    .bind(COMPANIES)
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|(id, name): (Uuid, String)| {
        let clean: String = name
            .chars()
            .filter(|c| !c.is_control() && *c != '\\')
            .take(60)
            .collect();
        (id, clean)
    })
    .collect();

    let mut tx = pool.begin().await?;
    // Two long COPYs in one transaction: none of the request time budgets apply.
    sqlx::query(
        "SELECT set_config('statement_timeout', '0', true), set_config('lock_timeout', '0', true),
                set_config('idle_in_transaction_session_timeout', '0', true)",
    )
    .execute(&mut *tx)
    .await?;
    // Serialise concurrent runs: the second one waits here and then reads the first one's count.
    sqlx::query("SELECT pg_advisory_xact_lock(4243)")
        .execute(&mut *tx)
        .await?;
    let have: usize = sqlx::query_scalar::<_, String>("SELECT value FROM app_meta WHERE key = $1")
        .bind(MARKER)
        .fetch_optional(&mut *tx)
        .await?
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    if have >= n {
        println!("deals: {have} generated before, none added");
        return Ok(());
    }
    let rows = n - have;
    // Ranks after every deal's number so far: unique, and valid keys (eight digits, then 'V').
    let first_rank: i64 = sqlx::query_scalar("SELECT count(*) FROM deals")
        .fetch_one(&mut *tx)
        .await?;
    let ids: Vec<Uuid> = (0..rows).map(|_| Uuid::new_v4()).collect();
    let seed = dice.next() | 1;
    let now = Utc::now();
    let today = now.date_naive();

    let mut shapes = Dice(seed);
    copy_on(&mut tx, "COPY deals (id, pipeline_id, stage_id, title, value_minor, currency, company_id, owner_id, rank, \
                      probability, lost_reason, closed_at, expected_close_date, status, stage_entered_at, created_at, \
                      updated_at, created_by, updated_by, version) FROM STDIN", rows, |i, b| {
        let s = shape(&mut shapes, owners.len(), &pipelines, now);
        let (pipeline, stages) = &pipelines[s.pipeline];
        let kind = if dice.below(3) == 0 {
            dice.pick(&MORE_KINDS)
        } else {
            dice.pick(&crate::seed::DEAL_KINDS)
        };
        let (company, title) = if companies.is_empty() {
            ("\\N".to_string(), format!("{kind} #{}", first_rank as usize + i))
        } else {
            let (id, name) = dice.pick(&companies);
            (id.to_string(), format!("{name} · {kind}"))
        };
        // 1,000 to 500,000 in whole tens, small deals more often than large ones.
        let units = 1000.0 * 500f64.powf(dice.below(10_001) as f64 / 10_000.0);
        let value_minor = (units as i64 / 10 * 10).max(1000) * 100;
        let currency = match dice.below(20) {
            0..=15 => "CNY",
            16..=18 => "USD",
            _ => "EUR",
        };
        let probability = if dice.below(10) == 0 { (dice.below(21) * 5).to_string() } else { "\\N".into() };
        let lost_reason = if s.status == "lost" { dice.pick(&LOST_REASONS).to_string() } else { "\\N".into() };
        let expected = match dice.below(20) {
            0 => "\\N".to_string(),
            // Half the open deals look ahead: a date in the next six months.
            1..=10 if s.status == "open" => (today + Duration::days(dice.below(181) as i64)).to_string(),
            _ => (s.created.date_naive() + Duration::days(dice.below(181) as i64)).to_string(),
        };
        let owner = owners[s.owner];
        let entered = s.entered();
        let _ = writeln!(
            b,
            "{}\t{pipeline}\t{}\t{title}\t{value_minor}\t{currency}\t{company}\t{owner}\t{:08}V\t{probability}\t{lost_reason}\t{}\t{expected}\t{}\t{}\t{}\t{}\t{owner}\t{owner}\t{}",
            ids[i],
            stages[s.stage],
            first_rank as usize + i,
            s.closed.map(stamp).unwrap_or_else(|| "\\N".into()),
            s.status,
            stamp(entered),
            stamp(s.created),
            stamp(s.closed.unwrap_or(entered)),
            1 + s.moves.len() + usize::from(s.closed.is_some()),
        );
    })
    .await?;
    println!("deals: {rows} rows in {:.1} s", t.elapsed().as_secs_f64());

    // The same shapes again: every move (and the close) by the deal's owner.
    let t = Instant::now();
    let mut shapes = Dice(seed);
    let mut history = 0usize;
    // Each move records the stay it ends and the stage it reaches on its deal (triggers that
    // read and write a row per move): set in bulk after the load instead.
    sqlx::query("ALTER TABLE deal_stage_history DISABLE TRIGGER deal_stage_history_stay, DISABLE TRIGGER deal_stage_history_reached")
        .execute(&mut *tx)
        .await?;
    copy_on(&mut tx, "COPY deal_stage_history (deal_id, from_stage, to_stage, status, moved_by, moved_at) FROM STDIN", rows, |i, b| {
        let s = shape(&mut shapes, owners.len(), &pipelines, now);
        let stages = &pipelines[s.pipeline].1;
        let (id, by) = (ids[i], owners[s.owner]);
        let _ = writeln!(b, "{id}\t\\N\t{}\topen\t{by}\t{}", stages[0], stamp(s.created));
        for (j, at) in s.moves.iter().enumerate() {
            let _ = writeln!(b, "{id}\t{}\t{}\topen\t{by}\t{}", stages[j], stages[j + 1], stamp(*at));
        }
        if let Some(at) = s.closed {
            let (stage, status) = (stages[s.stage], s.status);
            let _ = writeln!(b, "{id}\t{stage}\t{stage}\t{status}\t{by}\t{}", stamp(at));
        }
        history += 1 + s.moves.len() + usize::from(s.closed.is_some());
    })
    .await?;
    sqlx::query(
        "UPDATE deal_stage_history h
            SET stay_started_at = coalesce(p.prev_at, d.created_at), stay_open = coalesce(p.prev_status = 'open', true)
           FROM (SELECT id, lag(moved_at) OVER w AS prev_at, lag(status) OVER w AS prev_status
                   FROM deal_stage_history WHERE deal_id IN (SELECT deal_id FROM deal_stage_history WHERE stay_started_at IS NULL)
                 WINDOW w AS (PARTITION BY deal_id ORDER BY moved_at, id)) p, deals d
          WHERE p.id = h.id AND d.id = h.deal_id AND h.stay_started_at IS NULL",
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "UPDATE deals d SET reached_stages = r.stages
           FROM (SELECT deal_id, array_agg(DISTINCT to_stage) AS stages FROM deal_stage_history
                  WHERE to_stage IS NOT NULL AND deal_id = ANY ($1) GROUP BY 1) r
          WHERE r.deal_id = d.id",
    )
    .bind(&ids)
    .execute(&mut *tx)
    .await?;
    sqlx::query("ALTER TABLE deal_stage_history ENABLE TRIGGER deal_stage_history_stay, ENABLE TRIGGER deal_stage_history_reached")
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO app_meta (key, value) VALUES ($1, $2)
         ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
    )
    .bind(MARKER)
    .bind(n.to_string())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    println!(
        "deal stage history: {history} rows in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn count(pool: &PgPool, sql: &str) -> i64 {
        sqlx::query_scalar(sql).fetch_one(pool).await.unwrap()
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn deals_walk_forward_through_their_stages_and_are_made_once(pool: PgPool) {
        crate::seed::seed_demo(&pool).await.unwrap();
        let owners: Vec<Uuid> = sqlx::query_scalar(
            "SELECT id FROM users WHERE role IN ('sales', 'manager') ORDER BY email",
        )
        .fetch_all(&pool)
        .await
        .unwrap();
        let mut dice = Dice(7);
        deals(&pool, &mut dice, &owners, 2000).await.unwrap();
        deals(&pool, &mut dice, &owners, 2000).await.unwrap();
        assert_eq!(count(&pool, "SELECT count(*) FROM deals").await, 80 + 2000);
        deals(&pool, &mut dice, &owners, 2500).await.unwrap();
        assert_eq!(count(&pool, "SELECT count(*) FROM deals").await, 80 + 2500);
        // The bulk deals (the demo's own carry a history of their own).
        let bulk = "SELECT * FROM deals WHERE id IN (SELECT deal_id FROM deal_stage_history WHERE from_stage IS NULL)";
        assert_eq!(
            count(&pool, &format!("SELECT count(*) FROM ({bulk}) d")).await,
            2500
        );
        assert_eq!(
            count(&pool, "SELECT count(DISTINCT rank) FROM deals").await,
            80 + 2500,
            "ranks are unique"
        );
        // Each history starts in the pipeline's first stage at creation, then every row leaves
        // the stage the one before entered, strictly later.
        let broken = count(&pool, "SELECT count(*) FROM (
              SELECT h.*, lag(moved_at) OVER w AS prev_at, lag(to_stage) OVER w AS prev_to,
                     row_number() OVER w AS n
                FROM deal_stage_history h WHERE deal_id IN (SELECT deal_id FROM deal_stage_history WHERE from_stage IS NULL)
                WINDOW w AS (PARTITION BY deal_id ORDER BY moved_at, id)) x
             WHERE (n = 1 AND from_stage IS NOT NULL) OR (n > 1 AND (moved_at <= prev_at OR from_stage <> prev_to))").await;
        assert_eq!(broken, 0);
        let wrong_start = count(&pool, &format!("SELECT count(*) FROM ({bulk}) d
              JOIN deal_stage_history h ON h.deal_id = d.id AND h.from_stage IS NULL
             WHERE h.moved_at <> d.created_at OR h.status <> 'open'
                OR h.to_stage <> (SELECT id FROM stages WHERE pipeline_id = d.pipeline_id ORDER BY position LIMIT 1)")).await;
        assert_eq!(wrong_start, 0);
        // The last row is the deal as it stands; the last move into a stage is its entry time.
        let wrong_end = count(&pool, &format!("SELECT count(*) FROM ({bulk}) d
              JOIN LATERAL (SELECT * FROM deal_stage_history h WHERE h.deal_id = d.id ORDER BY moved_at DESC LIMIT 1) l ON true
              JOIN stages s ON s.id = d.stage_id
             WHERE l.to_stage <> d.stage_id OR l.status <> d.status OR s.pipeline_id <> d.pipeline_id
                OR s.archived_at IS NOT NULL OR d.created_at > now()
                OR d.stage_entered_at <> (SELECT max(moved_at) FROM deal_stage_history h WHERE h.deal_id = d.id AND h.status = 'open')
                OR (d.status = 'open' AND d.closed_at IS NOT NULL)
                OR (d.status <> 'open' AND (d.closed_at IS DISTINCT FROM l.moved_at OR d.closed_at > now()))
                OR (d.status = 'lost') <> (d.lost_reason IS NOT NULL)")).await;
        assert_eq!(wrong_end, 0);
        let (rows, won, lost, cny, old): (i64, i64, i64, i64, i64) = sqlx::query_as(&format!(
            "SELECT (SELECT count(*) FROM deal_stage_history), count(*) FILTER (WHERE status = 'won'),
                    count(*) FILTER (WHERE status = 'lost'), count(*) FILTER (WHERE currency = 'CNY'),
                    count(*) FILTER (WHERE created_at < now() - interval '2 years') FROM ({bulk}) d"
        ))
        .fetch_one(&pool)
        .await
        .unwrap();
        assert!(
            (3 * 2500..=9 * 2500 / 2).contains(&rows),
            "{rows} history rows"
        );
        assert!(
            (500..750).contains(&won) && (500..750).contains(&lost),
            "{won} won, {lost} lost"
        );
        assert!((1800..2200).contains(&cny), "{cny} in CNY");
        assert!(old > 500, "{old} deals older than two years");
    }
}
