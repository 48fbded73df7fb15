//! Reports on people and customers: activities per rep, new customers per month, rankings, and
//! won deals against targets.
use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use sqlx::{PgPool, Postgres, QueryBuilder};

use super::Ctx;
use super::deals::{group_label, line, report};
use super::fill_months;
use crate::error::AppError;
use crate::reports::figures::share;
use crate::reports::model::{By, Cell, ChartKind, Head, Label, Line, Report, ReportKind};
use crate::users::model::{CurrentUser, DataScope, Role};

/// Colleagues `u` the user may report on (sales: themselves and their team), active, who sell.
fn push_people(qb: &mut QueryBuilder<'_, Postgres>, c: &Ctx<'_>) {
    qb.push(" WHERE u.active AND u.role IN ('admin', 'manager', 'sales')");
    if c.user.role.data_scope() == DataScope::Team {
        qb.push(" AND (u.id = ")
            .push_bind(c.user.id.0)
            .push(" OR u.team = (SELECT team FROM users WHERE id = ")
            .push_bind(c.user.id.0)
            .push("))");
    }
    c.push_owners(qb, "u.id");
}

/// Rows (`kind`, `n`) counting the activities `author` logged in the period: whole hours from the
/// hourly counts, the part of an hour at either end (a zone whose midnight is not on the hour)
/// from the activities themselves.
fn push_activity_counts(qb: &mut QueryBuilder<'_, Postgres>, c: &Ctx<'_>, author: &str) {
    use chrono::{DurationRound, TimeDelta};
    let hour = TimeDelta::hours(1);
    let start = c
        .from
        .duration_trunc(hour)
        .map(|t| if t < c.from { t + hour } else { t })
        .unwrap_or(c.from);
    let end = c.to.duration_trunc(hour).unwrap_or(c.to).max(start);
    qb.push(format!(
        "SELECT h.kind, h.n FROM activity_hours h WHERE h.author_id = {author} AND h.hour >= "
    ))
    .push_bind(start)
    .push(" AND h.hour < ")
    .push_bind(end);
    for (from, to) in [(c.from, start.min(c.to)), (end.max(c.from), c.to)] {
        if from < to {
            qb.push(format!(" UNION ALL SELECT x.kind, 1 FROM activities x WHERE x.author_id = {author} AND x.occurred_at >= "))
                .push_bind(from)
                .push(" AND x.occurred_at < ")
                .push_bind(to);
        }
    }
}

/// Whether the user's role sees colleagues' names in rankings (viewers and support see ranks).
pub fn sees_names(user: &CurrentUser) -> bool {
    matches!(user.role, Role::Admin | Role::Manager | Role::Sales)
}

/// Calls, meetings, notes and emails each rep logged in the period, their total and weekly
/// average, and how many of the rep's companies nobody has contacted in the last N days.
pub async fn activities(pool: &PgPool, c: &Ctx<'_>) -> Result<Report, AppError> {
    let mut qb = QueryBuilder::new(
        "SELECT u.display_name || chr(9) || u.id,
                coalesce(sum(a.n) FILTER (WHERE a.kind = 'call'), 0)::bigint, coalesce(sum(a.n) FILTER (WHERE a.kind = 'meeting'), 0)::bigint,
                coalesce(sum(a.n) FILTER (WHERE a.kind = 'note'), 0)::bigint, coalesce(sum(a.n) FILTER (WHERE a.kind = 'email'), 0)::bigint,
                (SELECT count(*) FROM companies co WHERE co.owner_id = u.id AND co.deleted_at IS NULL
                    AND co.merged_into IS NULL AND (co.last_contacted_at IS NULL OR co.last_contacted_at < ",
    );
    qb.push_bind(c.now - chrono::Duration::days(i64::from(c.f.quiet_days)))
        .push(")) FROM users u LEFT JOIN LATERAL (");
    push_activity_counts(&mut qb, c, "u.id");
    qb.push(") a ON true");
    push_people(&mut qb, c);
    qb.push(" GROUP BY u.id ORDER BY u.display_name LIMIT 100");
    let got: Vec<(String, i64, i64, i64, i64, i64)> = qb
        .build_query_as()
        .persistent(false)
        .fetch_all(pool)
        .await?;
    let weeks = c.f.span.weeks();
    let mut t = [0i64; 5];
    let cells = |k: [i64; 5]| {
        let total = k[0] + k[1] + k[2] + k[3];
        vec![
            Cell::Count(k[0]),
            Cell::Count(k[1]),
            Cell::Count(k[2]),
            Cell::Count(k[3]),
            Cell::Count(total),
            Cell::Days(Some((total as f64 * 10.0 / weeks).round() as i64)),
            Cell::Count(k[4]),
        ]
    };
    let rows = got
        .into_iter()
        .map(|(g, calls, meetings, notes, emails, quiet)| {
            let k = [calls, meetings, notes, emails, quiet];
            for (a, b) in t.iter_mut().zip(k) {
                *a += b;
            }
            let (label, link) = group_label(By::Owner, Some(g));
            Line {
                label,
                cells: cells(k),
                link,
            }
        })
        .collect();
    let mut r = report(
        c,
        ReportKind::Activities,
        Head::Rep,
        vec![
            Head::Calls,
            Head::Meetings,
            Head::Notes,
            Head::Emails,
            Head::Total,
            Head::PerWeek,
            Head::Quiet,
        ],
        rows,
        ChartKind::Stacked,
        vec![0, 1, 2, 3],
    );
    r.total = Some(line(Label::Total, cells(t)));
    Ok(r)
}

/// Companies, contacts and leads created in each month of the period, in the user's scope.
pub async fn new_customers(pool: &PgPool, c: &Ctx<'_>) -> Result<Report, AppError> {
    let mut qb = QueryBuilder::new("");
    for (i, table) in ["companies", "contacts", "leads"].into_iter().enumerate() {
        if i > 0 {
            qb.push(" UNION ALL ");
        }
        qb.push(format!("SELECT {i}, "));
        c.push_month(&mut qb, "x.created_at");
        qb.push(format!(
            ", count(*) FROM {table} x WHERE x.deleted_at IS NULL AND x.merged_into IS NULL"
        ));
        c.push_period(&mut qb, "x.created_at");
        c.push_owners(&mut qb, "x.owner_id");
        if let Some(s) = &c.f.source {
            qb.push(" AND x.source = ").push_bind(s.clone());
        }
        crate::records::db::push_scope(&mut qb, c.user, "x");
        qb.push(" GROUP BY 2");
    }
    let got: Vec<(i32, NaiveDate, i64)> = qb
        .build_query_as()
        .persistent(false)
        .fetch_all(pool)
        .await?;
    let mut by: BTreeMap<NaiveDate, [i64; 3]> = BTreeMap::new();
    for (i, m, n) in got {
        by.entry(m).or_default()[i as usize] += n;
    }
    let cells = |k: [i64; 3]| vec![Cell::Count(k[0]), Cell::Count(k[1]), Cell::Count(k[2])];
    let mut t = [0; 3];
    let rows: Vec<Line> = by
        .into_iter()
        .map(|(m, k)| {
            for (a, b) in t.iter_mut().zip(k) {
                *a += b;
            }
            line(Label::Month(m), cells(k))
        })
        .collect();
    let rows = fill_months(c, rows, |_| cells([0; 3]));
    let mut r = report(
        c,
        ReportKind::NewCustomers,
        Head::Month,
        vec![Head::Companies, Head::Contacts, Head::Leads],
        rows,
        ChartKind::Bars,
        vec![0, 1, 2],
    );
    r.total = Some(line(Label::Total, cells(t)));
    Ok(r)
}

/// Reps ranked by the value they won in the period, with their won deals, new customers and
/// activities; names only for the roles that may see them.
pub async fn rankings(pool: &PgPool, c: &Ctx<'_>) -> Result<Report, AppError> {
    let mut qb = QueryBuilder::new("SELECT u.display_name || chr(9) || u.id, coalesce(w.amount, 0)::bigint, coalesce(w.n, 0),
        (SELECT count(*) FROM companies x WHERE x.owner_id = u.id AND x.deleted_at IS NULL AND x.merged_into IS NULL");
    c.push_period(&mut qb, "x.created_at");
    qb.push(") + (SELECT count(*) FROM contacts x WHERE x.owner_id = u.id AND x.deleted_at IS NULL AND x.merged_into IS NULL");
    c.push_period(&mut qb, "x.created_at");
    qb.push("), (SELECT coalesce(sum(a.n), 0)::bigint FROM (");
    push_activity_counts(&mut qb, c, "u.id");
    qb.push(") a) FROM users u LEFT JOIN (SELECT d.owner_id, sum(d.value_minor) AS amount, count(*) AS n FROM deals d");
    c.push_deals(&mut qb);
    qb.push(" AND d.status = 'won'");
    c.push_period(&mut qb, "d.closed_at");
    qb.push(" GROUP BY 1) w ON w.owner_id = u.id");
    push_people(&mut qb, c);
    qb.push(" ORDER BY 2 DESC, 3 DESC, u.display_name LIMIT 100");
    let got: Vec<(String, i64, i64, i64, i64)> = qb
        .build_query_as()
        .persistent(false)
        .fetch_all(pool)
        .await?;
    let names = sees_names(c.user);
    let rows = got
        .into_iter()
        .enumerate()
        .map(|(i, (g, amount, won, customers, acts))| {
            let rank = i as i64 + 1;
            let (label, link) = if names {
                group_label(By::Owner, Some(g))
            } else {
                (Label::Hidden(rank), None)
            };
            Line {
                label,
                cells: vec![
                    Cell::Count(rank),
                    Cell::Money(amount),
                    Cell::Count(won),
                    Cell::Count(customers),
                    Cell::Count(acts),
                ],
                link,
            }
        })
        .collect();
    Ok(report(
        c,
        ReportKind::Rankings,
        Head::Rep,
        vec![
            Head::Rank,
            Head::WonAmount,
            Head::Won,
            Head::NewCustomers,
            Head::Activities,
        ],
        rows,
        ChartKind::Bars,
        vec![1],
    ))
}

/// Whose target a report or dashboard reads: a user, a team, or the whole company (the teams'
/// targets summed, else the users').
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Whose {
    User(uuid::Uuid),
    Team(String),
    Company,
}

impl Whose {
    pub fn of(c: &Ctx<'_>) -> Whose {
        match (&c.f.owner, &c.f.team) {
            (Some(o), _) => Whose::User(*o),
            (None, Some(t)) => Whose::Team(t.clone()),
            _ if c.user.role.data_scope() == DataScope::Team => Whose::User(c.user.id.0),
            _ => Whose::Company,
        }
    }
}

/// The twelve monthly targets of `whose` for a year and currency (zeros when none is set).
pub async fn target_months(
    pool: &PgPool,
    whose: &Whose,
    year: i32,
    currency: &str,
) -> Result<[i64; 12], AppError> {
    let rows: Vec<Vec<i64>> = match whose {
        Whose::User(u) => sqlx::query_scalar("SELECT months FROM sales_targets WHERE user_id = $1 AND year = $2 AND currency = $3")
            .bind(u),
        Whose::Team(t) => sqlx::query_scalar("SELECT months FROM sales_targets WHERE team = $1 AND year = $2 AND currency = $3")
            .bind(t.clone()),
        Whose::Company => sqlx::query_scalar(
            "SELECT months FROM sales_targets WHERE year = $2 AND currency = $3 AND $1::text IS NULL
               AND (team IS NOT NULL OR NOT EXISTS (SELECT 1 FROM sales_targets WHERE team IS NOT NULL AND year = $2 AND currency = $3))",
        )
        .bind(None::<String>),
    }
    .bind(year)
    .bind(currency)
    .fetch_all(pool)
    .await?;
    let mut out = [0i64; 12];
    for r in rows {
        for (o, v) in out.iter_mut().zip(r) {
            *o += v;
        }
    }
    Ok(out)
}

/// Won deal value against the target, month by month through the year the period starts in.
pub async fn targets(pool: &PgPool, c: &Ctx<'_>) -> Result<Report, AppError> {
    let year = c.f.span.from.year();
    let whose = Whose::of(c);
    let target = target_months(pool, &whose, year, &c.f.currency).await?;
    let tz: chrono_tz::Tz = c.zone.parse().unwrap_or(chrono_tz::UTC);
    let start = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(c.f.span.from);
    let end = NaiveDate::from_ymd_opt(year + 1, 1, 1).unwrap_or(c.f.span.to);
    let mut qb = QueryBuilder::new("SELECT ");
    c.push_month(&mut qb, "d.closed_at");
    qb.push(", coalesce(sum(d.value_minor), 0)::bigint FROM deals d");
    c.push_deals(&mut qb);
    if let Whose::User(u) = whose {
        qb.push(" AND d.owner_id = ").push_bind(u);
    }
    qb.push(" AND d.status = 'won' AND d.closed_at >= ")
        .push_bind(super::midnight(tz, start))
        .push(" AND d.closed_at < ")
        .push_bind(super::midnight(tz, end))
        .push(" GROUP BY 1");
    let won: BTreeMap<NaiveDate, i64> = qb
        .build_query_as::<(NaiveDate, i64)>()
        .persistent(false)
        .fetch_all(pool)
        .await?
        .into_iter()
        .collect();
    let (mut ts, mut ws) = (0, 0);
    let rows = (0..12)
        .map(|i| {
            let m = NaiveDate::from_ymd_opt(year, i + 1, 1).unwrap_or(start);
            let (t, w) = (target[i as usize], won.get(&m).copied().unwrap_or(0));
            ts += t;
            ws += w;
            line(
                Label::Month(m),
                vec![Cell::Money(t), Cell::Money(w), Cell::Percent(share(w, t))],
            )
        })
        .collect();
    let mut r = report(
        c,
        ReportKind::Targets,
        Head::Month,
        vec![Head::Target, Head::WonAmount, Head::Progress],
        rows,
        ChartKind::Bars,
        vec![0, 1],
    );
    r.total = Some(line(
        Label::Total,
        vec![
            Cell::Money(ts),
            Cell::Money(ws),
            Cell::Percent(share(ws, ts)),
        ],
    ));
    Ok(r)
}
