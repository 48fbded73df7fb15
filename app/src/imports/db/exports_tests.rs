//! Other CRMs' exports imported end to end, one product at a time, in the order a team moves in
//! (companies, contacts, deals, notes): names joined, companies linked by the old system's ids,
//! owners matched, creation dates kept, stages mapped, and a second run changing nothing.
use chrono::{DateTime, Utc};

use super::*;
use crate::imports::model::{ImportOptions, Shape, ValueChoice};
use crate::users::db::{test_rename, test_user as user};
use crate::users::model::Role;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 30).unwrap()
}

async fn one<T: Send + Unpin + for<'r> sqlx::Decode<'r, Postgres> + sqlx::Type<Postgres>>(
    pool: &PgPool,
    sql: &str,
    bind: &str,
) -> T {
    sqlx::query_scalar(sql)
        .bind(bind)
        .fetch_one(pool)
        .await
        .unwrap_or_else(|e| panic!("{sql} ({bind}): {e}"))
}

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

/// The colleagues the fixtures name: "Lin Wei" by name, mei@t.test by email, 林伟 by name.
async fn team(pool: &PgPool) -> (CurrentUser, Uuid, Uuid, Uuid) {
    let admin = user(pool, "boss@t.test", Role::Admin, None).await;
    let mut ids = Vec::new();
    for (email, name) in [
        ("lin@t.test", "Lin Wei"),
        ("mei@t.test", "Mei Chen"),
        ("lw@t.test", "林伟"),
    ] {
        let u = user(pool, email, Role::Sales, "East").await;
        test_rename(pool, &u, name).await;
        ids.push(u.id.0);
    }
    (admin, ids[0], ids[1], ids[2])
}

/// A pipeline with the stages the fixtures' deals name (or not).
async fn pipeline(pool: &PgPool) -> Vec<Uuid> {
    let p: Uuid = sqlx::query_scalar("INSERT INTO pipelines (name) VALUES ('Sales') RETURNING id")
        .fetch_one(pool)
        .await
        .unwrap();
    let mut stages = Vec::new();
    for (i, name) in ["Lead 线索", "Qualified 已确认", "Proposal", "Closing"]
        .iter()
        .enumerate()
    {
        stages.push(
            sqlx::query_scalar(
                "INSERT INTO stages (pipeline_id, name, position) VALUES ($1, $2, $3) RETURNING id",
            )
            .bind(p)
            .bind(name)
            .bind(i as i32)
            .fetch_one(pool)
            .await
            .unwrap(),
        );
    }
    stages
}

/// Uploads a fixture as `kind` and imports it under its guessed mapping.
async fn import(
    pool: &PgPool,
    who: &CurrentUser,
    kind: ImportKind,
    file: &str,
    on_duplicate: OnDuplicate,
    values: Vec<ValueChoice>,
) -> (Shape, ImportResult) {
    let path = format!("{}/src/imports/fixtures/{file}", env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(&path).unwrap();
    let id = store(pool, who, kind, file, &bytes).await.unwrap();
    let p = preview(pool, who, id).await.unwrap();
    assert!(kind.mapping_complete(&p.mapping), "{file}: {:?}", p.mapping);
    // The value step lists each column's values (once each, as met) before the import runs.
    if file == "hubspot-contacts.csv" {
        let stage = p
            .headers
            .iter()
            .position(|h| h == "Lifecycle Stage")
            .unwrap();
        let values = p.distinct[stage].as_deref().unwrap();
        assert_eq!(
            values,
            ["customer", "lead", "salesqualifiedlead", "subscriber"]
        );
    }
    let choices = RunChoices {
        on_duplicate,
        all_or_nothing: false,
        options: ImportOptions {
            values,
            pipeline: None,
        },
    };
    let r = run_with(pool, who, id, &p.mapping, &choices, today())
        .await
        .unwrap();
    (p.shape, r)
}

/// Imports an upload under `mapping`, duplicates skipped, every good row written.
async fn run_skipping(
    pool: &PgPool,
    who: &CurrentUser,
    id: Uuid,
    mapping: &[String],
) -> ImportResult {
    run(pool, who, id, mapping, OnDuplicate::Skip, false, today())
        .await
        .unwrap()
}

/// Everything a re-run must leave as it is.
async fn fingerprint(pool: &PgPool) -> Vec<i64> {
    let mut out = Vec::new();
    for sql in [
        "SELECT count(*) FROM contacts",
        "SELECT count(*) FROM companies",
        "SELECT count(*) FROM deals",
        "SELECT count(*) FROM activities",
        "SELECT count(*) FROM audit_log",
        "SELECT count(*) FROM external_ids",
        "SELECT count(*) FROM deal_contacts",
        "SELECT count(*) FROM tasks",
    ] {
        out.push(sqlx::query_scalar(sql).fetch_one(pool).await.unwrap());
    }
    out
}

#[sqlx::test(migrations = "../migrations")]
async fn a_hubspot_export_moves_in_with_its_names_owners_dates_links_and_stages(pool: PgPool) {
    let (admin, lin, mei, _) = team(&pool).await;
    let stages = pipeline(&pool).await;
    let files = [
        (ImportKind::Companies, "hubspot-companies.csv"),
        (ImportKind::Contacts, "hubspot-contacts.csv"),
        (ImportKind::Deals, "hubspot-deals.csv"),
        (ImportKind::Notes, "hubspot-notes.csv"),
    ];
    let mut results = Vec::new();
    for (kind, file) in files {
        let (shape, r) = import(&pool, &admin, kind, file, OnDuplicate::Skip, Vec::new()).await;
        assert_eq!(shape, Shape::HubSpot, "{file}");
        results.push(r);
    }
    let created: Vec<i64> = results.iter().map(|r| r.created).collect();
    assert_eq!(created, [3, 4, 3, 2]);
    assert_eq!(results[0].unknown_owners, ["Ghost Rep"]);
    // The note about a contact never imported is refused by its line, with why.
    assert_eq!(results[3].failed, 1);
    assert_eq!(
        (
            results[3].errors[0].line,
            results[3].errors[0].field.as_str()
        ),
        (4, "contact_external_id")
    );
    assert_eq!(results[3].errors[0].why, Invalid::Unlinked);

    // Names joined in their language's order; owners matched by name and by email.
    let ada: Uuid = one(
        &pool,
        "SELECT id FROM contacts WHERE full_name = $1",
        "Ada Lovelace",
    )
    .await;
    let wang: Uuid = one(
        &pool,
        "SELECT id FROM contacts WHERE full_name = $1",
        "王伟",
    )
    .await;
    let owner = |id: Uuid| {
        let pool = pool.clone();
        async move {
            sqlx::query_scalar::<_, Uuid>("SELECT owner_id FROM contacts WHERE id = $1")
                .bind(id)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    assert_eq!((owner(ada).await, owner(wang).await), (lin, mei));
    let grace_owner: Uuid = one(
        &pool,
        "SELECT owner_id FROM contacts WHERE full_name = $1",
        "Grace Hopper",
    )
    .await;
    assert_eq!(
        grace_owner, admin.id.0,
        "an unknown owner falls back to the importer"
    );
    // Linked by the old company id, though the name in the contacts file differs.
    let grace_company: String = one(
        &pool,
        "SELECT co.name FROM contacts c JOIN companies co ON co.id = c.company_id WHERE c.full_name = $1",
        "Grace Hopper",
    )
    .await;
    assert_eq!(grace_company, "Globex");
    assert_eq!(
        one::<i64>(&pool, "SELECT count(*) FROM companies WHERE name <> $1", "").await,
        3,
        "no company created from the contacts' names"
    );
    // The lifecycle stage became a tag; the creation date is the record's and its history's.
    let tags: Vec<String> = one(
        &pool,
        "SELECT tags FROM contacts WHERE full_name = $1",
        "Ada Lovelace",
    )
    .await;
    assert_eq!(tags, ["customer"]);
    let created: DateTime<Utc> = one(
        &pool,
        "SELECT created_at FROM contacts WHERE full_name = $1",
        "Ada Lovelace",
    )
    .await;
    assert_eq!(created, at("2023-05-01T10:00:00Z"));
    // Her "Next Activity Date": a task, that day, for her owner; no one else has one.
    let tasks: Vec<(String, NaiveDate, Uuid)> = sqlx::query_as(
        "SELECT c.full_name, t.due_on, t.assignee_id FROM tasks t JOIN contacts c ON c.id = t.contact_id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(
        tasks,
        [(
            "Ada Lovelace".to_string(),
            NaiveDate::from_ymd_opt(2026, 12, 10).unwrap(),
            lin
        )]
    );
    let logged: DateTime<Utc> = one(
        &pool,
        "SELECT a.at FROM audit_log a JOIN companies c ON c.id = a.entity_id WHERE a.action = 'create' AND c.name = $1",
        "华信科技",
    )
    .await;
    assert_eq!(logged, at("2022-11-02T14:05:00Z"));

    // Stages mapped: a HubSpot stage by its name's start, a closed one won, an unknown one first.
    let stage = |title: &'static str| {
        let pool = pool.clone();
        async move {
            sqlx::query_as::<_, (Uuid, String)>(
                "SELECT stage_id, status FROM deals WHERE title = $1",
            )
            .bind(title)
            .fetch_one(&pool)
            .await
            .unwrap()
        }
    };
    assert_eq!(stage("Acme robot fleet").await, (stages[1], "open".into()));
    assert_eq!(stage("华信 年度服务").await, (stages[3], "won".into()));
    assert_eq!(stage("Globex pilot").await, (stages[0], "open".into()));
    let linked: i64 = one(
        &pool,
        "SELECT count(*) FROM deal_contacts dc JOIN deals d ON d.id = dc.deal_id JOIN contacts c ON c.id = dc.contact_id
          WHERE d.title = $1 AND c.full_name = 'Ada Lovelace' AND d.company_id = c.company_id",
        "Acme robot fleet",
    )
    .await;
    assert_eq!(linked, 1, "the deal is on its contact and company");
    // The note is on the contact, company and deal it was about, by its author, at its date.
    let note: (Uuid, Uuid, DateTime<Utc>) = sqlx::query_as(
        "SELECT a.contact_id, a.author_id, a.occurred_at FROM activities a
          JOIN deals d ON d.id = a.deal_id JOIN companies c ON c.id = a.company_id
         WHERE a.body LIKE 'Called Ada%'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(note, (ada, lin, at("2025-10-02T10:00:00Z")));

    // The same export again changes nothing: skipped, or updated to what it already is.
    let before = fingerprint(&pool).await;
    for on_duplicate in [OnDuplicate::Skip, OnDuplicate::Update] {
        for (kind, file) in files {
            let (_, r) = import(&pool, &admin, kind, file, on_duplicate, Vec::new()).await;
            assert_eq!(r.created, 0, "{file} {on_duplicate:?}");
        }
        assert_eq!(fingerprint(&pool).await, before, "{on_duplicate:?}");
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn salesforce_pipedrive_twenty_zoho_and_wukong_exports_link_across_their_files(pool: PgPool) {
    let (admin, lin, mei, lw) = team(&pool).await;
    let stages = pipeline(&pool).await;
    let files = [
        (
            Shape::Salesforce,
            ImportKind::Companies,
            "salesforce-accounts.csv",
        ),
        (
            Shape::Salesforce,
            ImportKind::Contacts,
            "salesforce-contacts.csv",
        ),
        (
            Shape::Salesforce,
            ImportKind::Deals,
            "salesforce-opportunities.csv",
        ),
        (
            Shape::Pipedrive,
            ImportKind::Companies,
            "pipedrive-organizations.csv",
        ),
        (
            Shape::Pipedrive,
            ImportKind::Contacts,
            "pipedrive-people.csv",
        ),
        (Shape::Pipedrive, ImportKind::Deals, "pipedrive-deals.csv"),
        (Shape::Pipedrive, ImportKind::Notes, "pipedrive-notes.csv"),
        (Shape::Twenty, ImportKind::Companies, "twenty-companies.csv"),
        (Shape::Twenty, ImportKind::Contacts, "twenty-people.csv"),
        (Shape::Zoho, ImportKind::Companies, "zoho-accounts.csv"),
        (Shape::Zoho, ImportKind::Contacts, "zoho-contacts.csv"),
        (Shape::Zoho, ImportKind::Deals, "zoho-deals.csv"),
        (Shape::Wukong, ImportKind::Companies, "wukong-customers.csv"),
        (Shape::Wukong, ImportKind::Contacts, "wukong-contacts.csv"),
    ];
    for (want, kind, file) in files {
        let (shape, r) = import(&pool, &admin, kind, file, OnDuplicate::Skip, Vec::new()).await;
        assert_eq!(shape, want, "{file}");
        assert_eq!((r.failed, r.unlinked), (0, 0), "{file}: {r:?}");
        assert!(r.unknown_owners.is_empty(), "{file}: {r:?}");
        assert!(r.created > 0, "{file}");
    }
    // Each contact on its company, found by the old system's id (WukongCRM's by name), with its
    // name joined and its owner matched.
    for (name, company, owner) in [
        ("Peter Gibbons", "Initech", lin),
        ("Samir Nagheenanajar", "Initech", mei),
        ("Jill Valentine", "Umbrella Corp", lin),
        ("Lucius Fox", "Wayne Enterprises", admin.id.0),
        ("Pepper Potts", "Stark Industries", lin),
        ("张敏", "上海星辰贸易有限公司", lw),
    ] {
        let (co, o): (String, Uuid) = sqlx::query_as(
            "SELECT co.name, c.owner_id FROM contacts c JOIN companies co ON co.id = c.company_id WHERE c.full_name = $1",
        )
        .bind(name)
        .fetch_one(&pool)
        .await
        .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!((co.as_str(), o), (company, owner), "{name}");
    }
    assert_eq!(
        one::<i64>(&pool, "SELECT count(*) FROM companies WHERE name <> $1", "").await,
        5,
        "one company each, none duplicated by a contacts file"
    );
    // Pipedrive's "Qualified", Zoho's "Closed Won", Salesforce's "Closed Lost" and "Prospecting".
    for (title, stage, status) in [
        ("Umbrella security audit", stages[1], "open"),
        ("Stark arc reactor service", stages[3], "won"),
        ("Initech printer fleet", stages[3], "lost"),
        ("Initech TPS upgrade", stages[0], "open"),
    ] {
        let got: (Uuid, String) =
            sqlx::query_as("SELECT stage_id, status FROM deals WHERE title = $1")
                .bind(title)
                .fetch_one(&pool)
                .await
                .unwrap();
        assert_eq!(got, (stage, status.to_string()), "{title}");
    }
    let (contacts, deal): (i64, Option<Uuid>) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM deal_contacts dc JOIN deals d ON d.id = dc.deal_id WHERE d.title LIKE 'Stark%'),
                (SELECT deal_id FROM activities WHERE body LIKE 'Jill asked%')",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(contacts, 1, "Zoho's deal on its contact");
    // WukongCRM's 下次联系时间: a task on the customer, that day, for its owner.
    let task: (NaiveDate, Uuid, String) = sqlx::query_as(
        "SELECT t.due_on, t.assignee_id, t.title FROM tasks t JOIN companies c ON c.id = t.company_id
          WHERE c.name = '上海星辰贸易有限公司'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(
        task,
        (
            NaiveDate::from_ymd_opt(2026, 12, 5).unwrap(),
            lw,
            "Get in touch".to_string()
        )
    );
    assert!(deal.is_some(), "Pipedrive's note on its deal");
    let created: DateTime<Utc> = one(
        &pool,
        "SELECT created_at FROM contacts WHERE full_name = $1",
        "Peter Gibbons",
    )
    .await;
    assert_eq!(
        created,
        at("2024-02-01T09:15:00Z"),
        "Salesforce's US date and time"
    );

    let before = fingerprint(&pool).await;
    for (_, kind, file) in files {
        let (_, r) = import(&pool, &admin, kind, file, OnDuplicate::Update, Vec::new()).await;
        assert_eq!(r.created, 0, "{file}");
    }
    assert_eq!(
        fingerprint(&pool).await,
        before,
        "a second run changes nothing"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn values_mapped_by_hand_win_over_guesses_and_a_rep_gives_records_only_to_the_team(
    pool: PgPool,
) {
    let (_, lin, _, _) = team(&pool).await;
    pipeline(&pool).await;
    // A rep of another team: "Lin Wei" is no one they may give records to.
    let rep = user(&pool, "rep@t.test", Role::Sales, "West").await;
    let values = vec![
        ValueChoice {
            from: "customer".into(),
            to: "VIP".into(),
        },
        ValueChoice {
            from: "lead".into(),
            to: String::new(),
        },
    ];
    let (_, r) = import(
        &pool,
        &rep,
        ImportKind::Contacts,
        "hubspot-contacts.csv",
        OnDuplicate::Skip,
        values,
    )
    .await;
    assert_eq!(r.created, 4);
    assert_eq!(r.unknown_owners, ["Ghost Rep", "Lin Wei", "mei@t.test"]);
    let rows: Vec<(String, Vec<String>, Uuid)> =
        sqlx::query_as("SELECT full_name, tags, owner_id FROM contacts ORDER BY full_name")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert!(
        rows.iter().all(|r| r.2 == rep.id.0 && r.2 != lin),
        "{rows:?}"
    );
    let tags: Vec<(&str, Vec<&str>)> = rows
        .iter()
        .map(|(n, t, _)| (n.as_str(), t.iter().map(String::as_str).collect()))
        .collect();
    assert_eq!(
        tags,
        [
            ("Ada Lovelace", vec!["VIP"]),
            ("Alan Turing", vec!["subscriber"]),
            ("Grace Hopper", vec!["salesqualifiedlead"]),
            ("王伟", vec![])
        ]
    );
    // The companies file was never imported: the old ids link nothing, the names do.
    assert_eq!(r.unlinked, 3);
    assert_eq!(
        one::<i64>(
            &pool,
            "SELECT count(*) FROM contacts WHERE company_id IS NOT NULL AND full_name <> $1",
            ""
        )
        .await,
        3
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_workbook_imports_like_csv_with_its_dates_numbers_and_chinese_and_another_sheet_can_be_read(
    pool: PgPool,
) {
    let (admin, ..) = team(&pool).await;
    pipeline(&pool).await;
    let book = std::fs::read(format!(
        "{}/src/imports/fixtures/mixed.xlsx",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let id = store(&pool, &admin, ImportKind::Contacts, "mixed.xlsx", &book)
        .await
        .unwrap();
    let p = preview(&pool, &admin, id).await.unwrap();
    assert_eq!(
        (p.encoding.as_str(), p.rows, p.sheet.as_str()),
        ("XLSX", 2, "联系人")
    );
    assert_eq!(p.sheets, ["联系人", "Deals"]);
    assert_eq!(p.shape, Shape::Wukong);
    let r = run_skipping(&pool, &admin, id, &p.mapping).await;
    assert_eq!((r.created, r.failed), (2, 0), "{r:?}");
    let (phones, birthday, created, tags): (Vec<String>, NaiveDate, DateTime<Utc>, Vec<String>) =
        sqlx::query_as(
            "SELECT phones, birthday, created_at, tags FROM contacts WHERE full_name = '王伟'",
        )
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(
        phones,
        ["13800138000"],
        "a number cell without a decimal point"
    );
    assert_eq!(birthday, NaiveDate::from_ymd_opt(1988, 3, 14).unwrap());
    assert_eq!(created, at("2023-06-15T16:20:00Z"));
    assert_eq!(tags, ["重点客户"]);
    let kept: i64 = sqlx::query_scalar("SELECT count(*) FROM imports WHERE workbook IS NOT NULL")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(kept, 0, "the workbook goes with its import");

    // The deals sheet of the same workbook, chosen after the upload.
    let id = store(&pool, &admin, ImportKind::Deals, "mixed.xlsx", &book)
        .await
        .unwrap();
    assert_eq!(
        choose_sheet(&pool, &admin, id, "Nope")
            .await
            .unwrap_err()
            .field("sheet"),
        Some(Invalid::Choice)
    );
    choose_sheet(&pool, &admin, id, "Deals").await.unwrap();
    let p = preview(&pool, &admin, id).await.unwrap();
    assert_eq!((p.sheet.as_str(), p.rows), ("Deals", 1));
    assert_eq!(p.mapping, ["title", "value", "expected_close_date"]);
    run_skipping(&pool, &admin, id, &p.mapping).await;
    let (value, close): (i64, NaiveDate) = sqlx::query_as(
        "SELECT value_minor, expected_close_date FROM deals WHERE title = '华信 年度服务'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(
        (value, close),
        (8_800_050, NaiveDate::from_ymd_opt(2025, 12, 20).unwrap())
    );
    // A workbook too broken to read is refused as such, not as a server error.
    let mut broken = book.clone();
    broken.truncate(200);
    assert_eq!(
        store(&pool, &admin, ImportKind::Contacts, "broken.xlsx", &broken)
            .await
            .unwrap_err()
            .field("file"),
        Some(Invalid::Characters)
    );
}
