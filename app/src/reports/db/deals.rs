//! Reports on deals: the funnel, the forecast and win rates (lost reasons and revenue are in
//! `closed`, the cycle and velocity in `pace`). Amounts are of the report's currency alone.
use std::collections::BTreeMap;

use chrono::NaiveDate;
use sqlx::{PgPool, QueryBuilder};
use uuid::Uuid;

use super::{Ctx, fill_months};
use crate::error::AppError;
use crate::reports::figures::{mean, share, weighted};
use crate::reports::model::{By, Cell, ChartKind, Head, Label, Line, Report, ReportKind};

pub(super) fn report(
    c: &Ctx<'_>,
    kind: ReportKind,
    rows_are: Head,
    columns: Vec<Head>,
    rows: Vec<Line>,
    chart: ChartKind,
    plotted: Vec<usize>,
) -> Report {
    Report {
        kind,
        span: c.f.span,
        currency: c.f.currency.clone(),
        rows_are,
        columns,
        rows,
        total: None,
        chart,
        plotted,
    }
}

pub(super) fn line(label: Label, cells: Vec<Cell>) -> Line {
    Line {
        label,
        cells,
        link: None,
    }
}

/// The table of a stage's open deals, with the report's owner.
pub(super) fn stage_link(c: &Ctx<'_>, pipeline: Uuid, stage: Uuid) -> String {
    let (p, s) = (pipeline.to_string(), stage.to_string());
    let owner = c.f.owner.map(|o| o.to_string()).unwrap_or_default();
    crate::ui::url::with_query(
        "/pipeline",
        &[
            ("pipeline", &p),
            ("owner", &owner),
            ("view", "table"),
            ("stage", &s),
        ],
    )
}

/// The live stages of a pipeline in order: id, name, position.
pub(super) async fn stages(
    pool: &PgPool,
    pipeline: Uuid,
) -> Result<Vec<(Uuid, String, i32)>, AppError> {
    Ok(sqlx::query_as(
        "SELECT id, name, position FROM stages WHERE pipeline_id = $1 AND archived_at IS NULL ORDER BY position",
    )
    .bind(pipeline)
    .fetch_all(pool)
    .await?)
}

/// The deals created in the period, stage by stage: how many reached the stage (won deals passed
/// every stage; a deal reached the furthest live stage it ever entered and every one before it),
/// the conversion from the stage before, how many dropped out there, and the open deals and their
/// amount in the stage now.
pub async fn funnel(pool: &PgPool, c: &Ctx<'_>) -> Result<Report, AppError> {
    let columns = vec![
        Head::Reached,
        Head::Conversion,
        Head::Dropped,
        Head::OpenDeals,
        Head::OpenAmount,
    ];
    let Some(pipeline) = c.pipeline(pool).await? else {
        return Ok(report(
            c,
            ReportKind::Funnel,
            Head::Stage,
            columns,
            vec![],
            ChartKind::Funnel,
            vec![0],
        ));
    };
    let stages = stages(pool, pipeline).await?;
    // The deals of the period grouped by status, stage and the stages they ever entered (kept on
    // the deal by each move): a few dozen groups, whose furthest live stage is found here.
    let mut qb = QueryBuilder::new(
        "SELECT d.status, d.stage_id, d.reached_stages, count(*), coalesce(sum(d.value_minor), 0)::bigint FROM deals d",
    );
    c.push_deals(&mut qb);
    qb.push(" AND d.pipeline_id = ").push_bind(pipeline);
    c.push_period(&mut qb, "d.created_at");
    qb.push(" GROUP BY 1, 2, 3");
    let got: Vec<(String, Uuid, Vec<Uuid>, i64, i64)> = qb
        .build_query_as()
        .persistent(false)
        .fetch_all(pool)
        .await?;
    let position = |id: &Uuid| stages.iter().find(|s| s.0 == *id).map(|s| s.2);
    let groups: Vec<(String, Uuid, Option<i32>, i64, i64)> = got
        .into_iter()
        .map(|(status, stage, reached, n, amount)| {
            let far = reached
                .iter()
                .chain(std::iter::once(&stage))
                .filter_map(position)
                .max();
            (status, stage, far, n, amount)
        })
        .collect();
    let rows = funnel_rows(&stages, &groups, |s| stage_link(c, pipeline, s));
    Ok(report(
        c,
        ReportKind::Funnel,
        Head::Stage,
        columns,
        rows,
        ChartKind::Funnel,
        vec![0],
    ))
}

/// The funnel's rows from its groups (status, current stage, furthest position, deals, amount).
pub(super) fn funnel_rows(
    stages: &[(Uuid, String, i32)],
    groups: &[(String, Uuid, Option<i32>, i64, i64)],
    link: impl Fn(Uuid) -> String,
) -> Vec<Line> {
    let mut before: Option<i64> = None;
    stages
        .iter()
        .enumerate()
        .map(|(i, (id, name, pos))| {
            let reached: i64 = groups
                .iter()
                .filter(|(st, _, far, _, _)| st == "won" || far.is_some_and(|f| f >= *pos))
                .map(|g| g.3)
                .sum();
            let next = stages.get(i + 1).map(|n| n.2);
            let went_on: i64 = groups
                .iter()
                .filter(|(st, _, far, _, _)| {
                    st == "won" || next.is_some_and(|n| far.is_some_and(|f| f >= n))
                })
                .map(|g| g.3)
                .sum();
            let open = groups.iter().filter(|g| g.0 == "open" && g.1 == *id);
            let conversion = match before {
                None => share(reached, reached),
                Some(b) => share(reached, b),
            };
            before = Some(reached);
            Line {
                label: Label::Text(name.clone()),
                cells: vec![
                    Cell::Count(reached),
                    Cell::Percent(conversion),
                    Cell::Count(if next.is_some() { reached - went_on } else { 0 }),
                    Cell::Count(open.clone().map(|g| g.3).sum()),
                    Cell::Money(open.map(|g| g.4).sum()),
                ],
                link: Some(link(*id)),
            }
        })
        .collect()
}

/// By month of expected close: won deals at their whole value in the month they were won, open
/// deals at their value × their probability (the deal's, else its stage's) in the month they are
/// expected to close; an open deal whose expected date has passed counts in the current month
/// (one without a date is in no month).
pub async fn forecast(pool: &PgPool, c: &Ctx<'_>) -> Result<Report, AppError> {
    let mut qb = QueryBuilder::new("SELECT ");
    c.push_month(&mut qb, "d.closed_at");
    qb.push(", coalesce(sum(d.value_minor), 0)::bigint, '0', 0::bigint FROM deals d");
    c.push_deals(&mut qb);
    qb.push(" AND d.status = 'won'");
    c.push_period(&mut qb, "d.closed_at");
    qb.push(" GROUP BY 1 UNION ALL SELECT date_trunc('month', greatest(d.expected_close_date, ")
        .push_bind(c.today)
        .push("))::date, 0::bigint, coalesce(sum(d.value_minor::numeric * coalesce(d.probability, s.win_probability)), 0)::text, coalesce(sum(d.value_minor), 0)::bigint
           FROM deals d JOIN stages s ON s.id = d.stage_id");
    c.push_deals(&mut qb);
    qb.push(" AND d.status = 'open' AND d.expected_close_date IS NOT NULL AND greatest(d.expected_close_date, ")
        .push_bind(c.today)
        .push(") >= ")
        .push_bind(c.f.span.from)
        .push(" AND greatest(d.expected_close_date, ")
        .push_bind(c.today)
        .push(") < ")
        .push_bind(c.f.span.to)
        .push(" GROUP BY 1");
    let got: Vec<(NaiveDate, i64, String, i64)> = qb
        .build_query_as()
        .persistent(false)
        .fetch_all(pool)
        .await?;
    let mut by: BTreeMap<NaiveDate, (i64, i128, i64)> = BTreeMap::new();
    for (m, won, w, open) in got {
        let e = by.entry(m).or_default();
        e.0 += won;
        e.1 += w.parse::<i128>().unwrap_or(0);
        e.2 += open;
    }
    let rows =
        c.f.span
            .months()
            .into_iter()
            .map(|m| {
                let (won, w, open) = by.get(&m).copied().unwrap_or_default();
                let w = weighted(w);
                line(
                    Label::Month(m),
                    vec![
                        Cell::Money(won),
                        Cell::Money(open),
                        Cell::Money(w),
                        Cell::Money(won + w),
                    ],
                )
            })
            .collect();
    let columns = vec![
        Head::WonAmount,
        Head::OpenAmount,
        Head::Weighted,
        Head::Forecast,
    ];
    Ok(report(
        c,
        ReportKind::Forecast,
        Head::Month,
        columns,
        rows,
        ChartKind::Stacked,
        vec![0, 2],
    ))
}

/// The deals created in the period, by owner, customer source or month of creation: how many,
/// how many of them were won and lost, the win rate (won × 100 ÷ created, as WukongCRM counts
/// it) and the average won deal.
pub async fn win_rate(pool: &PgPool, c: &Ctx<'_>) -> Result<Report, AppError> {
    let by = c.f.by.unwrap_or(By::Owner);
    let mut qb = QueryBuilder::new("SELECT ");
    match by {
        By::Source => {
            qb.push("(SELECT co.source FROM companies co WHERE co.id = d.company_id)");
        }
        By::Month => {
            qb.push("to_char(");
            c.push_month(&mut qb, "d.created_at");
            qb.push(", 'YYYY-MM-DD')");
        }
        _ => {
            qb.push(
                "(SELECT u.display_name || chr(9) || u.id FROM users u WHERE u.id = d.owner_id)",
            );
        }
    }
    qb.push(
        " AS grp, count(*), count(*) FILTER (WHERE d.status = 'won'), count(*) FILTER (WHERE d.status = 'lost'),
          coalesce(sum(d.value_minor) FILTER (WHERE d.status = 'won'), 0)::bigint FROM deals d",
    );
    c.push_deals(&mut qb);
    c.push_period(&mut qb, "d.created_at");
    qb.push(" GROUP BY 1 ORDER BY 1 LIMIT 1000");
    let got: Vec<(Option<String>, i64, i64, i64, i64)> = qb
        .build_query_as()
        .persistent(false)
        .fetch_all(pool)
        .await?;
    let mut sum = (0, 0, 0, 0);
    let mut rows: Vec<Line> = got
        .into_iter()
        .map(|(g, n, won, lost, amount)| {
            sum = (sum.0 + n, sum.1 + won, sum.2 + lost, sum.3 + amount);
            let (label, link) = group_label(by, g);
            Line {
                label,
                cells: win_cells(n, won, lost, amount),
                link,
            }
        })
        .collect();
    if by == By::Month {
        rows = fill_months(c, rows, |_| win_cells(0, 0, 0, 0));
    } else {
        rows.sort_by_key(|l| std::cmp::Reverse(l.cells[1].value()));
        rows.truncate(100);
    }
    let mut r = report(
        c,
        ReportKind::WinRate,
        match by {
            By::Source => Head::Source,
            By::Month => Head::Month,
            _ => Head::Rep,
        },
        vec![
            Head::Created,
            Head::Won,
            Head::Lost,
            Head::WinRate,
            Head::AvgSize,
        ],
        rows,
        ChartKind::Bars,
        vec![3],
    );
    r.total = Some(line(Label::Total, win_cells(sum.0, sum.1, sum.2, sum.3)));
    Ok(r)
}

fn win_cells(n: i64, won: i64, lost: i64, amount: i64) -> Vec<Cell> {
    vec![
        Cell::Count(n),
        Cell::Count(won),
        Cell::Count(lost),
        Cell::Percent(share(won, n)),
        Cell::Money(mean(amount, won).unwrap_or(0)),
    ]
}

/// A group's label: a month, a source (or none), or an owner ("name\tid", or none).
pub(super) fn group_label(by: By, g: Option<String>) -> (Label, Option<String>) {
    match (by, g) {
        (_, None) => (Label::Unset, None),
        (By::Month, Some(m)) => (
            NaiveDate::parse_from_str(&m, "%Y-%m-%d")
                .map(Label::Month)
                .unwrap_or(Label::Text(m)),
            None,
        ),
        (By::Owner, Some(o)) => match o.split_once('\t') {
            Some((name, id)) => (
                Label::Text(name.to_string()),
                Some(crate::ui::url::with_query("/pipeline", &[("owner", id)])),
            ),
            None => (Label::Text(o), None),
        },
        (_, Some(s)) => (Label::Text(s), None),
    }
}
