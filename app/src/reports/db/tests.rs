//! Ground truth: a generated data set (deals reopened, a stage archived, two currencies, closes
//! a few minutes either side of a month's edge in several zones, deleted rows, empty months),
//! each report read through SQL as the server reads it and compared with the same figures counted
//! in Rust over the raw rows (`truth`), for users of each scope, zone and filter.
use std::collections::BTreeMap;

use chrono::NaiveDate;
use sqlx::PgPool;
use uuid::Uuid;

use super::test_world::{World, now, world};
use super::truth::{self, Ask};
use super::truth_people;
use crate::reports::api::run;
use crate::reports::model::{By, Cell, Filter, Label, Report, ReportKind, ReportQuery};
use crate::users::model::{CurrentUser, Role};

fn key(l: &Label) -> String {
    match l {
        Label::Text(s) => s.clone(),
        Label::Month(m) => m.to_string(),
        Label::Unset => "—".into(),
        Label::Total => "total".into(),
        Label::Other => "other".into(),
        Label::Hidden(r) => format!("#{r}"),
    }
}

fn rows(r: &Report) -> BTreeMap<String, Vec<Cell>> {
    r.rows
        .iter()
        .map(|l| (key(&l.label), l.cells.clone()))
        .collect()
}

fn months(m: BTreeMap<NaiveDate, Vec<Cell>>) -> BTreeMap<String, Vec<Cell>> {
    m.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

async fn zone(pool: &PgPool, u: &CurrentUser) -> chrono_tz::Tz {
    super::zone_of(pool, u).await.unwrap()
}

/// Runs `kind` for `user` with `q` and returns it with the filter the truth applies.
async fn ask(
    pool: &PgPool,
    user: &CurrentUser,
    kind: ReportKind,
    q: &ReportQuery,
) -> (Report, Filter, chrono_tz::Tz) {
    let tz = zone(pool, user).await;
    let today = now().with_timezone(&tz).date_naive();
    let f = Filter::parse(kind, q, today, "CNY").unwrap();
    (run(pool, user, kind, q, now()).await.unwrap(), f, tz)
}

fn queries(w: &World) -> Vec<ReportQuery> {
    let q = ReportQuery::default;
    vec![
        q(),
        ReportQuery {
            period: "last_quarter".into(),
            ..q()
        },
        ReportQuery {
            period: "this_year".into(),
            ..q()
        },
        ReportQuery {
            period: "custom".into(),
            from: "2025-01-01".into(),
            to: "2026-11-30".into(),
            ..q()
        },
        ReportQuery {
            period: "this_year".into(),
            currency: "USD".into(),
            ..q()
        },
        ReportQuery {
            period: "custom".into(),
            from: "2025-03-01".into(),
            to: "2026-11-30".into(),
            owner: w.west.id.0.to_string(),
            ..q()
        },
        ReportQuery {
            period: "custom".into(),
            from: "2025-03-01".into(),
            to: "2026-11-30".into(),
            team: "West".into(),
            ..q()
        },
        ReportQuery {
            period: "custom".into(),
            from: "2025-01-01".into(),
            to: "2026-11-30".into(),
            source: "web".into(),
            ..q()
        },
        ReportQuery {
            period: "first_half".into(),
            pipeline: w.pipeline.to_string(),
            ..q()
        },
    ]
}

#[sqlx::test(migrations = "../migrations")]
async fn every_report_matches_the_figures_counted_row_by_row(pool: PgPool) {
    let w = world(&pool).await;
    let raw = truth::load(&pool).await;
    for user in [&w.west, &w.east, &w.boss] {
        for q in queries(&w) {
            let t = |what: &str| format!("{what} for {} with {q:?}", user.email);
            let mut wq = q.clone();
            if user.role == Role::Sales && !q.owner.is_empty() && user.id != w.west.id {
                continue; // another team's rep is refused (tested apart)
            }
            if user.role == Role::Sales && !q.team.is_empty() && user.id != w.west.id {
                continue;
            }
            // Funnel.
            let (r, f, tz) = ask(&pool, user, ReportKind::Funnel, &q).await;
            let a = Ask::new(&raw, user, &f, tz, now());
            let expect: Vec<(String, Vec<Cell>)> = truth::funnel(&a, w.pipeline);
            let got: Vec<(String, Vec<Cell>)> = r
                .rows
                .iter()
                .map(|l| (key(&l.label), l.cells.clone()))
                .collect();
            assert_eq!(got, expect, "{}", t("funnel"));
            assert!(
                !got.iter().any(|(k, _)| k == "Old"),
                "an archived stage leaves the funnel"
            );
            // Forecast.
            let (r, f, tz) = ask(&pool, user, ReportKind::Forecast, &q).await;
            let a = Ask::new(&raw, user, &f, tz, now());
            assert_eq!(
                rows(&r),
                months(truth::forecast(&a, now().with_timezone(&tz).date_naive())),
                "{}",
                t("forecast")
            );
            // Win rate, each grouping.
            for by in [By::Owner, By::Source, By::Month] {
                wq.by = by.as_str().into();
                let (r, f, tz) = ask(&pool, user, ReportKind::WinRate, &wq).await;
                let a = Ask::new(&raw, user, &f, tz, now());
                let (groups, total) = truth::win_rate(&a, by);
                assert_eq!(rows(&r), groups, "{}", t(&format!("win rate by {by:?}")));
                assert_eq!(r.total.unwrap().cells, total, "{}", t("win rate total"));
            }
            // Cycle, by stage and by owner.
            wq.by = "stage".into();
            let (r, f, tz) = ask(&pool, user, ReportKind::Cycle, &wq).await;
            let a = Ask::new(&raw, user, &f, tz, now());
            let got: Vec<(String, Vec<Cell>)> = r
                .rows
                .iter()
                .map(|l| (key(&l.label), l.cells.clone()))
                .collect();
            assert_eq!(
                got,
                truth::cycle_by_stage(&a, w.pipeline),
                "{}",
                t("cycle by stage")
            );
            let (owners, total) = truth::cycle_by_owner(&a);
            assert_eq!(r.total.unwrap().cells, total, "{}", t("cycle total"));
            wq.by = "owner".into();
            let (r, _, _) = ask(&pool, user, ReportKind::Cycle, &wq).await;
            assert_eq!(rows(&r), owners, "{}", t("cycle by owner"));
            // Velocity.
            let (r, f, tz) = ask(&pool, user, ReportKind::Velocity, &q).await;
            let a = Ask::new(&raw, user, &f, tz, now());
            assert_eq!(
                r.total.unwrap().cells,
                truth::velocity_total(&a),
                "{}",
                t("velocity")
            );
            // Lost reasons: grouped regardless of case and spaces.
            let (r, f, tz) = ask(&pool, user, ReportKind::LostReasons, &q).await;
            let a = Ask::new(&raw, user, &f, tz, now());
            let got: BTreeMap<String, (i64, i64)> = r
                .rows
                .iter()
                .map(|l| {
                    (
                        if l.label == Label::Unset {
                            String::new()
                        } else {
                            key(&l.label).trim().to_lowercase()
                        },
                        (l.cells[0].value(), l.cells[2].value()),
                    )
                })
                .collect();
            assert_eq!(got, truth::lost_reasons(&a), "{}", t("lost reasons"));
            // Revenue.
            let (r, f, tz) = ask(&pool, user, ReportKind::Revenue, &q).await;
            let a = Ask::new(&raw, user, &f, tz, now());
            assert_eq!(rows(&r), months(truth::revenue(&a)), "{}", t("revenue"));
            // New customers.
            let (r, f, tz) = ask(&pool, user, ReportKind::NewCustomers, &q).await;
            let a = Ask::new(&raw, user, &f, tz, now());
            assert_eq!(
                rows(&r),
                months(truth_people::new_customers(&a)),
                "{}",
                t("new customers")
            );
            // Activities.
            let (r, f, tz) = ask(&pool, user, ReportKind::Activities, &q).await;
            let a = Ask::new(&raw, user, &f, tz, now());
            assert_eq!(
                rows(&r),
                truth_people::activities(&a, 30),
                "{}",
                t("activities")
            );
            // Rankings: the figures per rep, ranked by value won.
            let (r, f, tz) = ask(&pool, user, ReportKind::Rankings, &q).await;
            let a = Ask::new(&raw, user, &f, tz, now());
            let got: BTreeMap<String, Vec<Cell>> = r
                .rows
                .iter()
                .map(|l| (key(&l.label), l.cells[1..].to_vec()))
                .collect();
            assert_eq!(got, truth_people::rankings(&a), "{}", t("rankings"));
            let ranks: Vec<i64> = r.rows.iter().map(|l| l.cells[0].value()).collect();
            assert_eq!(ranks, (1..=r.rows.len() as i64).collect::<Vec<_>>());
            assert!(
                r.rows
                    .windows(2)
                    .all(|p| p[0].cells[1].value() >= p[1].cells[1].value())
            );
        }
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn the_users_zone_decides_the_month_a_deal_was_won_in(pool: PgPool) {
    let w = world(&pool).await;
    let p: Uuid = w.pipeline;
    let stage: Uuid = sqlx::query_scalar("SELECT id FROM stages WHERE pipeline_id = $1 AND archived_at IS NULL ORDER BY position LIMIT 1")
        .bind(p).fetch_one(&pool).await.unwrap();
    // Won at 2026-03-31 17:00 UTC: April 1st in Shanghai, still March 31st in Kolkata and New York.
    sqlx::query("INSERT INTO deals (pipeline_id, stage_id, title, value_minor, currency, owner_id, rank, status, closed_at, created_at)
                 VALUES ($1, $2, 'Edge', 77700, 'HKD', $3, '00000000V', 'won', '2026-03-31 17:00Z', '2026-03-01 12:00Z')")
        .bind(p).bind(stage).bind(w.west.id.0).execute(&pool).await.unwrap();
    let q = ReportQuery {
        period: "this_year".into(),
        currency: "HKD".into(),
        ..Default::default()
    };
    let month_of = |r: &Report| {
        r.rows
            .iter()
            .find(|l| l.cells[0].value() == 77700)
            .map(|l| l.label.clone())
    };
    let march = Label::Month(NaiveDate::from_ymd_opt(2026, 3, 1).unwrap());
    let april = Label::Month(NaiveDate::from_ymd_opt(2026, 4, 1).unwrap());
    let west = run(&pool, &w.west, ReportKind::Revenue, &q, now())
        .await
        .unwrap();
    assert_eq!(month_of(&west), Some(april));
    let boss = run(&pool, &w.boss, ReportKind::Revenue, &q, now())
        .await
        .unwrap();
    assert_eq!(month_of(&boss), Some(march));
    // Amounts are never summed across currencies: the HKD deal is in no CNY figure.
    let cny = run(
        &pool,
        &w.boss,
        ReportKind::Revenue,
        &ReportQuery {
            period: "this_year".into(),
            ..Default::default()
        },
        now(),
    )
    .await
    .unwrap();
    assert!(cny.rows.iter().all(|l| l.cells[0].value() != 77700));
    // An empty period is all zeros, not an error nor missing months.
    let empty = run(
        &pool,
        &w.boss,
        ReportKind::Revenue,
        &ReportQuery {
            period: "custom".into(),
            from: "2001-01-01".into(),
            to: "2001-12-31".into(),
            ..Default::default()
        },
        now(),
    )
    .await
    .unwrap();
    assert_eq!(empty.rows.len(), 12);
    assert!(
        empty
            .rows
            .iter()
            .all(|l| l.cells[0] == Cell::Money(0) && l.cells[2] == Cell::Percent(None))
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn filters_out_of_reach_are_field_errors_and_rankings_hide_names_from_viewers(pool: PgPool) {
    let w = world(&pool).await;
    let field = |e: crate::error::AppError| match e {
        crate::error::AppError::Validation { fields } => {
            fields.into_keys().collect::<Vec<_>>().join(",")
        }
        other => panic!("{other:?}"),
    };
    let q = |owner: String, team: &str| ReportQuery {
        owner,
        team: team.into(),
        ..Default::default()
    };
    // A sales rep may not report on another team, nor name an unknown user or pipeline.
    let e = run(
        &pool,
        &w.west,
        ReportKind::WinRate,
        &q(w.east.id.0.to_string(), ""),
        now(),
    )
    .await
    .unwrap_err();
    assert_eq!(field(e), "owner");
    let e = run(
        &pool,
        &w.west,
        ReportKind::WinRate,
        &q(String::new(), "East"),
        now(),
    )
    .await
    .unwrap_err();
    assert_eq!(field(e), "team");
    let e = run(
        &pool,
        &w.boss,
        ReportKind::WinRate,
        &q(Uuid::new_v4().to_string(), ""),
        now(),
    )
    .await
    .unwrap_err();
    assert_eq!(field(e), "owner");
    let e = run(
        &pool,
        &w.boss,
        ReportKind::Funnel,
        &ReportQuery {
            pipeline: Uuid::new_v4().to_string(),
            ..Default::default()
        },
        now(),
    )
    .await
    .unwrap_err();
    assert_eq!(field(e), "pipeline");
    // A manager may report on the East team; a viewer sees ranks without names.
    assert!(
        run(
            &pool,
            &w.boss,
            ReportKind::WinRate,
            &q(String::new(), "East"),
            now()
        )
        .await
        .is_ok()
    );
    let year = ReportQuery {
        period: "this_year".into(),
        ..Default::default()
    };
    let viewer = run(&pool, &w.viewer, ReportKind::Rankings, &year, now())
        .await
        .unwrap();
    assert!(!viewer.rows.is_empty());
    assert!(
        viewer
            .rows
            .iter()
            .all(|l| matches!(l.label, Label::Hidden(_)) && l.link.is_none())
    );
    let boss = run(&pool, &w.boss, ReportKind::Rankings, &year, now())
        .await
        .unwrap();
    assert!(
        boss.rows
            .iter()
            .any(|l| l.label == Label::Text("east@keel.test".into()))
    );
    // A sales rep's rankings list their own team only.
    let west = run(&pool, &w.west, ReportKind::Rankings, &year, now())
        .await
        .unwrap();
    assert!(
        west.rows
            .iter()
            .all(|l| l.label != Label::Text("east@keel.test".into()))
    );
}
