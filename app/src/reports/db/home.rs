//! The home dashboard's figures, each card from the reports' own queries or one small query.
use chrono::{DateTime, Datelike, Months, NaiveDate, Utc};
use sqlx::PgPool;

use super::Ctx;
use super::people::{Whose, target_months};
use crate::error::AppError;
use crate::reports::home::{Backlog, Dashboard, Progress, StaleDeal};
use crate::reports::model::{ChartKind, ReportKind, ReportQuery};
use crate::users::model::{CurrentUser, Role};

fn q(period: &str) -> ReportQuery {
    ReportQuery {
        period: period.into(),
        ..Default::default()
    }
}

pub async fn dashboard(
    pool: &PgPool,
    user: &CurrentUser,
    now: DateTime<Utc>,
) -> Result<Dashboard, AppError> {
    let mut d = Dashboard::default();
    match user.role {
        Role::Support => d.backlog = Some(backlog(pool, user, now).await?),
        Role::Sales => {
            let mine = ReportQuery {
                period: "this_month".into(),
                owner: user.id.0.to_string(),
                ..Default::default()
            };
            let c = Ctx::resolve(pool, user, ReportKind::Funnel, &mine, now).await?;
            let (pipeline, progress, tasks, stale) = tokio::try_join!(
                open_by_stage(pool, &c),
                progress(pool, &c, Whose::User(user.id.0)),
                tasks_today(pool, user, c.today),
                stale(pool, user, now),
            )?;
            d.pipeline = Some(pipeline);
            d.progress = Some(progress);
            d.tasks_today = Some(tasks);
            d.stale = Some(stale);
        }
        Role::Admin | Role::Manager | Role::Viewer => {
            let quarter = q("this_quarter");
            let c = Ctx::resolve(pool, user, ReportKind::Funnel, &quarter, now).await?;
            let first = c.today.with_day(1).unwrap_or(c.today);
            let next = ReportQuery {
                period: "custom".into(),
                from: first.to_string(),
                to: (first.checked_add_months(Months::new(3)).unwrap_or(first)
                    - chrono::Days::new(1))
                .to_string(),
                ..Default::default()
            };
            let f = Ctx::resolve(pool, user, ReportKind::Forecast, &next, now).await?;
            let w = Ctx::resolve(pool, user, ReportKind::WinRate, &q("this_year"), now).await?;
            let m = Ctx::resolve(pool, user, ReportKind::Targets, &q("this_month"), now).await?;
            let (funnel, forecast, win_rate, ranking, progress) = tokio::try_join!(
                super::funnel(pool, &c),
                super::forecast(pool, &f),
                super::win_rate(pool, &w),
                super::rankings(pool, &c),
                progress(pool, &m, Whose::Company),
            )?;
            d.funnel = Some(funnel);
            d.forecast = Some(forecast);
            d.win_rate = Some(win_rate);
            let mut ranking = ranking;
            ranking.rows.truncate(5);
            d.ranking = Some(ranking);
            d.progress = Some(progress);
        }
    }
    Ok(d)
}

/// The user's open deals by stage of the first pipeline, whenever they were created.
async fn open_by_stage(
    pool: &PgPool,
    c: &Ctx<'_>,
) -> Result<crate::reports::model::Report, AppError> {
    let mut r = super::funnel(
        pool,
        &Ctx {
            from: DateTime::<Utc>::UNIX_EPOCH,
            to: c.now + chrono::Duration::days(1),
            ..c.clone()
        },
    )
    .await?;
    r.columns = vec![r.columns[3], r.columns[4]];
    for l in &mut r.rows {
        l.cells = vec![l.cells[3].clone(), l.cells[4].clone()];
    }
    r.chart = ChartKind::Bars;
    r.plotted = vec![1];
    Ok(r)
}

/// Won this month against the month's target (the report's currency).
async fn progress(pool: &PgPool, c: &Ctx<'_>, whose: Whose) -> Result<Progress, AppError> {
    let year = c.today.year();
    let targets = target_months(pool, &whose, year, &c.f.currency).await?;
    let mut qb =
        sqlx::QueryBuilder::new("SELECT coalesce(sum(d.value_minor), 0)::bigint FROM deals d");
    c.push_deals(&mut qb);
    qb.push(" AND d.status = 'won'");
    c.push_period(&mut qb, "d.closed_at");
    let won: i64 = qb
        .build_query_scalar()
        .persistent(false)
        .fetch_one(pool)
        .await?;
    Ok(Progress {
        won,
        target: targets[c.today.month0() as usize],
        currency: c.f.currency.clone(),
    })
}

async fn tasks_today(pool: &PgPool, user: &CurrentUser, today: NaiveDate) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar(
        "SELECT count(*) FROM tasks WHERE assignee_id = $1 AND done_at IS NULL AND deleted_at IS NULL AND due_on <= $2",
    )
    .bind(user.id.0)
    .bind(today)
    .fetch_one(pool)
    .await?)
}

/// The user's open deals past their stage's rotting days: how many, and the five longest still.
async fn stale(
    pool: &PgPool,
    user: &CurrentUser,
    now: DateTime<Utc>,
) -> Result<(i64, Vec<StaleDeal>), AppError> {
    let rows: Vec<(uuid::Uuid, String, i64, i64)> = sqlx::query_as(
        "SELECT d.id, d.title, floor(extract(epoch FROM $2 - d.stage_entered_at) / 86400)::bigint, count(*) OVER ()
           FROM deals d JOIN stages s ON s.id = d.stage_id
          WHERE d.owner_id = $1 AND d.deleted_at IS NULL AND d.status = 'open' AND s.rotting_days IS NOT NULL
            AND d.stage_entered_at < $2 - make_interval(days => s.rotting_days)
          ORDER BY d.stage_entered_at LIMIT 5",
    )
    .bind(user.id.0)
    .bind(now)
    .fetch_all(pool)
    .await?;
    let n = rows.first().map(|r| r.3).unwrap_or(0);
    Ok((
        n,
        rows.into_iter()
            .map(|(id, title, days, _)| StaleDeal { id, title, days })
            .collect(),
    ))
}

/// The agent's open tickets: breached, and by age.
async fn backlog(
    pool: &PgPool,
    user: &CurrentUser,
    now: DateTime<Utc>,
) -> Result<Backlog, AppError> {
    let (breached, a, b, c, e): (i64, i64, i64, i64, i64) = sqlx::query_as(
        "SELECT count(*) FILTER (WHERE coalesce(due_at, 'infinity'::timestamptz) <= $2),
                count(*) FILTER (WHERE created_at > $2 - interval '1 day'),
                count(*) FILTER (WHERE created_at <= $2 - interval '1 day' AND created_at > $2 - interval '3 days'),
                count(*) FILTER (WHERE created_at <= $2 - interval '3 days' AND created_at > $2 - interval '7 days'),
                count(*) FILTER (WHERE created_at <= $2 - interval '7 days')
           FROM tickets WHERE assignee_id = $1 AND deleted_at IS NULL AND status NOT IN ('resolved', 'closed')",
    )
    .bind(user.id.0)
    .bind(now)
    .fetch_one(pool)
    .await?;
    Ok(Backlog {
        breached,
        ages: [a, b, c, e],
    })
}
