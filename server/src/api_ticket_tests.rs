//! Tickets over the API: opened as the new-ticket form opens them, listed by queue, triaged with
//! If-Match, written to; within the desk's roles.
use http::{StatusCode, header};
use serde_json::json;
use sqlx::PgPool;

use app::tokens::model::{Access, Entity};

use crate::api_tests::{get, json_of, token, user, with_body};
use crate::bad_input_tests::send;
use crate::http_tests::app;

#[sqlx::test(migrations = "../migrations")]
async fn a_ticket_is_opened_triaged_and_answered_through_the_desks_rules(pool: PgPool) {
    crate::seed::seed_demo(&pool).await.unwrap();
    let app = app(pool.clone());
    let (_, agent) = token(
        &pool,
        "support@keel.demo",
        &[(Entity::Tickets, Access::Write)],
    )
    .await;
    let (_, viewer) = token(
        &pool,
        "viewer@keel.demo",
        &[(Entity::Tickets, Access::Write)],
    )
    .await;
    let email: String = sqlx::query_scalar(
        "SELECT emails[1] FROM contacts WHERE cardinality(emails) > 0 AND deleted_at IS NULL ORDER BY created_at LIMIT 1",
    )
    .fetch_one(&pool)
    .await
    .unwrap();

    let res = send(
        &app,
        with_body(
            "POST",
            "/api/v1/tickets",
            &agent,
            None,
            json!({"subject": "Printer jam", "priority": "someday"}),
        ),
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(json_of(res).await["error"]["fields"]["priority"].is_object());
    let body = json!({"subject": "Printer jam", "customer": email, "priority": "high", "channel": "email", "tags": ["printer", "office"]});
    assert_eq!(
        send(
            &app,
            with_body("POST", "/api/v1/tickets", &viewer, None, body.clone())
        )
        .await
        .status(),
        StatusCode::FORBIDDEN
    );
    let res = send(
        &app,
        with_body("POST", "/api/v1/tickets", &agent, None, body),
    )
    .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let etag = res.headers()[header::ETAG].to_str().unwrap().to_string();
    let t = json_of(res).await;
    assert_eq!(
        (t["priority"].clone(), t["status"].clone()),
        (json!("high"), json!("new"))
    );
    assert!(
        t["contact_id"].is_string(),
        "the customer found by email: {t}"
    );
    assert_eq!(t["tags"], json!(["printer", "office"]));
    let path = format!("/api/v1/tickets/{}", t["id"].as_str().unwrap());

    let res = send(&app, get("/api/v1/tickets?queue=open", &agent)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        json_of(res).await["data"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["id"] == t["id"])
    );

    // Triaged at its version; a stale version changes nothing and answers it as it is.
    let me = user(&pool, "support@keel.demo").await;
    let res = send(
        &app,
        with_body(
            "PATCH",
            &path,
            &agent,
            Some(&etag),
            json!({"status": "open", "assignee": me.id.0}),
        ),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let triaged = json_of(res).await;
    assert_eq!(triaged["status"], "open");
    assert_eq!(triaged["assignee_id"], me.id.0.to_string());
    assert_eq!(
        triaged["priority"], "high",
        "what the body does not name stays"
    );
    let res = send(
        &app,
        with_body(
            "PATCH",
            &path,
            &agent,
            Some(&etag),
            json!({"status": "closed"}),
        ),
    )
    .await;
    assert_eq!(res.status(), StatusCode::PRECONDITION_FAILED);
    assert_eq!(json_of(res).await["status"], "open");
    let tag = format!("\"{}\"", triaged["version"]);
    let res = send(
        &app,
        with_body(
            "PATCH",
            &path,
            &agent,
            Some(&tag),
            json!({"status": "lost in space"}),
        ),
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // A note joins the conversation; an empty one is refused.
    let m = format!("{path}/messages");
    let res = send(
        &app,
        with_body(
            "POST",
            &m,
            &agent,
            None,
            json!({"kind": "note", "body": ""}),
        ),
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let res = send(
        &app,
        with_body(
            "POST",
            &m,
            &agent,
            None,
            json!({"kind": "note", "body": "Checked the tray"}),
        ),
    )
    .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let messages = json_of(res).await["messages"].clone();
    assert!(
        messages
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["body"] == "Checked the tray")
    );
    assert_eq!(
        send(&app, get(&path, &viewer)).await.status(),
        StatusCode::OK
    );
}
