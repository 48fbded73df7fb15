//! `keel seed-bulk`: a large synthetic data set loaded through COPY, for benchmarks at scale.
//! Rows are generated in Rust and streamed to Postgres in chunks, so memory stays flat.
use std::fmt::Write as _;
use std::time::Instant;

use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::seed::{
    CN_CITIES, CN_COMPANY_KINDS, CN_COMPANY_STEMS, CN_GIVEN, CN_PINYIN_SURNAMES, CN_SURNAMES, Dice,
    EN_COMPANY_KINDS, EN_COMPANY_STEMS, EN_FIRST, EN_LAST, INDUSTRIES, SOURCES, TITLES,
};
use crate::startup::BoxError;

mod deals;

/// How much to generate.
#[derive(Clone, Copy, Debug)]
pub struct Sizes {
    pub contacts: usize,
    pub companies: usize,
    pub leads: usize,
    pub timeline: usize,
    pub tickets: usize,
    /// Messages on the tickets (replies, notes, the customers' words).
    pub replies: usize,
    /// Deals over three years with their stage history, for the reports (generated once: a
    /// marker in `app_meta` counts them).
    pub deals: usize,
}

const CHUNK: usize = 1 << 20;

/// Streams the rows `row` writes (one per call, tab-separated COPY text) into `statement`.
async fn copy(
    pool: &PgPool,
    statement: &str,
    rows: usize,
    row: impl FnMut(usize, &mut String),
) -> Result<(), BoxError> {
    let mut conn = pool.acquire().await?;
    // One COPY of a million rows is one statement: the request time budget does not apply.
    sqlx::query("SET statement_timeout = 0")
        .execute(&mut *conn)
        .await?;
    copy_on(&mut conn, statement, rows, row).await
}

/// `copy` on a connection of the caller's (a transaction's, for COPYs that stand or fall together).
/// `row(i, ..)` is called for i in 0..rows and may write any number of lines.
async fn copy_on(
    conn: &mut PgConnection,
    statement: &str,
    rows: usize,
    mut row: impl FnMut(usize, &mut String),
) -> Result<(), BoxError> {
    let mut copy = conn.copy_in_raw(statement).await?;
    let mut buf = String::with_capacity(CHUNK + 4096);
    for i in 0..rows {
        row(i, &mut buf);
        if buf.len() >= CHUNK {
            copy.send(buf.as_bytes()).await?;
            buf.clear();
        }
    }
    if !buf.is_empty() {
        copy.send(buf.as_bytes()).await?;
    }
    copy.finish().await?;
    Ok(())
}

fn person(dice: &mut Dice, i: usize) -> (String, String, String) {
    if i % 2 == 0 {
        let s = dice.below(CN_SURNAMES.len());
        let given: String = (0..1 + dice.below(2))
            .map(|_| *dice.pick(&CN_GIVEN))
            .collect();
        let phone = format!(
            "+86 13{} {:04} {:04}",
            dice.below(10),
            dice.below(10000),
            dice.below(10000)
        );
        (
            format!("{}{given}", CN_SURNAMES[s]),
            format!("{}.{i}@example.cn", CN_PINYIN_SURNAMES[s].to_lowercase()),
            phone,
        )
    } else {
        let (first, last) = (*dice.pick(&EN_FIRST), *dice.pick(&EN_LAST));
        let phone = format!("+1 415 {:03} {:04}", dice.below(1000), dice.below(10000));
        (
            format!("{first} {last}"),
            format!(
                "{}.{}{i}@example.com",
                first.to_lowercase(),
                last.to_lowercase()
            ),
            phone,
        )
    }
}

/// Generates the data set, owned by the existing sales and manager users (run `seed-demo` first).
pub async fn seed_bulk(pool: &PgPool, sizes: Sizes) -> Result<(), BoxError> {
    let owners: Vec<Uuid> = sqlx::query_scalar(
        "SELECT id FROM users WHERE role IN ('sales', 'manager') ORDER BY email",
    )
    .fetch_all(pool)
    .await?;
    if owners.is_empty() {
        return Err("seed-bulk needs users to own the records: run `keel seed-demo` first".into());
    }
    let mut dice = Dice(0xb01d_face_5eed);
    let started = Instant::now();
    let step = |what: &str, n: usize, t: Instant| {
        println!("{what}: {n} rows in {:.1} s", t.elapsed().as_secs_f64())
    };

    let t = Instant::now();
    let companies: Vec<Uuid> = (0..sizes.companies).map(|_| Uuid::new_v4()).collect();
    copy(pool, "COPY companies (id, name, industry, size, website, phone, city, owner_id, source, created_at) FROM STDIN", sizes.companies, |i, b| {
        let (name, city) = if i % 2 == 0 {
            (format!("{}{}{}{i}", dice.pick(&CN_CITIES), dice.pick(&CN_COMPANY_STEMS), dice.pick(&CN_COMPANY_KINDS)), *dice.pick(&CN_CITIES))
        } else {
            (format!("{} {} {i}", dice.pick(&EN_COMPANY_STEMS), dice.pick(&EN_COMPANY_KINDS)), "London")
        };
        let _ = writeln!(
            b,
            "{}\t{name}\t{}\t{}\thttps://c{i}.example.com\t+86 21 {:04} {:04}\t{city}\t{}\t{}\t{}",
            companies[i],
            dice.pick(&INDUSTRIES),
            dice.pick(&app::companies::model::SIZES),
            dice.below(10000),
            dice.below(10000),
            dice.pick(&owners),
            dice.pick(&SOURCES),
            ago(&mut dice),
        );
    })
    .await?;
    step("companies", sizes.companies, t);

    let t = Instant::now();
    // The first contact is the benchmark's: it gets 500 timeline entries.
    let first_contact = Uuid::new_v4();
    copy(pool, "COPY contacts (id, company_id, full_name, title, emails, phones, tags, source, owner_id, created_at, updated_at) FROM STDIN", sizes.contacts, |i, b| {
        let (name, email, phone) = person(&mut dice, i);
        let id = if i == 0 { first_contact } else { Uuid::new_v4() };
        let company = if companies.is_empty() { "\\N".to_string() } else { dice.pick(&companies).to_string() };
        let when = ago(&mut dice);
        let _ = writeln!(
            b,
            "{id}\t{company}\t{name}\t{}\t{{{email}}}\t{{\"{phone}\"}}\t{}\t{}\t{}\t{when}\t{when}",
            dice.pick(&TITLES),
            if i % 7 == 0 { "{vip}" } else { "{}" },
            dice.pick(&SOURCES),
            dice.pick(&owners),
        );
    })
    .await?;
    step("contacts", sizes.contacts, t);

    let t = Instant::now();
    copy(pool, "COPY leads (full_name, company_name, emails, phones, status, source, owner_id, created_at) FROM STDIN", sizes.leads, |i, b| {
        let (name, email, phone) = person(&mut dice, i + 1);
        let _ = writeln!(
            b,
            "{name}\t{} {}\t{{{email}}}\t{{\"{phone}\"}}\t{}\t{}\t{}\t{}",
            dice.pick(&EN_COMPANY_STEMS),
            dice.pick(&EN_COMPANY_KINDS),
            dice.pick(&app::leads::model::STATUSES),
            dice.pick(&SOURCES),
            dice.pick(&owners),
            ago(&mut dice),
        );
    })
    .await?;
    step("leads", sizes.leads, t);

    // Timeline entries: 500 on the first contact, the rest on contacts picked by their position
    // (contact ids are not kept in memory: entries go to the first 10% of contacts by id order).
    let t = Instant::now();
    let targets: Vec<Uuid> = sqlx::query_scalar("SELECT id FROM contacts ORDER BY id LIMIT $1")
        .bind((sizes.contacts / 10).max(1) as i64)
        .fetch_all(pool)
        .await?;
    // The per-row triggers that keep the reports' rollups would run five million times: they are
    // off for the load, and the rollups are rebuilt from the table after it.
    sqlx::query("ALTER TABLE activities DISABLE TRIGGER activities_touch_company, DISABLE TRIGGER activities_count_hours")
        .execute(pool)
        .await?;
    copy(pool, "COPY activities (contact_id, kind, subject, body, call_outcome, duration_minutes, occurred_at, author_id) FROM STDIN", sizes.timeline, |i, b| {
        let contact = if i < 500 { first_contact } else { *dice.pick(&targets) };
        let (kind, outcome, minutes) = match i % 4 {
            0 => ("call", "connected", "12"),
            1 => ("note", "\\N", "\\N"),
            2 => ("meeting", "\\N", "45"),
            _ => ("email", "\\N", "\\N"),
        };
        let _ = writeln!(
            b,
            "{contact}\t{kind}\tFollow-up {i}\tDiscussed pricing and next steps ({i}). 客户希望下周收到报价。\t{outcome}\t{minutes}\t{}\t{}",
            ago(&mut dice),
            dice.pick(&owners),
        );
    })
    .await?;
    sqlx::query("ALTER TABLE activities ENABLE TRIGGER activities_touch_company, ENABLE TRIGGER activities_count_hours")
        .execute(pool)
        .await?;
    rebuild_rollups(pool).await?;
    step("timeline entries", sizes.timeline, t);

    if sizes.tickets > 0 {
        tickets(pool, &mut dice, sizes).await?;
    }
    if sizes.deals > 0 {
        deals::deals(pool, &mut dice, &owners, sizes.deals).await?;
    }

    // Fresh statistics for everything loaded above (deals and deal_stage_history included).
    let t = Instant::now();
    let mut conn = pool.acquire().await?;
    sqlx::query("SET statement_timeout = 0")
        .execute(&mut *conn)
        .await?;
    sqlx::query("ANALYZE").execute(&mut *conn).await?;
    step("analyze", 0, t);
    println!(
        "total {:.1} s; the 500-entry contact is {first_contact}",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// A creation time within the last three years, as COPY text.
fn ago(dice: &mut Dice) -> String {
    let secs = dice.below(3 * 365 * 86_400) as i64;
    (chrono::Utc::now() - chrono::Duration::seconds(secs))
        .format("%Y-%m-%d %H:%M:%S+00")
        .to_string()
}

/// Tickets of the first tenth of contacts (by id), one in five still open (due times around now,
/// a quarter of those breached), the rest resolved or closed; and their messages, 200 of them on
/// the first ticket (the benchmark's).
async fn tickets(pool: &PgPool, dice: &mut Dice, sizes: Sizes) -> Result<(), BoxError> {
    let t = Instant::now();
    let customers: Vec<(Uuid, Option<Uuid>)> =
        sqlx::query_as("SELECT id, company_id FROM contacts ORDER BY id LIMIT $1")
            .bind((sizes.contacts / 10).max(1) as i64)
            .fetch_all(pool)
            .await?;
    let agents: Vec<Uuid> = sqlx::query_scalar(
        "SELECT id FROM users WHERE role IN ('support', 'manager', 'admin') ORDER BY email",
    )
    .fetch_all(pool)
    .await?;
    let policy: Uuid = sqlx::query_scalar("SELECT id FROM sla_policies ORDER BY position LIMIT 1")
        .fetch_one(pool)
        .await?;
    let ids: Vec<Uuid> = (0..sizes.tickets).map(|_| Uuid::new_v4()).collect();
    let now = chrono::Utc::now();
    let stamp = |t: chrono::DateTime<chrono::Utc>| t.format("%Y-%m-%d %H:%M:%S+00").to_string();
    copy(pool, "COPY tickets (id, subject, description, contact_id, company_id, channel, kind, priority, status, team, \
                assignee_id, sla_policy_id, clock_since, first_response_due_at, resolution_due_at, first_responded_at, \
                resolved_at, created_at, updated_at) FROM STDIN", sizes.tickets, |i, b| {
        let (contact, company) = if customers.is_empty() { (None, None) } else { let (c, co) = *dice.pick(&customers); (Some(c), co) };
        let status = match dice.below(20) {
            0 => "new",
            1 => "open",
            2 => "waiting_customer",
            3 => "waiting_third_party",
            4..=11 => "closed",
            _ => "resolved",
        };
        let active = !app::tickets::model::is_done(status);
        let waiting = status.starts_with("waiting");
        let opened = if active { now - chrono::Duration::minutes(dice.below(5 * 24 * 60) as i64) } else { now - chrono::Duration::minutes(dice.below(3 * 365 * 24 * 60) as i64) };
        let responded = status != "new";
        let due = now + chrono::Duration::minutes(dice.below(4 * 24 * 60) as i64 - 24 * 60);
        let n = |o: Option<String>| o.unwrap_or_else(|| "\\N".into());
        let (since, first_due, resolve_due) = if active && !waiting {
            (Some(stamp(opened)), (!responded).then(|| stamp(due)), Some(stamp(due + chrono::Duration::hours(16))))
        } else {
            (None, None, None)
        };
        let assignee = if agents.is_empty() || dice.below(3) == 0 { None } else { Some(dice.pick(&agents).to_string()) };
        let _ = writeln!(
            b,
            "{}\tTicket {i}: {}\tThe customer reports a problem ({i}). 客户反馈问题。\t{}\t{}\t{}\t{}\t{}\t{status}\t{}\t{}\t{policy}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
            ids[i],
            dice.pick(&["Printer offline", "发票有误", "Cannot sign in", "发货延迟", "Export is slow"]),
            n(contact.map(|c| c.to_string())),
            n(company.map(|c| c.to_string())),
            dice.pick(&app::tickets::model::CHANNELS),
            dice.pick(&app::tickets::model::KINDS),
            dice.pick(&app::tickets::model::PRIORITIES),
            dice.pick(&["Service", "Billing", "Onsite"]),
            n(assignee),
            n(since),
            n(first_due),
            n(resolve_due),
            n(responded.then(|| stamp(opened + chrono::Duration::minutes(30)))),
            n((!active).then(|| stamp(opened + chrono::Duration::hours(5)))),
            stamp(opened),
            stamp(opened),
        );
    })
    .await?;
    println!(
        "tickets: {} rows in {:.1} s; the 200-message ticket is {}",
        sizes.tickets,
        t.elapsed().as_secs_f64(),
        ids.first().map(|u| u.to_string()).unwrap_or_default()
    );

    let t = Instant::now();
    let targets = &ids[..(ids.len() / 10).max(1).min(ids.len())];
    copy(pool, "COPY ticket_messages (ticket_id, kind, body, author_id, created_at) FROM STDIN", sizes.replies, |i, b| {
        let ticket = if i < 200 { ids[0] } else { *dice.pick(targets) };
        let (kind, author) = match i % 3 {
            0 => ("reply", agents.first().map(|a| a.to_string())),
            1 => ("customer", None),
            _ => ("note", agents.last().map(|a| a.to_string())),
        };
        let _ = writeln!(
            b,
            "{ticket}\t{kind}\tMessage {i}: we looked into it and will call back. 我们已处理，稍后回电。\t{}\t{}",
            author.unwrap_or_else(|| "\\N".into()),
            ago(dice),
        );
    })
    .await?;
    println!(
        "ticket messages: {} rows in {:.1} s",
        sizes.replies,
        t.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Recounts the reports' activity rollups from the activities: each author's activities by hour
/// and kind, and each company's last contact.
async fn rebuild_rollups(pool: &PgPool) -> Result<(), BoxError> {
    let mut tx = pool.begin().await?;
    sqlx::query("SET LOCAL statement_timeout = 0")
        .execute(&mut *tx)
        .await?;
    sqlx::query("LOCK TABLE activities IN SHARE MODE")
        .execute(&mut *tx)
        .await?;
    sqlx::query("TRUNCATE activity_hours")
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO activity_hours
         SELECT author_id, date_trunc('hour', occurred_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', kind, count(*)
           FROM activities WHERE author_id IS NOT NULL GROUP BY 1, 2, 3",
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "UPDATE companies c SET last_contacted_at = a.at
           FROM (SELECT coalesce(a.company_id, ct.company_id) AS company_id, max(a.occurred_at) AS at
                   FROM activities a LEFT JOIN contacts ct ON ct.id = a.contact_id GROUP BY 1) a
          WHERE a.company_id = c.id AND c.last_contacted_at IS DISTINCT FROM a.at",
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}
