//! Exports (`records::export`) of the contacts list: the view filtered, ordered and with its
//! columns, as the list's pages show it (the shared machinery names no list: these live here).
use sqlx::PgPool;
use tokio::sync::mpsc;

use crate::contacts::list::LIST_DEF;
use crate::records::db::page;
use crate::records::export::{BOM, export};
use crate::records::list::ListDef;
use crate::records::model::ListQuery;
use crate::users::db::test_user as user;
use crate::users::model::{CurrentUser, Role};

async fn csv_of(
    pool: &PgPool,
    user: &CurrentUser,
    list: &ListDef,
    query: &ListQuery,
) -> Vec<Vec<String>> {
    let (tx, mut rx) = mpsc::channel(4);
    let today = chrono::Utc::now().date_naive();
    let (written, bytes) = tokio::join!(export(pool, user, list, query, today, tx), async {
        let mut all = Vec::new();
        while let Some(c) = rx.recv().await {
            all.extend(c);
        }
        all
    });
    let written = written.unwrap();
    assert!(bytes.starts_with(BOM), "starts with a byte-order mark");
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(&bytes[BOM.len()..]);
    let rows: Vec<Vec<String>> = r
        .records()
        .map(|rec| rec.unwrap().iter().map(str::to_string).collect())
        .collect();
    assert_eq!(rows.len() as u64, written + 1, "a header and every row");
    rows
}

#[sqlx::test(migrations = "../migrations")]
async fn an_export_is_the_view_filtered_ordered_and_with_its_columns(pool: PgPool) {
    let east = user(&pool, "e@t.test", Role::Sales, "East").await;
    let west = user(&pool, "w@t.test", Role::Sales, "West").await;
    sqlx::query(
        "INSERT INTO contacts (full_name, emails, phones, owner_id)
         SELECT 'Wang ' || lpad(i::text, 4, '0'), ARRAY['w' || i || '@t.test', 'x' || i || '@t.test'],
                ARRAY['+86 138 0000 ' || lpad(i::text, 4, '0')], $1
           FROM generate_series(1, 1200) i",
    )
    .bind(east.id.0)
    .execute(&pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO contacts (full_name, emails, owner_id) VALUES
           ('=Wang evil', ARRAY['evil@t.test'], $1), ('Zhao \"Z\", Jr.', '{}', $1),
           ('Wang West', ARRAY['ww@t.test'], $2)",
    )
    .bind(east.id.0)
    .bind(west.id.0)
    .execute(&pool)
    .await
    .unwrap();

    // Everything this user may see, default columns, by name.
    let all = csv_of(&pool, &east, &LIST_DEF, &ListQuery::default()).await;
    assert_eq!(
        all[0],
        ["Name", "Company", "Email", "Phone", "Owner", "Added"]
    );
    assert_eq!(all.len(), 1 + 1202, "another team's contact is left out");
    assert_eq!(all[1][0], "'=Wang evil", "a formula is defused");
    assert_eq!(all[2][2..4], ["w1@t.test; x1@t.test", "+86 138 0000 0001"]);
    assert_eq!(all[1202][0], "Zhao \"Z\", Jr.", "quotes and commas survive");

    // A search with chosen columns, newest first: the same rows as the list's pages.
    let query = ListQuery {
        q: "wang 01".into(),
        cols: vec!["phone".into(), "email".into()],
        sort: "name".into(),
        desc: true,
        ..Default::default()
    };
    let found = csv_of(&pool, &east, &LIST_DEF, &query).await;
    assert_eq!(found[0], ["Name", "Phone", "Email"]);
    let today = chrono::Utc::now().date_naive();
    let mut listed = Vec::new();
    let mut q = query.clone();
    loop {
        let p: crate::records::model::ListPage<crate::contacts::model::ContactRow> =
            page(&pool, &east, &crate::contacts::db::LIST, &q, today)
                .await
                .unwrap();
        listed.extend(p.rows.into_iter().map(|r| r.full_name));
        match p.next {
            Some(after) => q.after = after,
            None => break,
        }
    }
    let exported: Vec<String> = found[1..].iter().map(|r| r[0].clone()).collect();
    assert_eq!(exported, listed);
    assert!(exported.len() > 50, "more than a page: {}", exported.len());

    // The header follows the user's language.
    sqlx::query("UPDATE users SET locale = 'zh-CN' WHERE id = $1")
        .bind(west.id.0)
        .execute(&pool)
        .await
        .unwrap();
    let west = CurrentUser {
        locale: "zh-CN".into(),
        ..west
    };
    let theirs = csv_of(&pool, &west, &LIST_DEF, &ListQuery::default()).await;
    assert_eq!(theirs[0][0], "姓名");
    assert_eq!(theirs.len(), 2);
}
