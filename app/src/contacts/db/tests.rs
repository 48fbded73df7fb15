//! Database tests of contacts: create, edit, scope, search.
use super::*;
use crate::contacts::model::ContactInput;
use crate::records::model::{COUNT_LIMIT, PAGE_SIZE};
use crate::users::model::Role;
use uuid::Uuid;

use crate::users::db::test_user as user;

fn today() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()
}

async fn add(
    pool: &PgPool,
    owner: &CurrentUser,
    name: &str,
    emails: &str,
    phones: &str,
) -> ContactId {
    let draft = ContactInput {
        full_name: name.into(),
        emails: emails.into(),
        phones: phones.into(),
        ..Default::default()
    }
    .parse(today())
    .unwrap();
    let mut conn = pool.acquire().await.unwrap();
    create(&mut conn, owner, &draft).await.unwrap()
}

async fn names(pool: &PgPool, who: &CurrentUser, q: &str) -> Vec<String> {
    let query = ListQuery {
        q: q.into(),
        ..Default::default()
    };
    list(pool, who, &query)
        .await
        .unwrap()
        .rows
        .into_iter()
        .map(|r| r.full_name)
        .collect()
}

async fn demo(pool: &PgPool) -> CurrentUser {
    let admin = user(pool, "admin@t.test", Role::Admin, None).await;
    add(
        pool,
        &admin,
        "王伟",
        "wang.wei@example.cn",
        "+86 138 0013 8000",
    )
    .await;
    add(pool, &admin, "王伟明", "", "").await;
    add(pool, &admin, "李娜", "li.na@example.cn", "").await;
    add(
        pool,
        &admin,
        "Sarah Miller",
        "sarah@bluebird.com",
        "+1 415 555 0100",
    )
    .await;
    add(pool, &admin, "James Smith", "james@acme.com", "").await;
    admin
}

#[sqlx::test(migrations = "../migrations")]
async fn a_two_character_chinese_name_is_found(pool: PgPool) {
    let admin = demo(&pool).await;
    let mut found = names(&pool, &admin, "王伟").await;
    found.sort();
    assert_eq!(found, ["王伟", "王伟明"]);
    assert_eq!(names(&pool, &admin, "伟明").await, ["王伟明"]);
    assert_eq!(names(&pool, &admin, "李").await, ["李娜"]);
}

#[sqlx::test(migrations = "../migrations")]
async fn search_covers_name_fragments_typos_phones_and_emails(pool: PgPool) {
    let admin = demo(&pool).await;
    assert_eq!(names(&pool, &admin, "mill").await, ["Sarah Miller"]);
    assert_eq!(
        names(&pool, &admin, "Sarha Miller").await,
        ["Sarah Miller"],
        "typo tolerant"
    );
    assert_eq!(
        names(&pool, &admin, "0013 8000").await,
        ["王伟"],
        "phone digits, any punctuation"
    );
    assert_eq!(names(&pool, &admin, "james@").await, ["James Smith"]);
    assert_eq!(
        names(&pool, &admin, "ja").await,
        ["James Smith"],
        "prefix for short terms"
    );
    assert!(names(&pool, &admin, "zzzzzz").await.is_empty());
    assert!(
        names(&pool, &admin, "%_%").await.is_empty(),
        "LIKE wildcards are literal"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_company_rename_reaches_its_contacts_search(pool: PgPool) {
    let admin = demo(&pool).await;
    let company: Uuid =
        sqlx::query_scalar("INSERT INTO companies (name) VALUES ('Northwind Labs') RETURNING id")
            .fetch_one(&pool)
            .await
            .unwrap();
    sqlx::query("UPDATE contacts SET company_id = $1 WHERE full_name = 'James Smith'")
        .bind(company)
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(names(&pool, &admin, "northwind").await, ["James Smith"]);
    sqlx::query("UPDATE companies SET name = '华信科技' WHERE id = $1")
        .bind(company)
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(names(&pool, &admin, "华信").await, ["James Smith"]);
    assert!(names(&pool, &admin, "northwind").await.is_empty());
}

#[sqlx::test(migrations = "../migrations")]
async fn sales_see_their_own_and_their_teams_contacts_only(pool: PgPool) {
    let east1 = user(&pool, "e1@t.test", Role::Sales, Some("East")).await;
    let east2 = user(&pool, "e2@t.test", Role::Sales, Some("East")).await;
    let west = user(&pool, "w@t.test", Role::Sales, Some("West")).await;
    let manager = user(&pool, "m@t.test", Role::Manager, None).await;
    add(&pool, &east1, "East One", "", "").await;
    add(&pool, &east2, "East Two", "", "").await;
    let west_contact = add(&pool, &west, "West Three", "", "").await;

    let mut seen = names(&pool, &east1, "").await;
    seen.sort();
    assert_eq!(seen, ["East One", "East Two"]);
    assert_eq!(names(&pool, &west, "").await, ["West Three"]);
    assert_eq!(names(&pool, &manager, "").await.len(), 3);
    assert_eq!(
        get(&pool, &east1, west_contact).await.unwrap_err(),
        AppError::NotFound
    );
    assert!(get(&pool, &manager, west_contact).await.is_ok());

    let draft = ContactInput {
        full_name: "Hijacked".into(),
        ..Default::default()
    }
    .parse(today())
    .unwrap();
    let mut conn = pool.acquire().await.unwrap();
    assert_eq!(
        update(&mut conn, &east1, west_contact, 1, &draft)
            .await
            .unwrap_err(),
        AppError::NotFound
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_stale_edit_is_refused_and_a_fresh_one_is_audited(pool: PgPool) {
    let admin = demo(&pool).await;
    let id = add(&pool, &admin, "Old Name", "", "").await;
    let mut conn = pool.acquire().await.unwrap();
    let first = ContactInput {
        full_name: "New Name".into(),
        ..Default::default()
    }
    .parse(today())
    .unwrap();
    assert_eq!(update(&mut conn, &admin, id, 1, &first).await.unwrap(), 2);
    let stale = ContactInput {
        full_name: "Lost Update".into(),
        ..Default::default()
    }
    .parse(today())
    .unwrap();
    assert_eq!(
        update(&mut conn, &admin, id, 1, &stale).await.unwrap_err(),
        AppError::Conflict
    );
    assert_eq!(get(&pool, &admin, id).await.unwrap().full_name, "New Name");

    let changes: serde_json::Value = sqlx::query_scalar(
        "SELECT changes FROM audit_log WHERE entity = 'contact' AND entity_id = $1 AND action = 'update'")
        .bind(id.0).fetch_one(&pool).await.unwrap();
    assert_eq!(
        changes,
        serde_json::json!({"full_name": {"old": "Old Name", "new": "New Name"}})
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn viewers_cannot_create_contacts(pool: PgPool) {
    let viewer = user(&pool, "v@t.test", Role::Viewer, None).await;
    let draft = ContactInput {
        full_name: "Nope".into(),
        ..Default::default()
    }
    .parse(today())
    .unwrap();
    let mut conn = pool.acquire().await.unwrap();
    assert_eq!(
        create(&mut conn, &viewer, &draft).await.unwrap_err(),
        AppError::Forbidden
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn keyset_pages_cover_every_contact_once_in_both_directions(pool: PgPool) {
    let admin = user(&pool, "a@t.test", Role::Admin, None).await;
    sqlx::query("INSERT INTO contacts (full_name, owner_id) SELECT 'Person ' || lpad(i::text, 3, '0'), $1 FROM generate_series(1, 120) i")
        .bind(admin.id.0).execute(&pool).await.unwrap();
    for desc in [false, true] {
        let mut query = ListQuery {
            desc,
            ..Default::default()
        };
        let mut seen = Vec::new();
        loop {
            let page = list(&pool, &admin, &query).await.unwrap();
            assert_eq!(page.total, 120);
            seen.extend(page.rows.into_iter().map(|r| r.full_name));
            match page.next {
                Some(next) => query.after = next,
                None => break,
            }
        }
        let mut expected: Vec<String> = (1..=120).map(|i| format!("Person {i:03}")).collect();
        if desc {
            expected.reverse();
        }
        assert_eq!(seen, expected);
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn huge_sets_are_counted_only_up_to_the_cap(pool: PgPool) {
    let admin = user(&pool, "a@t.test", Role::Admin, None).await;
    sqlx::query("INSERT INTO contacts (full_name, owner_id) SELECT 'P' || i, $1 FROM generate_series(1, 10050) i")
        .bind(admin.id.0).execute(&pool).await.unwrap();
    let page = list(&pool, &admin, &ListQuery::default()).await.unwrap();
    assert_eq!(page.total, COUNT_LIMIT + 1);
    assert_eq!(page.rows.len() as i64, PAGE_SIZE);
}

#[sqlx::test(migrations = "../migrations")]
async fn filters_sort_and_company_link_work_together(pool: PgPool) {
    let admin = demo(&pool).await;
    let mut conn = pool.acquire().await.unwrap();
    let draft = ContactInput {
        full_name: "Zoe Tagged".into(),
        company: "Acme Robotics".into(),
        tags: "vip".into(),
        source: "Trade fair".into(),
        ..Default::default()
    }
    .parse(today())
    .unwrap();
    let zoe = create(&mut conn, &admin, &draft).await.unwrap();
    // A second contact typed with the same company (other case) joins the same company.
    let draft = ContactInput {
        full_name: "Yan Colleague".into(),
        company: "acme robotics".into(),
        ..Default::default()
    }
    .parse(today())
    .unwrap();
    let yan = create(&mut conn, &admin, &draft).await.unwrap();
    let (a, b) = (
        get(&pool, &admin, zoe).await.unwrap(),
        get(&pool, &admin, yan).await.unwrap(),
    );
    assert!(a.company_id.is_some());
    assert_eq!(a.company_id, b.company_id);
    assert_eq!(a.company_name.as_deref(), Some("Acme Robotics"));

    let only = |q: ListQuery| {
        let pool = pool.clone();
        let admin = admin.clone();
        async move {
            list(&pool, &admin, &q)
                .await
                .unwrap()
                .rows
                .into_iter()
                .map(|r| r.full_name)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        only(ListQuery {
            tag: "vip".into(),
            ..Default::default()
        })
        .await,
        ["Zoe Tagged"]
    );
    assert_eq!(
        only(ListQuery {
            source: "trade fair".into(),
            ..Default::default()
        })
        .await,
        ["Zoe Tagged"]
    );
    let mut by_company = only(ListQuery {
        sort: "company".into(),
        desc: true,
        ..Default::default()
    })
    .await;
    by_company.truncate(2);
    by_company.sort();
    assert_eq!(
        by_company,
        ["Yan Colleague", "Zoe Tagged"],
        "those with a company come first, descending"
    );
    let future = ListQuery {
        from: "2999-01-01".into(),
        ..Default::default()
    };
    assert!(only(future).await.is_empty());
    assert_eq!(
        only(ListQuery {
            created: "0d".into(),
            ..Default::default()
        })
        .await
        .len(),
        7
    );
    let bad = ListQuery {
        owner: "not-a-user".into(),
        ..Default::default()
    };
    assert_eq!(
        list(&pool, &admin, &bad).await.unwrap_err().field("owner"),
        Some(crate::error::Invalid::Choice)
    );
}
