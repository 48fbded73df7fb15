//! Reports on closed deals: lost reasons, and won revenue by month. Amounts are of the report's
//! currency alone.
use std::collections::BTreeMap;

use chrono::{Months, NaiveDate};
use sqlx::{PgPool, QueryBuilder};

use super::Ctx;
use super::deals::{line, report};
use crate::error::AppError;
use crate::reports::figures::{growth, share};
use crate::reports::model::{Cell, ChartKind, Head, Label, Line, Report, ReportKind};

/// The deals lost in the period by reason (as typed, grouped regardless of case and spaces), with
/// their amount; a hundred reasons at most, the rest summed as one row.
pub async fn lost_reasons(pool: &PgPool, c: &Ctx<'_>) -> Result<Report, AppError> {
    let mut qb = QueryBuilder::new(
        "SELECT min(btrim(d.lost_reason)), count(*), coalesce(sum(d.value_minor), 0)::bigint FROM deals d",
    );
    c.push_deals(&mut qb);
    qb.push(" AND d.status = 'lost'");
    c.push_period(&mut qb, "d.closed_at");
    qb.push(" GROUP BY lower(nullif(btrim(d.lost_reason), '')) ORDER BY 2 DESC, 1 LIMIT 1000");
    let got: Vec<(Option<String>, i64, i64)> = qb
        .build_query_as()
        .persistent(false)
        .fetch_all(pool)
        .await?;
    let (mut n, mut amount) = (0, 0);
    let mut rows: Vec<Line> = Vec::new();
    let mut rest = (0, 0);
    for (i, (reason, k, a)) in got.into_iter().enumerate() {
        n += k;
        amount += a;
        if i < 99 {
            let label = match reason.filter(|r| !r.is_empty()) {
                Some(r) => Label::Text(r),
                None => Label::Unset,
            };
            rows.push(line(
                label,
                vec![Cell::Count(k), Cell::Percent(None), Cell::Money(a)],
            ));
        } else {
            rest = (rest.0 + k, rest.1 + a);
        }
    }
    if rest.0 > 0 {
        rows.push(line(
            Label::Other,
            vec![
                Cell::Count(rest.0),
                Cell::Percent(None),
                Cell::Money(rest.1),
            ],
        ));
    }
    for l in &mut rows {
        l.cells[1] = Cell::Percent(share(l.cells[0].value(), n));
    }
    let mut r = report(
        c,
        ReportKind::LostReasons,
        Head::Reason,
        vec![Head::Lost, Head::Share, Head::Amount],
        rows,
        ChartKind::Bars,
        vec![0],
    );
    r.total = Some(line(
        Label::Total,
        vec![
            Cell::Count(n),
            Cell::Percent(share(n, n)),
            Cell::Money(amount),
        ],
    ));
    Ok(r)
}

/// Won revenue by month of the period (the month in the user's zone), with the change from the
/// month before and from the same month a year before.
pub async fn revenue(pool: &PgPool, c: &Ctx<'_>) -> Result<Report, AppError> {
    let months = c.f.span.months();
    let first = months.first().copied().unwrap_or(c.f.span.from);
    let year_before = first.checked_sub_months(Months::new(12)).unwrap_or(first);
    let mut qb = QueryBuilder::new("SELECT ");
    c.push_month(&mut qb, "d.closed_at");
    qb.push(", count(*), coalesce(sum(d.value_minor), 0)::bigint FROM deals d");
    c.push_deals(&mut qb);
    qb.push(" AND d.status = 'won' AND d.closed_at >= ")
        .push_bind(super::midnight(
            c.zone.parse().unwrap_or(chrono_tz::UTC),
            year_before,
        ))
        .push(" AND d.closed_at < ")
        .push_bind(c.to)
        .push(" GROUP BY 1");
    let got: BTreeMap<NaiveDate, (i64, i64)> = qb
        .build_query_as::<(NaiveDate, i64, i64)>()
        .persistent(false)
        .fetch_all(pool)
        .await?
        .into_iter()
        .map(|(m, n, a)| (m, (n, a)))
        .collect();
    let at = |m: NaiveDate| got.get(&m).copied().unwrap_or_default();
    let (mut n, mut sum) = (0, 0);
    let rows = months
        .into_iter()
        .map(|m| {
            let (k, a) = at(m);
            n += k;
            sum += a;
            let prev = m
                .checked_sub_months(Months::new(1))
                .map(|p| at(p).1)
                .unwrap_or(0);
            let last_year = m
                .checked_sub_months(Months::new(12))
                .map(|p| at(p).1)
                .unwrap_or(0);
            line(
                Label::Month(m),
                vec![
                    Cell::Money(a),
                    Cell::Count(k),
                    Cell::Percent(growth(a, prev)),
                    Cell::Percent(growth(a, last_year)),
                ],
            )
        })
        .collect();
    let mut r = report(
        c,
        ReportKind::Revenue,
        Head::Month,
        vec![
            Head::Revenue,
            Head::Won,
            Head::MonthOnMonth,
            Head::YearOnYear,
        ],
        rows,
        ChartKind::Line,
        vec![0],
    );
    r.total = Some(line(
        Label::Total,
        vec![
            Cell::Money(sum),
            Cell::Count(n),
            Cell::Percent(None),
            Cell::Percent(None),
        ],
    ));
    Ok(r)
}
