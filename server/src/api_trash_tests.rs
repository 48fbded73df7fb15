//! Deletion over the API of deals, tasks and tickets (to the trash, under If-Match), and the sort
//! orders of the activity, task and ticket lists.
use axum::body::Body;
use http::{StatusCode, header};
use serde_json::{Value, json};
use sqlx::PgPool;

use app::tokens::model::{Access, Entity};

use crate::api_tests::{call, get, json_of, token, user, with_body};
use crate::bad_input_tests::send;
use crate::http_tests::app;

fn delete(path: &str, secret: &str, if_match: Option<&str>) -> http::Request<Body> {
    let mut b = call("DELETE", path, secret);
    if let Some(v) = if_match {
        b = b.header(header::IF_MATCH, v);
    }
    b.body(Body::empty()).unwrap()
}

/// What `list` answers at `path`, each row's `field`.
async fn column(app: &axum::Router, path: &str, secret: &str, field: &str) -> Vec<Value> {
    let res = send(app, get(path, secret)).await;
    assert_eq!(res.status(), StatusCode::OK, "{path}");
    let page = json_of(res).await;
    page["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r[field].clone())
        .collect()
}

#[sqlx::test(migrations = "../migrations")]
async fn a_deal_task_or_ticket_goes_to_the_trash_at_its_version_and_only_within_reach(
    pool: PgPool,
) {
    crate::seed::seed_demo(&pool).await.unwrap();
    let app = app(pool.clone());
    let grants = [
        (Entity::Deals, Access::Write),
        (Entity::Tasks, Access::Write),
        (Entity::Tickets, Access::Write),
    ];
    let (_, west) = token(&pool, "sales2@keel.demo", &grants).await;
    let (_, east) = token(&pool, "sales@keel.demo", &grants).await;
    let (_, reader) = token(&pool, "sales2@keel.demo", &[(Entity::Deals, Access::Read)]).await;
    let (_, agent) = token(&pool, "support@keel.demo", &grants).await;

    // A deal of the West rep's.
    let res = send(
        &app,
        with_body(
            "POST",
            "/api/v1/deals",
            &west,
            None,
            json!({"title": "Trash me", "value_minor": 10000, "currency": "CNY"}),
        ),
    )
    .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let deal = json_of(res).await;
    let path = format!("/api/v1/deals/{}", deal["id"].as_str().unwrap());
    let etag = format!("\"{}\"", deal["version"]);
    assert_eq!(
        send(&app, delete(&path, &west, None)).await.status(),
        StatusCode::PRECONDITION_REQUIRED
    );
    assert_eq!(
        send(&app, delete(&path, &reader, Some(&etag)))
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        send(&app, delete(&path, &east, Some(&etag))).await.status(),
        StatusCode::NOT_FOUND
    );
    let res = send(&app, delete(&path, &west, Some("\"99\""))).await;
    assert_eq!(res.status(), StatusCode::PRECONDITION_FAILED);
    assert_eq!(
        json_of(res).await["title"],
        "Trash me",
        "412 carries the deal as it is"
    );
    assert_eq!(
        send(&app, delete(&path, &west, Some(&etag))).await.status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        send(&app, get(&path, &west)).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        send(&app, delete(&path, &west, Some(&etag))).await.status(),
        StatusCode::NOT_FOUND
    );
    let u = user(&pool, "sales2@keel.demo").await;
    let trash = app::trash::db::list(&pool, &u).await.unwrap();
    assert!(
        trash.iter().any(|i| i.name == "Trash me"),
        "restorable from the trash"
    );

    // A task of theirs.
    let res = send(
        &app,
        with_body(
            "POST",
            "/api/v1/tasks",
            &west,
            None,
            json!({"record_type": "deal",
            "record_id": "00000000-0000-0000-0000-000000000000", "title": "Nowhere"}),
        ),
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let open: String = sqlx::query_scalar(
        "SELECT id::text FROM deals WHERE owner_id = $1 AND deleted_at IS NULL LIMIT 1",
    )
    .bind(u.id.0)
    .fetch_one(&pool)
    .await
    .unwrap();
    let res = send(
        &app,
        with_body(
            "POST",
            "/api/v1/tasks",
            &west,
            None,
            json!({"record_type": "deal", "record_id": open, "title": "Drop me"}),
        ),
    )
    .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let task = json_of(res).await;
    let path = format!("/api/v1/tasks/{}", task["id"].as_str().unwrap());
    assert_eq!(
        send(&app, delete(&path, &east, Some("\"1\"")))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        send(&app, delete(&path, &west, Some("\"2\"")))
            .await
            .status(),
        StatusCode::PRECONDITION_FAILED
    );
    assert_eq!(
        send(&app, delete(&path, &west, Some("\"1\"")))
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        send(&app, get(&path, &west)).await.status(),
        StatusCode::NOT_FOUND
    );
    let titles = column(&app, "/api/v1/tasks?status=all&limit=200", &west, "title").await;
    assert!(!titles.contains(&json!("Drop me")));

    // A ticket: the desk may, a sales rep may not.
    let ticket: String = sqlx::query_scalar(
        "SELECT id::text FROM tickets WHERE deleted_at IS NULL ORDER BY number LIMIT 1",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let path = format!("/api/v1/tickets/{ticket}");
    let res = send(&app, get(&path, &agent)).await;
    let etag = res.headers()[header::ETAG].to_str().unwrap().to_string();
    assert_eq!(
        send(&app, delete(&path, &west, Some(&etag))).await.status(),
        StatusCode::FORBIDDEN
    );
    let res = send(&app, delete(&path, &agent, Some("\"999\""))).await;
    assert_eq!(res.status(), StatusCode::PRECONDITION_FAILED);
    assert!(
        json_of(res).await["messages"].is_array(),
        "412 carries the ticket as it is"
    );
    assert_eq!(
        send(&app, delete(&path, &agent, Some(&etag)))
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        send(&app, get(&path, &agent)).await.status(),
        StatusCode::NOT_FOUND
    );
    let ids = column(&app, "/api/v1/tickets?queue=done&limit=200", &agent, "id").await;
    let open = column(&app, "/api/v1/tickets?queue=open&limit=200", &agent, "id").await;
    assert!(!ids.contains(&json!(ticket)) && !open.contains(&json!(ticket)));
}

#[sqlx::test(migrations = "../migrations")]
async fn activity_task_and_ticket_lists_sort_as_asked_and_refuse_an_unknown_order(pool: PgPool) {
    crate::seed::seed_demo(&pool).await.unwrap();
    let app = app(pool.clone());
    let grants = [
        (Entity::Activities, Access::Write),
        (Entity::Tasks, Access::Write),
        (Entity::Tickets, Access::Read),
    ];
    let (_, rep) = token(&pool, "sales2@keel.demo", &grants).await;
    let (_, agent) = token(&pool, "support@keel.demo", &grants).await;
    let contact: String = sqlx::query_scalar(
        "SELECT c.id::text FROM contacts c JOIN users u ON u.id = c.owner_id
          WHERE u.email = 'sales2@keel.demo' AND c.deleted_at IS NULL LIMIT 1",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    for (day, due) in [
        ("2026-11-20", "2027-01-03"),
        ("2026-11-10", "2027-01-01"),
        ("2026-11-15", ""),
    ] {
        let body = json!({"record_type": "contact", "record_id": contact, "kind": "note",
            "body": day, "occurred_at": format!("{day}T09:00:00Z")});
        let res = send(
            &app,
            with_body("POST", "/api/v1/activities", &rep, None, body),
        )
        .await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let task = json!({"record_type": "contact", "record_id": contact, "title": if due.is_empty() { "Undated".to_string() } else { format!("Due {due}") }, "due_on": due});
        let res = send(&app, with_body("POST", "/api/v1/tasks", &rep, None, task)).await;
        assert_eq!(res.status(), StatusCode::CREATED);
    }

    // Activities: newest first by default, oldest first when asked, a page at a time.
    let list = format!("/api/v1/activities?record_type=contact&record_id={contact}");
    let bodies = column(&app, &list, &rep, "body").await;
    let ours: Vec<&Value> = bodies
        .iter()
        .filter(|b| b.as_str().is_some_and(|b| b.starts_with("2026-11-")))
        .collect();
    assert_eq!(
        ours,
        [
            &json!("2026-11-20"),
            &json!("2026-11-15"),
            &json!("2026-11-10")
        ]
    );
    let oldest = format!("{list}&sort=occurred_at&limit=1");
    let res = send(&app, get(&oldest, &rep)).await;
    let first = json_of(res).await;
    let cursor = first["next_cursor"].as_str().unwrap().to_string();
    let second = column(
        &app,
        &format!("{oldest}&cursor={cursor}"),
        &rep,
        "occurred_at",
    )
    .await;
    assert!(first["data"][0]["occurred_at"].as_str() <= second[0].as_str());

    // Tasks by due date, undated last; and the other way.
    let due = column(&app, "/api/v1/tasks?sort=due_on&limit=200", &rep, "title").await;
    let pos = |t: &str| due.iter().position(|x| x == t).unwrap();
    assert!(
        pos("Due 2027-01-01") < pos("Due 2027-01-03") && pos("Due 2027-01-03") < pos("Undated")
    );
    let back = column(&app, "/api/v1/tasks?sort=-due_on&limit=200", &rep, "title").await;
    let pos = |t: &str| back.iter().position(|x| x == t).unwrap();
    assert!(
        pos("Undated") < pos("Due 2027-01-03") && pos("Due 2027-01-03") < pos("Due 2027-01-01")
    );
    let res = send(&app, get("/api/v1/tasks?sort=-due_on&limit=1", &rep)).await;
    let cursor = json_of(res).await["next_cursor"]
        .as_str()
        .unwrap()
        .to_string();
    let res = send(
        &app,
        get(
            &format!("/api/v1/tasks?sort=-due_on&limit=1&cursor={cursor}"),
            &rep,
        ),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);

    // Tickets newest first, a page of one at a time; the limit is bounded.
    let numbers = column(
        &app,
        "/api/v1/tickets?queue=open&sort=-number&limit=200",
        &agent,
        "number",
    )
    .await;
    assert!(numbers.len() > 2 && numbers.windows(2).all(|w| w[0].as_i64() > w[1].as_i64()));
    let res = send(
        &app,
        get("/api/v1/tickets?queue=open&sort=-number&limit=1", &agent),
    )
    .await;
    let page = json_of(res).await;
    assert_eq!(page["data"][0]["number"], numbers[0]);
    let cursor = page["next_cursor"].as_str().unwrap().to_string();
    let next = column(
        &app,
        &format!("/api/v1/tickets?queue=open&sort=-number&limit=1&cursor={cursor}"),
        &agent,
        "number",
    )
    .await;
    assert_eq!(next, [numbers[1].clone()]);
    let up = column(
        &app,
        "/api/v1/tickets?queue=open&sort=number&limit=200",
        &agent,
        "number",
    )
    .await;
    assert!(up.windows(2).all(|w| w[0].as_i64() < w[1].as_i64()));

    for bad in [
        "/api/v1/tasks?sort=title".to_string(),
        format!("{list}&sort=-author"),
        "/api/v1/tickets?sort=priority".to_string(),
        "/api/v1/tickets?limit=201".to_string(),
    ] {
        let res = send(&app, get(&bad, &agent)).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    }
}
