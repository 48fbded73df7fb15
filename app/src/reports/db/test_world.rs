//! The ground-truth tests' data set: users of each scope and zone, a pipeline with a stage
//! archived, deals created and closed around month edges, some reopened, two currencies, deleted
//! rows, activities, contacts and leads.
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use sqlx::PgPool;
use uuid::Uuid;

use crate::users::db::test_user;
use crate::users::model::{CurrentUser, Role};

/// A small deterministic random source (the data set is the same on every run).
pub struct Dice(u64);

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

pub fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
}

pub const NOW: (i32, u32, u32) = (2026, 11, 30);

pub fn now() -> DateTime<Utc> {
    at(NOW.0, NOW.1, NOW.2, 12, 0)
}

pub struct World {
    pub west: CurrentUser,
    pub east: CurrentUser,
    pub boss: CurrentUser,
    pub viewer: CurrentUser,
    pub pipeline: Uuid,
}

pub async fn world(pool: &PgPool) -> World {
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
