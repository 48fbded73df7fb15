//! Control: replay, pausing, the addresses refused, and which changes are which events.
use std::time::Duration;

use http::StatusCode;
use serde_json::{Value, json};
use sqlx::PgPool;
use uuid::Uuid;

use super::*;

#[sqlx::test(migrations = "../migrations")]
async fn a_delivery_replays_and_a_day_of_failures_pauses_the_webhook(pool: PgPool) {
    let Setup {
        inbox,
        hook,
        app,
        writer,
        ..
    } = setup(&pool, &[], &["contact.created"]).await;
    new_contact(&app, &writer, "Replay Person").await;
    let sender = Sender::new(quick()).unwrap();
    drain(&pool, &sender, 10).await;
    assert_eq!(inbox.got().len(), 1);

    let admin = user(&pool, "admin@keel.demo").await;
    let delivery = app::webhooks::db::deliveries(&pool, &admin, hook, None)
        .await
        .unwrap()[0]
        .id;
    let mut tx = pool.begin().await.unwrap();
    app::webhooks::db::replay(&mut tx, &admin, delivery)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    drain(&pool, &sender, 10).await;
    let bodies = inbox.bodies();
    assert_eq!(bodies.len(), 2);
    assert_eq!(bodies[1]["id"], bodies[0]["id"], "the same event");
    assert_eq!(bodies[1]["attempt"], 2);

    // Failing since yesterday: the next failure pauses it and tells its owner.
    inbox.script.lock().unwrap().extend([(None, Answer::Fail)]);
    sqlx::query("UPDATE webhooks SET failing_since = now() - interval '25 hours'")
        .execute(&pool)
        .await
        .unwrap();
    new_contact(&app, &writer, "Paused Person").await;
    webhooks::run_once(&pool, &sender).await.unwrap();
    let paused: Option<chrono::DateTime<chrono::Utc>> =
        sqlx::query_scalar("SELECT paused_at FROM webhooks")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert!(paused.is_some());
    let told: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM notifications WHERE user_id = $1 AND kind = 'webhook_paused'",
    )
    .bind(admin.id.0)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(told, 1);
    // While paused, events queue and nothing is sent; resumed, they go out.
    new_contact(&app, &writer, "Queued Person").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    webhooks::run_once(&pool, &sender).await.unwrap();
    assert_eq!(inbox.got().len(), 3);
    set_paused(&pool, hook, false).await;
    drain(&pool, &sender, 10).await;
    let mut names: Vec<String> = inbox.bodies()[3..]
        .iter()
        .map(|b| b["data"]["full_name"].to_string())
        .collect();
    names.sort();
    assert_eq!(names, ["\"Paused Person\"", "\"Queued Person\""]);

    // Paused for longer than the log is kept, what waits is given up; old lines are forgotten.
    set_paused(&pool, hook, true).await;
    new_contact(&app, &writer, "Forgotten Person").await;
    sqlx::query(
        "UPDATE webhook_deliveries SET since = now() - interval '31 days' WHERE state = 'pending'",
    )
    .execute(&pool)
    .await
    .unwrap();
    sqlx::query("UPDATE webhook_deliveries SET last_at = now() - interval '31 days' WHERE event_id = (SELECT min(event_id) FROM webhook_deliveries)")
        .execute(&pool)
        .await
        .unwrap();
    webhooks::sweep(&pool, &Settings::default()).await.unwrap();
    let left: Vec<(String, Option<String>)> =
        sqlx::query_as("SELECT state, last_error FROM webhook_deliveries ORDER BY id")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(left.len(), 3, "{left:?}");
    assert_eq!(left[2], ("failed".to_string(), Some("expired".to_string())));
}

#[sqlx::test(migrations = "../migrations")]
async fn addresses_inside_the_house_are_refused_unless_allowed(pool: PgPool) {
    crate::seed::seed_demo(&pool).await.unwrap();
    let (addr, inbox) = receiver(&[]).await;
    let admin = user(&pool, "admin@keel.demo").await;
    for url in [
        format!("http://{addr}/hook"),
        format!("http://localhost:{}/hook", addr.port()),
        "http://169.254.169.254/latest/meta-data".to_string(),
        "http://[::1]/hook".to_string(),
    ] {
        let input = WebhookInput {
            url: url.clone(),
            events: [("*.*".to_string(), "on".to_string())].into(),
            allow_private: None,
        };
        let e = app::webhooks::db::create(&pool, &admin, &input.parse().unwrap())
            .await
            .unwrap_err();
        assert_eq!(e.field("url"), Some(Invalid::PrivateAddress), "{url}");
    }
    // Allowed, then the permission withdrawn: the worker refuses before connecting, whether the
    // address is written as an IP or as a name that resolves inside.
    let (hook, _) = subscribe(&pool, &format!("http://{addr}/hook"), &["*.*"], true).await;
    let (named, _) = subscribe(
        &pool,
        &format!("http://localhost:{}/hook", addr.port()),
        &["*.*"],
        true,
    )
    .await;
    sqlx::query("UPDATE webhooks SET allow_private = false")
        .execute(&pool)
        .await
        .unwrap();
    let app = app(pool.clone());
    let (_, writer) = token(
        &pool,
        "sales@keel.demo",
        &[(Entity::Contacts, Access::Write)],
    )
    .await;
    new_contact(&app, &writer, "Inside Person").await;
    let sender = Sender::new(quick()).unwrap();
    webhooks::run_once(&pool, &sender).await.unwrap();
    assert!(inbox.got().is_empty());
    for id in [hook, named] {
        let error: Option<String> =
            sqlx::query_scalar("SELECT last_error FROM webhook_deliveries WHERE webhook_id = $1")
                .bind(id)
                .fetch_one(&pool)
                .await
                .unwrap();
        assert_eq!(error.as_deref(), Some("private_address"));
    }
    // Only an administrator subscribes.
    let sales = user(&pool, "sales@keel.demo").await;
    let input = WebhookInput {
        url: "https://hooks.example.com/x".into(),
        events: [("*.*".to_string(), "on".to_string())].into(),
        allow_private: None,
    };
    let e = app::webhooks::db::create(&pool, &sales, &input.parse().unwrap()).await;
    assert_eq!(e.unwrap_err(), app::error::AppError::Forbidden);
}

#[sqlx::test(migrations = "../migrations")]
async fn deal_moves_wins_losses_and_logged_activities_are_named_events(pool: PgPool) {
    crate::seed::seed_demo(&pool).await.unwrap();
    let (addr, _inbox) = receiver(&[]).await;
    subscribe(
        &pool,
        &format!("http://{addr}/hook"),
        &["deal.*", "activity.logged"],
        true,
    )
    .await;
    let app = app(pool.clone());
    let (_, west) = token(
        &pool,
        "sales2@keel.demo",
        &[
            (Entity::Deals, Access::Write),
            (Entity::Contacts, Access::Write),
        ],
    )
    .await;
    let stages: Vec<Uuid> = sqlx::query_scalar(
        "SELECT s.id FROM stages s JOIN pipelines p ON p.id = s.pipeline_id
          WHERE s.archived_at IS NULL ORDER BY p.position, p.created_at, s.position LIMIT 2",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let res = send(
        &app,
        with_body(
            "POST",
            "/api/v1/deals",
            &west,
            None,
            json!({"title": "Hooked deal", "stage_id": stages[0]}),
        ),
    )
    .await;
    let deal = json_of(res).await;
    let path = format!("/api/v1/deals/{}", deal["id"].as_str().unwrap());
    let tag = |v: &Value| format!("\"{}\"", v["version"]);
    let res = send(
        &app,
        with_body(
            "POST",
            &format!("{path}/move"),
            &west,
            Some(&tag(&deal)),
            json!({"stage_id": stages[1]}),
        ),
    )
    .await;
    let moved = json_of(res).await;
    let res = send(
        &app,
        with_body(
            "POST",
            &format!("{path}/won"),
            &west,
            Some(&tag(&moved)),
            json!({}),
        ),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    // A contact change is not asked for; a note is.
    let (contact, _) = new_contact(&app, &west, "Noted Person").await;
    let sales2 = user(&pool, "sales2@keel.demo").await;
    let note = app::activities::model::InteractionInput {
        kind: "note".into(),
        body: "Called about the renewal".into(),
        ..Default::default()
    }
    .parse(chrono::Utc::now().date_naive())
    .unwrap();
    let mut tx = pool.begin().await.unwrap();
    let about = app::activities::model::SubjectKind::Contact;
    app::activities::db::log(&mut tx, &sales2, about, contact.parse().unwrap(), &note)
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let events: Vec<(String, Option<Value>)> =
        sqlx::query_as("SELECT event, previous FROM webhook_events ORDER BY id")
            .fetch_all(&pool)
            .await
            .unwrap();
    let names: Vec<&str> = events.iter().map(|(e, _)| e.as_str()).collect();
    assert_eq!(
        names,
        [
            "deal.created",
            "deal.stage_changed",
            "deal.won",
            "activity.logged"
        ]
    );
    assert!(
        events[1]
            .1
            .as_ref()
            .is_some_and(|p| p.get("stage").is_some())
    );
    assert_eq!(
        events[2].1.as_ref().map(|p| p["status"].clone()),
        Some(json!("open"))
    );
}
