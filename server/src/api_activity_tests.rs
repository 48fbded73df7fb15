//! Activities and tasks over the API: logged through the timeline's rules on records in the
//! token's user's reach only, listed a page at a time; tasks made, changed and done with ETag and
//! If-Match.
use axum::body::Body;
use http::{StatusCode, header};
use serde_json::{Value, json};
use sqlx::PgPool;

use app::tokens::model::{Access, Entity};

use crate::api_tests::{call, get, json_of, token, with_body};
use crate::bad_input_tests::send;
use crate::http_tests::app;

const ALL: [(Entity, Access); 3] = [
    (Entity::Contacts, Access::Write),
    (Entity::Activities, Access::Write),
    (Entity::Tasks, Access::Write),
];

#[sqlx::test(migrations = "../migrations")]
async fn interactions_are_logged_and_listed_on_records_in_reach_only(pool: PgPool) {
    crate::seed::seed_demo(&pool).await.unwrap();
    let app = app(pool.clone());
    let (_, west) = token(&pool, "sales2@keel.demo", &ALL).await;
    let (_, east) = token(&pool, "sales@keel.demo", &ALL).await;
    let (_, reader) = token(
        &pool,
        "sales2@keel.demo",
        &[(Entity::Activities, Access::Read)],
    )
    .await;
    let res = send(
        &app,
        with_body(
            "POST",
            "/api/v1/contacts",
            &west,
            None,
            json!({"full_name": "Timeline Person"}),
        ),
    )
    .await;
    let contact = json_of(res).await["id"].as_str().unwrap().to_string();

    // The timeline form's rules, named by field.
    for (body, field) in [
        (
            json!({"record_type": "contact", "record_id": contact, "kind": "call"}),
            "outcome",
        ),
        (
            json!({"record_type": "contact", "record_id": contact, "kind": "gossip"}),
            "kind",
        ),
        (
            json!({"record_type": "planet", "record_id": contact, "kind": "note", "body": "x"}),
            "record_type",
        ),
        (
            json!({"record_type": "contact", "kind": "note", "body": "x"}),
            "record_id",
        ),
        (
            json!({"record_type": "contact", "record_id": contact, "kind": "note", "body": "x", "occurred_at": "yesterday"}),
            "occurred_at",
        ),
        (
            json!({"record_type": "contact", "record_id": contact, "kind": "note", "body": "x", "mood": "good"}),
            "mood",
        ),
    ] {
        let res = send(
            &app,
            with_body("POST", "/api/v1/activities", &west, None, body.clone()),
        )
        .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(
            json_of(res).await["error"]["fields"][field].is_object(),
            "{body}"
        );
    }
    let log =
        |body: Value, secret: &str| with_body("POST", "/api/v1/activities", secret, None, body);
    let call_body = json!({"record_type": "contact", "record_id": contact, "kind": "call", "outcome": "connected",
        "duration": 12, "body": "Wants a quote", "follow_up": "Send the quote", "occurred_at": "2026-11-20T09:30:00+08:00"});
    let res = send(&app, log(call_body.clone(), &west)).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let logged = json_of(res).await;
    assert_eq!(logged["kind"], "call");
    assert_eq!(logged["outcome"], "connected");
    assert_eq!(logged["duration_minutes"], 12);
    assert_eq!(logged["record_id"], contact.as_str());
    assert_eq!(logged["author"], "Sarah Miller");
    assert_eq!(logged["occurred_at"], "2026-11-20T01:30:00Z");
    let note =
        json!({"record_type": "contact", "record_id": contact, "kind": "note", "body": "Second"});
    assert_eq!(
        send(&app, log(note.clone(), &west)).await.status(),
        StatusCode::CREATED
    );

    // Another team neither logs on it nor reads it; a read-only token does not log.
    assert_eq!(
        send(&app, log(note.clone(), &east)).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        send(&app, log(note, &reader)).await.status(),
        StatusCode::FORBIDDEN
    );
    let one = format!("/api/v1/activities/{}", logged["id"].as_str().unwrap());
    assert_eq!(
        send(&app, get(&one, &east)).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        send(&app, get(&one, &reader)).await.status(),
        StatusCode::OK
    );
    let list = format!("/api/v1/activities?record_type=contact&record_id={contact}");
    assert_eq!(
        send(&app, get(&list, &east)).await.status(),
        StatusCode::NOT_FOUND
    );

    // Newest first, a page at a time.
    let res = send(&app, get(&format!("{list}&limit=1"), &reader)).await;
    let first = json_of(res).await;
    assert_eq!(first["data"][0]["body"], "Second");
    let cursor = first["next_cursor"].as_str().unwrap();
    let res = send(
        &app,
        get(&format!("{list}&limit=1&cursor={cursor}"), &reader),
    )
    .await;
    let second = json_of(res).await;
    assert_eq!(second["data"][0]["body"], "Wants a quote");
    let res = send(&app, get(&format!("{list}&cursor=not-a-cursor"), &reader)).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
}

#[sqlx::test(migrations = "../migrations")]
async fn tasks_are_made_changed_and_done_with_if_match(pool: PgPool) {
    crate::seed::seed_demo(&pool).await.unwrap();
    let app = app(pool.clone());
    let (_, west) = token(&pool, "sales2@keel.demo", &ALL).await;
    let (_, east) = token(&pool, "sales@keel.demo", &ALL).await;
    let res = send(
        &app,
        with_body(
            "POST",
            "/api/v1/contacts",
            &west,
            None,
            json!({"full_name": "Task Person"}),
        ),
    )
    .await;
    let contact = json_of(res).await["id"].as_str().unwrap().to_string();
    let new = |title: &str| json!({"record_type": "contact", "record_id": contact, "title": title, "due_on": "2026-12-24"});

    let res = send(
        &app,
        with_body("POST", "/api/v1/tasks", &west, None, new("")),
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(json_of(res).await["error"]["fields"]["title"].is_object());
    // Not on another team's record.
    let res = send(
        &app,
        with_body("POST", "/api/v1/tasks", &east, None, new("Sneak")),
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(json_of(res).await["error"]["fields"]["record_id"].is_object());

    let res = send(
        &app,
        with_body("POST", "/api/v1/tasks", &west, None, new("Call back")),
    )
    .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let etag = res.headers()[header::ETAG].to_str().unwrap().to_string();
    let task = json_of(res).await;
    assert_eq!(
        (task["done"].clone(), task["due_on"].clone()),
        (json!(false), json!("2026-12-24"))
    );
    let path = format!("/api/v1/tasks/{}", task["id"].as_str().unwrap());
    assert_eq!(
        send(&app, get(&path, &east)).await.status(),
        StatusCode::NOT_FOUND
    );
    let res = send(&app, get("/api/v1/tasks", &west)).await;
    assert!(
        json_of(res).await["data"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["id"] == task["id"])
    );

    // Done, with its version; the old version is stale and changes nothing.
    let res = send(
        &app,
        call("PATCH", &path, &west).body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::PRECONDITION_REQUIRED);
    let res = send(
        &app,
        with_body("PATCH", &path, &west, Some(&etag), json!({"done": true})),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let done = json_of(res).await;
    assert_eq!(
        (done["done"].clone(), done["title"].clone()),
        (json!(true), json!("Call back"))
    );
    let res = send(
        &app,
        with_body(
            "PATCH",
            &path,
            &west,
            Some(&etag),
            json!({"title": "Stale"}),
        ),
    )
    .await;
    assert_eq!(res.status(), StatusCode::PRECONDITION_FAILED);
    assert_eq!(json_of(res).await["title"], "Call back");
    let res = send(
        &app,
        with_body(
            "PATCH",
            &path,
            &west,
            Some(&format!("\"{}\"", done["version"])),
            json!({"due_on": "soon"}),
        ),
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let res = send(&app, get("/api/v1/tasks?status=done", &west)).await;
    assert!(
        json_of(res).await["data"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["id"] == task["id"])
    );
    let res = send(&app, get("/api/v1/tasks?status=someday", &west)).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
}
