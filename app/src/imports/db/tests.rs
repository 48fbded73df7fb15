//! Database tests of imports: upload, preview, mapping, duplicates, batches.
use super::*;
use crate::users::db::test_user as user;
use crate::users::model::Role;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
}

async fn count(pool: &PgPool, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(pool).await.unwrap()
}

/// 1,000 rows; lines 101, 502 and 1001 (the header is line 1) are bad: no name, a bad email,
/// a birthday that is not a date.
fn thousand() -> String {
    let mut csv = String::from("Name,Email,Phone,Company,Birthday\n");
    for i in 1..=1000 {
        let (name, email, birthday) = match i {
            100 => (String::new(), format!("p{i}@t.test"), String::new()),
            501 => (
                format!("Person {i}"),
                "not-an-email".to_string(),
                String::new(),
            ),
            1000 => (
                format!("Person {i}"),
                format!("p{i}@t.test"),
                "soon".to_string(),
            ),
            _ => (
                format!("Person {i}"),
                format!("p{i}@t.test"),
                "1990-01-02".to_string(),
            ),
        };
        csv.push_str(&format!(
            "{name},{email},+86 138 {i:04} 0000,\"Firm {}, Ltd\",{birthday}\n",
            i % 7
        ));
    }
    csv
}

async fn run_with(
    pool: &PgPool,
    user: &CurrentUser,
    csv: &[u8],
    on_duplicate: OnDuplicate,
    all_or_nothing: bool,
) -> Result<ImportResult, AppError> {
    let id = store(pool, user, ImportKind::Contacts, "people.csv", csv).await?;
    let p = preview(pool, user, id).await?;
    run(
        pool,
        user,
        id,
        &p.mapping,
        on_duplicate,
        all_or_nothing,
        today(),
    )
    .await
}

#[sqlx::test(migrations = "../migrations")]
async fn bad_rows_are_refused_by_line_and_the_rest_imported_or_nothing(pool: PgPool) {
    let sales = user(&pool, "s@t.test", Role::Sales, "East").await;
    let csv = thousand();

    let r = run_with(&pool, &sales, csv.as_bytes(), OnDuplicate::Skip, true)
        .await
        .unwrap();
    assert!(!r.committed);
    assert_eq!((r.created, r.failed), (0, 3));
    assert_eq!(
        count(&pool, "SELECT count(*) FROM contacts").await,
        0,
        "nothing"
    );

    let r = run_with(&pool, &sales, csv.as_bytes(), OnDuplicate::Skip, false)
        .await
        .unwrap();
    assert!(r.committed);
    assert_eq!((r.created, r.failed, r.skipped), (997, 3, 0));
    let mut refused: Vec<(u64, &str, Invalid)> = r
        .errors
        .iter()
        .map(|e| (e.line, e.field.as_str(), e.why))
        .collect();
    refused.sort_by_key(|e| e.0);
    assert_eq!(
        refused,
        [
            (101, "full_name", Invalid::Required),
            (502, "emails", Invalid::Email),
            (1001, "birthday", Invalid::Date)
        ]
    );
    assert_eq!(count(&pool, "SELECT count(*) FROM contacts").await, 997);
    assert_eq!(
        count(&pool, "SELECT count(*) FROM companies").await,
        7,
        "one company per name"
    );
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM audit_log WHERE entity = 'contact' AND action = 'create'"
        )
        .await,
        997,
        "each contact has its history"
    );
    // An import runs once.
    let id: Uuid = sqlx::query_scalar("SELECT id FROM imports WHERE result->>'created' = '997'")
        .fetch_one(&pool)
        .await
        .unwrap();
    let p = preview(&pool, &sales, id).await.unwrap();
    assert_eq!(p.result.unwrap().created, 997);
    assert_eq!(
        run(
            &pool,
            &sales,
            id,
            &p.mapping,
            OnDuplicate::Skip,
            false,
            today()
        )
        .await,
        Err(AppError::Conflict)
    );
    assert_eq!(status(&pool, &sales, id).await.unwrap().done, 1000);

    // The same file again: every good row is found (its keys looked up a chunk at a time, past
    // the first chunk too), none added.
    let r = run_with(&pool, &sales, csv.as_bytes(), OnDuplicate::Skip, false)
        .await
        .unwrap();
    assert_eq!((r.created, r.failed, r.skipped), (0, 3, 997));
    assert_eq!(count(&pool, "SELECT count(*) FROM contacts").await, 997);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_gbk_file_imports_with_its_chinese_names(pool: PgPool) {
    let sales = user(&pool, "s@t.test", Role::Sales, "East").await;
    let (bytes, _, bad) = encoding_rs::GBK
        .encode("姓名,手机号码,公司名称\n王伟,138 0013 8000,华信科技\n李娜,139 0000 1111,\n");
    assert!(!bad);
    let id = store(&pool, &sales, ImportKind::Contacts, "客户.csv", &bytes)
        .await
        .unwrap();
    let p = preview(&pool, &sales, id).await.unwrap();
    assert_eq!(p.encoding, "GB18030");
    assert_eq!(p.headers, ["姓名", "手机号码", "公司名称"]);
    assert_eq!(p.mapping, ["full_name", "phones", "company"]);
    let r = run(
        &pool,
        &sales,
        id,
        &p.mapping,
        OnDuplicate::Skip,
        true,
        today(),
    )
    .await
    .unwrap();
    assert_eq!(r.created, 2);
    let names: Vec<(String, Option<String>)> =
        sqlx::query_as("SELECT full_name, company_name FROM contacts ORDER BY full_name")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert!(
        names.contains(&("王伟".into(), Some("华信科技".into()))),
        "{names:?}"
    );
    assert!(names.contains(&("李娜".into(), None)), "{names:?}");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_duplicate_is_skipped_updated_or_created_as_asked(pool: PgPool) {
    let sales = user(&pool, "s@t.test", Role::Sales, "East").await;
    let other = user(&pool, "o@t.test", Role::Sales, "West").await;
    let viewer = user(&pool, "v@t.test", Role::Viewer, "East").await;
    sqlx::query(
        "INSERT INTO contacts (full_name, emails, phones, title, owner_id)
         VALUES ('Wang Wei', ARRAY['Wang.Wei@Example.cn'], ARRAY['+86 138 0013 8000'], 'CTO', $1),
                ('Hidden', ARRAY['hidden@t.test'], '{}', NULL, $2)",
    )
    .bind(sales.id.0)
    .bind(other.id.0)
    .execute(&pool)
    .await
    .unwrap();
    // Matched on the email in another case, and on the phone's digits.
    let csv = "Name,Email,Phone,Title\nW. Wang,wang.wei@example.cn,,CEO\nWei W,,(+86) 138-0013-8000,\nNew Person,new@t.test,,\nNew Again,new@t.test,,\nSomeone,hidden@t.test,,\n";

    let r = run_with(&pool, &sales, csv.as_bytes(), OnDuplicate::Skip, true)
        .await
        .unwrap();
    assert_eq!((r.created, r.skipped, r.updated), (2, 3, 0), "{r:?}");

    sqlx::query("DELETE FROM contacts WHERE full_name IN ('New Person', 'Someone')")
        .execute(&pool)
        .await
        .unwrap();
    let r = run_with(&pool, &sales, csv.as_bytes(), OnDuplicate::Update, true)
        .await
        .unwrap();
    assert_eq!((r.created, r.updated), (2, 3), "{r:?}");
    let (name, title, version): (String, Option<String>, i32) = sqlx::query_as(
        "SELECT full_name, title, version FROM contacts WHERE 'wang.wei@example.cn' = ANY(email_keys)",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(
        (name.as_str(), title.as_deref(), version),
        ("Wei W", Some("CEO"), 3),
        "filled-in fields win, empty ones keep what was there; two rows, two saves"
    );
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM contacts WHERE full_name = 'Hidden'"
        )
        .await,
        1,
        "another team's contact is neither matched nor changed"
    );

    let before = count(&pool, "SELECT count(*) FROM contacts").await;
    let r = run_with(&pool, &sales, csv.as_bytes(), OnDuplicate::Create, true)
        .await
        .unwrap();
    assert_eq!(r.created, 5);
    assert_eq!(
        count(&pool, "SELECT count(*) FROM contacts").await,
        before + 5
    );

    assert_eq!(
        run_with(&pool, &viewer, csv.as_bytes(), OnDuplicate::Create, true).await,
        Err(AppError::Forbidden)
    );
}

/// Uploads `csv` as `kind` and imports it under the guessed mapping.
async fn import_as(
    pool: &PgPool,
    user: &CurrentUser,
    kind: ImportKind,
    csv: &str,
    on_duplicate: OnDuplicate,
) -> ImportResult {
    let id = store(pool, user, kind, "file.csv", csv.as_bytes())
        .await
        .unwrap();
    let p = preview(pool, user, id).await.unwrap();
    assert_eq!(p.kind, kind);
    run(pool, user, id, &p.mapping, on_duplicate, false, today())
        .await
        .unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn companies_import_and_a_same_named_company_is_updated_when_asked(pool: PgPool) {
    let sales = user(&pool, "s@t.test", Role::Sales, "East").await;
    let csv = "公司名称,行业,官网,电话,规模\n华信科技,软件,huaxin.cn,010-8888 6666,51-200\nBluebird,Logistics,not a site,,\nNorthwind,,northwind.com,,huge\n华信科技,,,,\n";
    let r = import_as(&pool, &sales, ImportKind::Companies, csv, OnDuplicate::Skip).await;
    assert_eq!((r.created, r.skipped, r.failed), (1, 1, 2), "{r:?}");
    let lines: Vec<(u64, &str)> = r
        .errors
        .iter()
        .map(|e| (e.line, e.field.as_str()))
        .collect();
    assert_eq!(lines, [(3, "website"), (4, "size")]);

    let again = "Company,Industry,Phone\n华信科技,Software,\nACME,,021 5555 0101\n";
    let r = import_as(
        &pool,
        &sales,
        ImportKind::Companies,
        again,
        OnDuplicate::Update,
    )
    .await;
    assert_eq!((r.created, r.updated), (1, 1), "{r:?}");
    let (industry, website, version): (Option<String>, Option<String>, i32) =
        sqlx::query_as("SELECT industry, website, version FROM companies WHERE name = '华信科技'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(
        (industry.as_deref(), website.as_deref(), version),
        (Some("Software"), Some("huaxin.cn"), 2)
    );
    // Matched by the phone's digits under another name.
    let third = "Name,Tel\nAcme Trading,(021) 5555-0101\n";
    let r = import_as(
        &pool,
        &sales,
        ImportKind::Companies,
        third,
        OnDuplicate::Skip,
    )
    .await;
    assert_eq!((r.created, r.skipped), (0, 1), "{r:?}");
}

#[sqlx::test(migrations = "../migrations")]
async fn leads_import_with_status_and_duplicates_by_email(pool: PgPool) {
    let sales = user(&pool, "s@t.test", Role::Sales, "East").await;
    let csv = "姓名,邮箱,公司,状态\n王伟,wang@huaxin.cn,华信,new\n李娜,bad-email,,\n赵磊,WANG@huaxin.cn,,\n周杰,,,dreaming\n";
    let r = import_as(&pool, &sales, ImportKind::Leads, csv, OnDuplicate::Skip).await;
    assert_eq!((r.created, r.skipped, r.failed), (1, 1, 2), "{r:?}");
    let (name, company, status, owner): (String, Option<String>, String, Uuid) =
        sqlx::query_as("SELECT full_name, company_name, status, owner_id FROM leads")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(
        (name.as_str(), company.as_deref(), status.as_str(), owner),
        ("王伟", Some("华信"), "new", sales.id.0)
    );
    let audited: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_log WHERE entity = 'lead' AND action = 'create'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(audited, 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn deals_import_into_the_first_stage_at_their_companies(pool: PgPool) {
    let sales = user(&pool, "s@t.test", Role::Sales, "East").await;
    let first: Uuid = sqlx::query_scalar(
        "WITH p AS (INSERT INTO pipelines (name) VALUES ('Sales') RETURNING id)
         INSERT INTO stages (pipeline_id, name, position) SELECT id, s.name, s.pos FROM p,
                (VALUES ('Lead', 0), ('Won?', 1)) AS s(name, pos) RETURNING id",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let csv = "商机名称,金额,币种,客户名称,预计成交日期\n20 licences,\"12,000.50\",CNY,华信科技,2027-01-31\nSupport,abc,CNY,,\nRenewal,800,USD,华信科技,\n";
    let r = import_as(&pool, &sales, ImportKind::Deals, csv, OnDuplicate::Skip).await;
    assert_eq!((r.created, r.failed), (2, 1), "{r:?}");
    assert_eq!((r.errors[0].line, r.errors[0].field.as_str()), (3, "value"));
    let deals: Vec<(String, i64, String, Uuid, Option<String>)> = sqlx::query_as(
        "SELECT d.title, d.value_minor, d.currency, d.stage_id, c.name FROM deals d
           LEFT JOIN companies c ON c.id = d.company_id ORDER BY d.rank",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(deals.len(), 2);
    assert_eq!(
        (
            deals[0].0.as_str(),
            deals[0].1,
            deals[0].2.as_str(),
            deals[0].3
        ),
        ("20 licences", 1_200_050, "CNY", first)
    );
    assert_eq!(deals[0].4.as_deref(), Some("华信科技"));
    assert_eq!(deals[1].4, deals[0].4, "one company, found once");
    let companies: i64 = sqlx::query_scalar("SELECT count(*) FROM companies")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(companies, 1);
}
