//! A rendered page carries each of its data loads to the browser once. The server renders a
//! route's view in phases and builds it again in each; a resource made in every build loaded its
//! data again each time and wrote every copy into the page (`app::ui::page_resource`).
use http::StatusCode;
use sqlx::PgPool;

use crate::http_tests::{body_text, get, signed_in};

/// The payloads of the resources a page hands to the browser (`__RESOLVED_RESOURCES[n] = "…"`).
fn resolved_resources(html: &str) -> Vec<&str> {
    html.split("__RESOLVED_RESOURCES[")
        .skip(1)
        .filter_map(|s| s.split_once("] = \"").map(|(_, rest)| rest))
        .filter_map(|rest| rest.split_once("\";").map(|(payload, _)| payload))
        .collect()
}

#[sqlx::test(migrations = "../migrations")]
async fn each_page_carries_each_of_its_data_loads_once(pool: PgPool) {
    let (app, cookie) = signed_in(pool.clone(), "admin@keel.demo").await;
    let contact: uuid::Uuid = sqlx::query_scalar("SELECT id FROM contacts ORDER BY email LIMIT 1")
        .fetch_one(&pool)
        .await
        .unwrap();
    for path in [
        "/contacts".to_string(),
        "/companies".to_string(),
        "/pipeline".to_string(),
        format!("/contacts/{contact}"),
        "/settings/pipelines".to_string(),
    ] {
        let res = get(&app, &path, Some(&cookie)).await;
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        let html = body_text(res).await;
        let resources = resolved_resources(&html);
        assert!(!resources.is_empty(), "{path} hands no data to the browser");
        // Small answers (the owners for a filter and for the bulk bar) may repeat; a page's data
        // (a list's rows, a board, a record) must not.
        let large: Vec<&str> = resources.iter().copied().filter(|r| r.len() > 1_000).collect();
        assert!(!large.is_empty(), "{path}: no data load of any size");
        for (i, r) in large.iter().enumerate() {
            assert!(!large[i + 1..].contains(r), "{path} carries a data load twice: {}…", &r[..200]);
        }
    }
}
