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
    let contact: uuid::Uuid =
        sqlx::query_scalar("SELECT id FROM contacts ORDER BY full_name, id LIMIT 1")
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
        for (i, r) in resources.iter().enumerate() {
            let shown: String = r.chars().take(200).collect();
            assert!(
                !resources[i + 1..].contains(r),
                "{path} carries a data load twice: {shown}…"
            );
        }
    }
}
