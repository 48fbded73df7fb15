//! Deals, pipelines and users through the public API: opened, moved, changed and closed as on
//! the board, each change at its version; the stages and owners a script names them by.
use axum::body::Body;
use http::{StatusCode, header};
use serde_json::json;
use sqlx::PgPool;
use uuid::Uuid;

use app::tokens::model::{Access, Entity};

use crate::api_tests::{call, get, json_of, token, with_body};
use crate::bad_input_tests::send;
use crate::http_tests::app;

#[sqlx::test(migrations = "../migrations")]
async fn deals_open_move_and_close_through_the_api_as_on_the_board(pool: PgPool) {
    crate::seed::seed_demo(&pool).await.unwrap();
    let app = app(pool.clone());
    let (_, west) = token(&pool, "sales2@keel.demo", &[(Entity::Deals, Access::Write)]).await;
    let (_, east) = token(&pool, "sales@keel.demo", &[(Entity::Deals, Access::Read)]).await;
    let (_, directory) = token(
        &pool,
        "sales@keel.demo",
        &[
            (Entity::Pipelines, Access::Read),
            (Entity::Users, Access::Read),
        ],
    )
    .await;
    let res = send(&app, get("/api/v1/pipelines", &directory)).await;
    assert_eq!(res.status(), StatusCode::OK);
    let pipelines = json_of(res).await;
    assert!(pipelines[0]["stages"].as_array().unwrap().len() >= 3);
    let res = send(&app, get("/api/v1/users", &directory)).await;
    assert!(
        json_of(res)
            .await
            .as_array()
            .unwrap()
            .iter()
            .any(|u| u["name"] == "Sarah Miller" && u["team"] == "West")
    );
    assert_eq!(
        send(&app, get("/api/v1/users", &east)).await.status(),
        StatusCode::FORBIDDEN
    );
    let stages: Vec<Uuid> = sqlx::query_scalar(
        "SELECT s.id FROM stages s JOIN pipelines p ON p.id = s.pipeline_id
          WHERE s.archived_at IS NULL ORDER BY p.position, p.created_at, s.position LIMIT 3",
    )
    .fetch_all(&pool)
    .await
    .unwrap();

    // Opened with its value in minor units; a fraction of a cent or text is refused by field.
    for (bad, field) in [
        (json!(12.5), "value_minor"),
        (json!("ten"), "value_minor"),
        (json!(-1), "value_minor"),
    ] {
        let res = send(
            &app,
            with_body(
                "POST",
                "/api/v1/deals",
                &west,
                None,
                json!({"title": "Bad", "value_minor": bad}),
            ),
        )
        .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        assert!(json_of(res).await["error"]["fields"][field].is_object());
    }
    let res = send(
        &app,
        with_body("POST", "/api/v1/deals", &west, None, json!({"title": "API deal", "value_minor": 1250050, "currency": "usd", "stage_id": stages[0], "company": "API Deals Ltd"})),
    )
    .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let deal = json_of(res).await;
    assert_eq!(deal["value_minor"], 1250050);
    assert_eq!(deal["currency"], "USD");
    assert_eq!(deal["company_name"], "API Deals Ltd");
    let id = deal["id"].as_str().unwrap().to_string();
    let v = deal["version"].as_i64().unwrap();
    let path = format!("/api/v1/deals/{id}");

    // Another team's token does not find it; the owner's lists it.
    assert_eq!(
        send(&app, get(&path, &east)).await.status(),
        StatusCode::NOT_FOUND
    );
    let res = send(&app, get("/api/v1/deals?status=open&limit=200", &west)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        json_of(res).await["data"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["id"] == id.as_str())
    );

    // Moved with its version; a stale move changes nothing and answers the deal as it is.
    let tag = |v: i64| format!("\"{v}\"");
    let res = send(
        &app,
        with_body(
            "POST",
            &format!("{path}/move"),
            &west,
            Some(&tag(v)),
            json!({"stage_id": stages[1]}),
        ),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let moved = json_of(res).await;
    assert_eq!(moved["stage_id"], stages[1].to_string());
    let res = send(
        &app,
        with_body(
            "POST",
            &format!("{path}/move"),
            &west,
            Some(&tag(v)),
            json!({"stage_id": stages[2]}),
        ),
    )
    .await;
    assert_eq!(res.status(), StatusCode::PRECONDITION_FAILED);
    assert_eq!(json_of(res).await["stage_id"], stages[1].to_string());
    let history: i64 =
        sqlx::query_scalar("SELECT count(*) FROM deal_stage_history WHERE deal_id = $1::uuid")
            .bind(&id)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert!(history >= 1);

    // A partial update keeps the rest; then won.
    let v = moved["version"].as_i64().unwrap();
    let res = send(
        &app,
        with_body(
            "PATCH",
            &path,
            &west,
            Some(&tag(v)),
            json!({"probability": 70}),
        ),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let changed = json_of(res).await;
    assert_eq!(changed["probability"], 70);
    assert_eq!(changed["value_minor"], 1250050);
    let v = changed["version"].as_i64().unwrap();
    let res = send(
        &app,
        call("POST", &format!("{path}/won"), &west)
            .header(header::IF_MATCH, tag(v))
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(json_of(res).await["status"], "won");
    // A read-only token may not close deals.
    let res = send(
        &app,
        with_body(
            "POST",
            &format!("{path}/lost"),
            &east,
            Some(&tag(v + 1)),
            json!({"reason": "x"}),
        ),
    )
    .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}
