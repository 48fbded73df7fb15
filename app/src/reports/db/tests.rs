//! Ground truth: a generated data set (deals reopened, a stage archived, two currencies, closes
//! a few minutes either side of a month's edge in several zones, deleted rows, empty months),
//! each report read through SQL as the server reads it and compared with the same figures counted
//! in Rust over the raw rows (`truth`), for users of each scope, zone and filter.
use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use sqlx::PgPool;
use uuid::Uuid;

use super::truth::{self, Ask};
use crate::reports::api::run;
use crate::reports::model::{By, Cell, Filter, Label, Report, ReportKind, ReportQuery};
use crate::users::db::test_user;
use crate::users::model::{CurrentUser, Role};

/// A small deterministic random source (the data set is the same on every run).
struct Dice(u64);

impl Dice {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len() as u64) as usize]
    }
}

fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
}

const NOW: (i32, u32, u32) = (2026, 11, 30);

fn now() -> DateTime<Utc> {
    at(NOW.0, NOW.1, NOW.2, 12, 0)
}

struct World {
    west: CurrentUser,
    east: CurrentUser,
    boss: CurrentUser,
    viewer: CurrentUser,
    pipeline: Uuid,
}

async fn world(pool: &PgPool) -> World {
    let west = test_user(pool, "west@keel.test", Role::Sales, "West").await;
    let west2 = test_user(pool, "west2@keel.test", Role::Sales, "West").await;
    let east = test_user(pool, "east@keel.test", Role::Sales, "East").await;
    let boss = test_user(pool, "boss@keel.test", Role::Manager, None).await;
    let viewer = test_user(pool, "viewer@keel.test", Role::Viewer, None).await;
    for (u, tz) in [
        (&west, "Asia/Shanghai"),
        (&east, "America/New_York"),
        (&boss, "Asia/Kolkata"),
    ] {
        sqlx::query("UPDATE users SET time_zone = $2 WHERE id = $1")
            .bind(u.id.0)
            .bind(tz)
            .execute(pool)
            .await
            .unwrap();
    }
    let owners = [west.id.0, west2.id.0, east.id.0, boss.id.0];
    let pipeline: Uuid =
        sqlx::query_scalar("INSERT INTO pipelines (name) VALUES ('Sales') RETURNING id")
            .fetch_one(pool)
            .await
            .unwrap();
    let mut stages = Vec::new();
    for (i, (name, p)) in [
        ("Lead", 10),
        ("Qualified", 25),
        ("Old", 30),
        ("Proposal", 50),
        ("Negotiation", 80),
    ]
    .into_iter()
    .enumerate()
    {
        let s: Uuid = sqlx::query_scalar("INSERT INTO stages (pipeline_id, name, position, win_probability) VALUES ($1, $2, $3, $4) RETURNING id")
            .bind(pipeline).bind(name).bind(i as i32).bind(p as i16).fetch_one(pool).await.unwrap();
        stages.push(s);
    }
    let mut companies = Vec::new();
    for (i, source) in [
        Some("web"),
        Some("fair"),
        None,
        Some("web"),
        Some("referral"),
        None,
    ]
    .into_iter()
    .enumerate()
    {
        let c: Uuid = sqlx::query_scalar("INSERT INTO companies (name, owner_id, source, created_at) VALUES ($1, $2, $3, $4) RETURNING id")
            .bind(format!("Co {i}")).bind(owners[i % 4]).bind(source).bind(at(2026, 1 + (i as u32 * 2), 28, 20, 0))
            .fetch_one(pool).await.unwrap();
        companies.push(c);
    }
    let mut dice = Dice(7);
    let reasons = ["Price", "price ", "Competitor", "", "No budget"];
    // Instants around month edges in each zone: 16:00 UTC is midnight in Shanghai, 04:00/05:00 in
    // New York, 00:00/23:00 in London.
    let edges = [
        (16, 0),
        (15, 50),
        (16, 10),
        (4, 30),
        (5, 10),
        (23, 30),
        (0, 20),
    ];
    for i in 0..260u32 {
        let month = 1 + dice.below(11) as u32;
        let created = if i % 5 == 0 {
            let (h, m) = *dice.pick(&edges);
            at(2025 + (i % 2) as i32, month, 1, h, m) - Duration::days(i64::from(i % 2))
        } else {
            at(
                2025 + (i % 3 == 0) as i32,
                month,
                1 + dice.below(27) as u32,
                dice.below(24) as u32,
                dice.below(60) as u32,
            )
        };
        let created = created.min(now() - Duration::days(3));
        let far = dice.below(5) as usize;
        let status = *dice.pick(&["open", "open", "won", "lost"]);
        let currency = if dice.below(5) == 0 { "USD" } else { "CNY" };
        let value = 100_00 + dice.below(900_000) as i64;
        let mut t = created;
        let mut history = Vec::new();
        for s in 1..=far {
            t += Duration::hours(5 + dice.below(400) as i64);
            history.push((stages[s - 1], stages[s], "open", t));
        }
        let stage = stages[far];
        let closed = (status != "open").then(|| {
            t += Duration::hours(1 + dice.below(300) as i64);
            if i % 7 == 0 {
                let (h, m) = *dice.pick(&edges);
                t = at(2026, 1 + dice.below(10) as u32, 1, h, m).max(t + Duration::minutes(1));
            }
            t
        });
        // Some closed deals were reopened once before their final close.
        if let Some(c) = closed {
            if i % 6 == 0 {
                history.push((
                    stage,
                    stage,
                    if status == "won" { "lost" } else { "won" },
                    c - Duration::hours(2),
                ));
                history.push((stage, stage, "open", c - Duration::hours(1)));
            }
            history.push((stage, stage, status, c));
        }
        let expected =
            NaiveDate::from_ymd_opt(2026, 9 + dice.below(4) as u32, 1 + dice.below(28) as u32)
                .filter(|_| dice.below(6) > 0);
        let id: Uuid = sqlx::query_scalar(
            "INSERT INTO deals (pipeline_id, stage_id, title, value_minor, currency, company_id, owner_id, rank, status, closed_at,
                                expected_close_date, probability, lost_reason, created_at, deleted_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, lpad($8::text, 8, '0') || 'V', $9, $10, $11, $12, $13, $14, $15) RETURNING id",
        )
        .bind(pipeline).bind(stage).bind(format!("Deal {i}")).bind(value).bind(currency)
        .bind((i % 9 != 0).then(|| companies[i as usize % companies.len()]))
        .bind((i % 31 != 0).then(|| owners[dice.below(4) as usize]))
        .bind(i as i64).bind(status).bind(closed).bind(expected)
        .bind((i % 4 == 0).then_some(35i16))
        .bind((status == "lost").then(|| reasons[i as usize % reasons.len()]).filter(|r| !r.is_empty()))
        .bind(created)
        .bind((i % 23 == 0).then_some(now()))
        .fetch_one(pool).await.unwrap();
        for (from, to, st, when) in history {
            sqlx::query("INSERT INTO deal_stage_history (deal_id, from_stage, to_stage, status, moved_at) VALUES ($1, $2, $3, $4, $5)")
                .bind(id).bind(from).bind(to).bind(st).bind(when).execute(pool).await.unwrap();
        }
    }
    // The stage "Old" is archived: it leaves the funnel, its deals count by where they went.
    sqlx::query("UPDATE stages SET archived_at = now() WHERE id = $1")
        .bind(stages[2])
        .execute(pool)
        .await
        .unwrap();
    for i in 0..120u32 {
        let author = owners[dice.below(4) as usize];
        let kind = *dice.pick(&["note", "call", "meeting", "email"]);
        let when = at(
            2026,
            1 + dice.below(11) as u32,
            1 + dice.below(28) as u32,
            dice.below(24) as u32,
            0,
        );
        sqlx::query("INSERT INTO activities (company_id, kind, author_id, occurred_at) VALUES ($1, $2, $3, $4)")
            .bind(companies[i as usize % companies.len()]).bind(kind).bind(author).bind(when.min(now())).execute(pool).await.unwrap();
    }
    for i in 0..40u32 {
        let owner = owners[dice.below(4) as usize];
        let when = at(
            2026,
            1 + dice.below(11) as u32,
            1,
            *dice.pick(&[3u32, 16, 23]),
            30,
        );
        sqlx::query("INSERT INTO contacts (full_name, owner_id, source, created_at, deleted_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(format!("P {i}")).bind(owner).bind(*dice.pick(&["web", "fair"])).bind(when).bind((i % 13 == 0).then_some(now()))
            .execute(pool).await.unwrap();
        sqlx::query(
            "INSERT INTO leads (full_name, owner_id, source, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(format!("L {i}"))
        .bind(owner)
        .bind(*dice.pick(&["web", "fair"]))
        .bind(when + Duration::days(3))
        .execute(pool)
        .await
        .unwrap();
    }
    World {
        west,
        east,
        boss,
        viewer,
        pipeline,
    }
}

fn key(l: &Label) -> String {
    match l {
        Label::Text(s) => s.clone(),
        Label::Month(m) => m.to_string(),
        Label::Unset => "—".into(),
        Label::Total => "total".into(),
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
            let a = Ask {
                raw: &raw,
                user,
                f: &f,
                tz,
                now: now(),
            };
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
            let a = Ask {
                raw: &raw,
                user,
                f: &f,
                tz,
                now: now(),
            };
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
                let a = Ask {
                    raw: &raw,
                    user,
                    f: &f,
                    tz,
                    now: now(),
                };
                let (groups, total) = truth::win_rate(&a, by);
                assert_eq!(rows(&r), groups, "{}", t(&format!("win rate by {by:?}")));
                assert_eq!(r.total.unwrap().cells, total, "{}", t("win rate total"));
            }
            // Cycle, by stage and by owner.
            wq.by = "stage".into();
            let (r, f, tz) = ask(&pool, user, ReportKind::Cycle, &wq).await;
            let a = Ask {
                raw: &raw,
                user,
                f: &f,
                tz,
                now: now(),
            };
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
            let a = Ask {
                raw: &raw,
                user,
                f: &f,
                tz,
                now: now(),
            };
            assert_eq!(
                r.total.unwrap().cells,
                truth::velocity_total(&a),
                "{}",
                t("velocity")
            );
            // Lost reasons: grouped regardless of case and spaces.
            let (r, f, tz) = ask(&pool, user, ReportKind::LostReasons, &q).await;
            let a = Ask {
                raw: &raw,
                user,
                f: &f,
                tz,
                now: now(),
            };
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
            let a = Ask {
                raw: &raw,
                user,
                f: &f,
                tz,
                now: now(),
            };
            assert_eq!(rows(&r), months(truth::revenue(&a)), "{}", t("revenue"));
            // New customers.
            let (r, f, tz) = ask(&pool, user, ReportKind::NewCustomers, &q).await;
            let a = Ask {
                raw: &raw,
                user,
                f: &f,
                tz,
                now: now(),
            };
            assert_eq!(
                rows(&r),
                months(truth::new_customers(&a)),
                "{}",
                t("new customers")
            );
            // Activities.
            let (r, f, tz) = ask(&pool, user, ReportKind::Activities, &q).await;
            let a = Ask {
                raw: &raw,
                user,
                f: &f,
                tz,
                now: now(),
            };
            assert_eq!(rows(&r), truth::activities(&a, 30), "{}", t("activities"));
            // Rankings: the figures per rep, ranked by value won.
            let (r, f, tz) = ask(&pool, user, ReportKind::Rankings, &q).await;
            let a = Ask {
                raw: &raw,
                user,
                f: &f,
                tz,
                now: now(),
            };
            let got: BTreeMap<String, Vec<Cell>> = r
                .rows
                .iter()
                .map(|l| (key(&l.label), l.cells[1..].to_vec()))
                .collect();
            assert_eq!(got, truth::rankings(&a), "{}", t("rankings"));
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
