//! Import and export over the API, through the screens' CSV code: a posted file previewed with
//! its guessed mapping, imported in the background with its outcome by line; a list exported.
use axum::body::Body;
use http::{StatusCode, header};
use serde_json::{Value, json};
use sqlx::PgPool;

use app::tokens::model::{Access, Entity};

use crate::api_tests::{call, get, json_of, token, with_body};
use crate::bad_input_tests::send;
use crate::http_tests::{app, body_text};

fn csv(path: &str, secret: &str, file: &str) -> http::Request<Body> {
    call("POST", path, secret)
        .header(header::CONTENT_TYPE, "text/csv")
        .header("x-file-name", "people.csv")
        .body(Body::from(file.to_string()))
        .unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn a_file_is_previewed_imported_and_its_list_exported(pool: PgPool) {
    crate::seed::seed_demo(&pool).await.unwrap();
    let app = app(pool.clone());
    let (_, admin) = token(
        &pool,
        "admin@keel.demo",
        &[(Entity::Contacts, Access::Write)],
    )
    .await;
    let (_, reader) = token(
        &pool,
        "admin@keel.demo",
        &[(Entity::Contacts, Access::Read)],
    )
    .await;
    let (_, sales) = token(
        &pool,
        "sales@keel.demo",
        &[(Entity::Contacts, Access::Write)],
    )
    .await;
    let file = "Name,Email,Phone\nAda Lovelace,ada@analytical.example,+44 20 7946 0000\nNo Email,not-an-email,\n";

    let res = send(&app, csv("/api/v1/imports?kind=planets", &admin, file)).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        send(&app, csv("/api/v1/imports?kind=contacts", &reader, file))
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    let res = send(
        &app,
        csv("/api/v1/imports?kind=contacts", &admin, "\u{0}binary"),
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let res = send(&app, csv("/api/v1/imports?kind=contacts", &admin, file)).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let import = json_of(res).await;
    assert_eq!(import["rows"], 2);
    assert_eq!(import["file_name"], "people.csv");
    assert_eq!(import["mapping"][0], "full_name");
    assert_eq!(import["started"], false);
    let path = format!("/api/v1/imports/{}", import["id"].as_str().unwrap());
    // Another user's import is not found.
    assert_eq!(
        send(&app, get(&path, &sales)).await.status(),
        StatusCode::NOT_FOUND
    );
    let bad = with_body(
        "POST",
        &format!("{path}/start"),
        &admin,
        None,
        json!({"mapping": ["", "", ""]}),
    );
    assert_eq!(
        send(&app, bad).await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );

    let res = send(
        &app,
        with_body("POST", &format!("{path}/start"), &admin, None, json!({})),
    )
    .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let mut outcome = Value::Null;
    for _ in 0..100 {
        let now = json_of(send(&app, get(&path, &reader)).await).await;
        if now["progress"]["result"].is_object() {
            outcome = now["progress"]["result"].clone();
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(outcome["created"], 1, "{outcome}");
    assert_eq!(outcome["failed"], 1);
    assert_eq!(outcome["errors"][0]["line"], 3);
    assert_eq!(outcome["errors"][0]["field"], "emails");

    // The list comes back out as the list page's download, for those who may export.
    let res = send(&app, get("/api/v1/exports/contacts?q=Lovelace", &reader)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers()[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let text = body_text(res).await;
    assert!(
        text.contains("Ada Lovelace") && !text.contains("No Email"),
        "{text}"
    );
    let res = send(&app, get("/api/v1/exports/contacts", &sales)).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(json_of(res).await, json!({"error": {"kind": "forbidden"}}));
    assert_eq!(
        send(&app, get("/api/v1/exports/planets", &reader))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
}
