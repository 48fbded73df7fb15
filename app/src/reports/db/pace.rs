//! How fast deals move: the sales cycle (days per stage, days to won) and pipeline velocity.
use sqlx::{PgPool, QueryBuilder};
use uuid::Uuid;

use super::Ctx;
use super::deals::{group_label, line, report, stage_link, stages};
use crate::error::AppError;
use crate::reports::figures::{mean, share, tenths_of_days, velocity as per_day};
use crate::reports::model::{By, Cell, ChartKind, Head, Label, Line, Report, ReportKind};

/// The sales cycle. By stage: how long deals stayed in each stage of the pipeline, over the stays
/// that ended in the period (from the stage history). By owner: the average days from creation
/// to won of the deals won in the period. The total is the average days to won of them all.
pub async fn cycle(pool: &PgPool, c: &Ctx<'_>) -> Result<Report, AppError> {
    let mut qb = QueryBuilder::new(
        "SELECT (SELECT u.display_name || chr(9) || u.id FROM users u WHERE u.id = d.owner_id), count(*),
                coalesce(sum(floor(extract(epoch FROM d.closed_at - d.created_at))), 0)::bigint
           FROM deals d",
    );
    c.push_deals(&mut qb);
    qb.push(" AND d.status = 'won'");
    c.push_period(&mut qb, "d.closed_at");
    qb.push(" GROUP BY 1 ORDER BY 1 LIMIT 1000");
    let owners: Vec<(Option<String>, i64, i64)> = qb
        .build_query_as()
        .persistent(false)
        .fetch_all(pool)
        .await?;
    let (won, secs) = owners.iter().fold((0, 0), |a, o| (a.0 + o.1, a.1 + o.2));
    let total = line(
        Label::Total,
        vec![Cell::Count(won), Cell::Days(tenths_of_days(secs, won))],
    );
    let mut r = if c.f.by == Some(By::Owner) {
        let rows = owners
            .into_iter()
            .map(|(g, n, s)| {
                let (label, link) = group_label(By::Owner, g);
                Line {
                    label,
                    cells: vec![Cell::Count(n), Cell::Days(tenths_of_days(s, n))],
                    link,
                }
            })
            .collect();
        report(
            c,
            ReportKind::Cycle,
            Head::Rep,
            vec![Head::Won, Head::CycleDays],
            rows,
            ChartKind::Bars,
            vec![1],
        )
    } else {
        let pipeline = c.pipeline(pool).await?;
        let stages = match pipeline {
            Some(p) => stages(pool, p).await?,
            None => vec![],
        };
        // Each move ends a stay in the stage it leaves (from the move before, or the deal's
        // creation, as the move records it): the stays that ended in the period while open.
        let mut qb = QueryBuilder::new(
            "SELECT h.from_stage, count(*), coalesce(sum(floor(extract(epoch FROM h.moved_at - h.stay_started_at))), 0)::bigint
               FROM deal_stage_history h JOIN deals d ON d.id = h.deal_id",
        );
        c.push_deals(&mut qb);
        qb.push(" AND d.pipeline_id = ").push_bind(pipeline);
        qb.push(" AND h.stay_open AND h.from_stage IS NOT NULL");
        c.push_period(&mut qb, "h.moved_at");
        qb.push(" GROUP BY 1");
        let stays: Vec<(Uuid, i64, i64)> = qb
            .build_query_as()
            .persistent(false)
            .fetch_all(pool)
            .await?;
        let rows = stages
            .iter()
            .map(|(id, name, _)| {
                let (n, s) = stays
                    .iter()
                    .find(|x| x.0 == *id)
                    .map(|x| (x.1, x.2))
                    .unwrap_or((0, 0));
                Line {
                    label: Label::Text(name.clone()),
                    cells: vec![Cell::Count(n), Cell::Days(tenths_of_days(s, n))],
                    link: pipeline.map(|p| stage_link(c, p, *id)),
                }
            })
            .collect();
        report(
            c,
            ReportKind::Cycle,
            Head::Stage,
            vec![Head::Stays, Head::AvgDays],
            rows,
            ChartKind::Bars,
            vec![1],
        )
    };
    r.total = Some(total);
    Ok(r)
}

/// Pipeline velocity by owner: open deals now × win rate of the deals created in the period ×
/// the average deal won in the period ÷ its average days to won: what the pipeline brings a day.
pub async fn velocity(pool: &PgPool, c: &Ctx<'_>) -> Result<Report, AppError> {
    // Three index-friendly parts by owner: the open deals, the period's new deals, its won deals.
    let mut qb = QueryBuilder::new(
        "SELECT (SELECT u.display_name || chr(9) || u.id FROM users u WHERE u.id = x.owner_id),
                sum(x.open)::bigint, sum(x.created)::bigint, sum(x.created_won)::bigint, sum(x.won)::bigint,
                sum(x.won_sum)::bigint, sum(x.secs)::bigint
           FROM (SELECT d.owner_id, count(*) AS open, 0 AS created, 0 AS created_won, 0 AS won, 0 AS won_sum, 0 AS secs FROM deals d",
    );
    c.push_deals(&mut qb);
    qb.push(" AND d.status = 'open' GROUP BY 1 UNION ALL SELECT d.owner_id, 0, count(*), count(*) FILTER (WHERE d.status = 'won'), 0, 0, 0 FROM deals d");
    c.push_deals(&mut qb);
    c.push_period(&mut qb, "d.created_at");
    qb.push(
        " GROUP BY 1 UNION ALL SELECT d.owner_id, 0, 0, 0, count(*), sum(d.value_minor), sum(floor(extract(epoch FROM d.closed_at - d.created_at))) FROM deals d",
    );
    c.push_deals(&mut qb);
    qb.push(" AND d.status = 'won'");
    c.push_period(&mut qb, "d.closed_at");
    qb.push(" GROUP BY 1) x GROUP BY x.owner_id ORDER BY 1 LIMIT 1000");
    let got: Vec<(Option<String>, i64, i64, i64, i64, i64, i64)> = qb
        .build_query_as()
        .persistent(false)
        .fetch_all(pool)
        .await?;
    let mut t = [0i64; 6];
    let mut rows: Vec<Line> = got
        .into_iter()
        .map(|(g, open, created, won_c, won, won_sum, secs)| {
            for (a, b) in t.iter_mut().zip([open, created, won_c, won, won_sum, secs]) {
                *a += b;
            }
            let (label, link) = group_label(By::Owner, g);
            Line {
                label,
                cells: velocity_cells(open, created, won_c, won, won_sum, secs),
                link,
            }
        })
        .collect();
    rows.sort_by_key(|l| std::cmp::Reverse(l.cells[4].value()));
    rows.truncate(100);
    let mut r = report(
        c,
        ReportKind::Velocity,
        Head::Rep,
        vec![
            Head::OpenDeals,
            Head::WinRate,
            Head::AvgSize,
            Head::CycleDays,
            Head::Velocity,
        ],
        rows,
        ChartKind::Bars,
        vec![4],
    );
    r.total = Some(line(
        Label::Total,
        velocity_cells(t[0], t[1], t[2], t[3], t[4], t[5]),
    ));
    Ok(r)
}

/// Open deals, the cohort's created and won, and the period's won deals, their sum and seconds.
pub(super) fn velocity_cells(
    open: i64,
    created: i64,
    won_c: i64,
    won: i64,
    won_sum: i64,
    secs: i64,
) -> Vec<Cell> {
    let rate = share(won_c, created);
    let size = mean(won_sum, won);
    let days = tenths_of_days(secs, won);
    let v = match (rate, size, days) {
        (Some(r), Some(s), Some(d)) => per_day(open, r, s, d),
        _ => None,
    };
    vec![
        Cell::Count(open),
        Cell::Percent(rate),
        Cell::Money(size.unwrap_or(0)),
        Cell::Days(days),
        Cell::Money(v.unwrap_or(0)),
    ]
}
