//! Deliveries: signed, retried, in order, and kept through a crash.
use std::time::Duration;

use serde_json::json;
use sqlx::PgPool;

use super::*;

#[sqlx::test(migrations = "../migrations")]
async fn a_change_reaches_the_receiver_signed_with_its_previous_values(pool: PgPool) {
    let Setup {
        inbox,
        hook,
        secret,
        app,
        writer,
        ..
    } = setup(&pool, &[], &["contact.*"]).await;
    let (id, v) = new_contact(&app, &writer, "Hook Person").await;
    rename(&app, &writer, &id, v, "Hook Person Renamed").await;
    let sender = Sender::new(quick()).unwrap();
    drain(&pool, &sender, 10).await;

    let got = inbox.got();
    assert_eq!(got.len(), 2, "{:?}", inbox.bodies());
    let (headers, body) = &got[1];
    assert_eq!(body["event"], "contact.updated");
    assert_eq!(body["record"], json!({"type": "contact", "id": id}));
    assert_eq!(body["data"]["full_name"], "Hook Person Renamed");
    assert_eq!(body["previous"]["full_name"], "Hook Person");
    assert_eq!(body["attempt"], 1);
    assert!(body["data"].get("search_doc").is_none());
    assert_eq!(got[0].1["event"], "contact.created");
    assert_eq!(headers["keel-event"], "contact.updated");

    // The signature is HMAC-SHA256 of "timestamp.body" with the subscription's secret.
    let signature = headers["keel-signature"].to_str().unwrap();
    let t: i64 = signature.split(',').next().unwrap()[2..].parse().unwrap();
    assert!((chrono::Utc::now().timestamp() - t).abs() < 60);
    let raw = body.to_string();
    assert_eq!(signature, webhooks::sign(&secret, t, raw.as_bytes()));
    assert_ne!(signature, webhooks::sign("whsec_other", t, raw.as_bytes()));

    // The log shows each delivery with its answer; nothing else waits.
    let admin = user(&pool, "admin@keel.demo").await;
    let log = app::webhooks::db::deliveries(&pool, &admin, hook, None)
        .await
        .unwrap();
    assert_eq!(log.len(), 2);
    assert!(log.iter().all(
        |d| d.state == app::webhooks::model::DeliveryState::Delivered
            && d.last_status == Some(200)
            && d.last_latency_ms.is_some()
    ));
    // Only an administrator reads it.
    let sales = user(&pool, "sales@keel.demo").await;
    assert_eq!(
        app::webhooks::db::deliveries(&pool, &sales, hook, None)
            .await
            .unwrap_err(),
        app::error::AppError::Forbidden
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_500_and_a_timeout_are_retried_with_the_attempt_counted(pool: PgPool) {
    let Setup {
        inbox, app, writer, ..
    } = setup(
        &pool,
        &[(None, Answer::Fail), (None, Answer::Hang)],
        &["*.*"],
    )
    .await;
    new_contact(&app, &writer, "Retry Person").await;
    let sender = Sender::new(quick()).unwrap();

    webhooks::run_once(&pool, &sender).await.unwrap();
    let (state, status, error): (String, Option<i32>, Option<String>) =
        sqlx::query_as("SELECT state, last_status, last_error FROM webhook_deliveries")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(
        (state.as_str(), status, error.as_deref()),
        ("pending", Some(500), Some("status"))
    );
    tokio::time::sleep(Duration::from_millis(50)).await;
    webhooks::run_once(&pool, &sender).await.unwrap();
    let error: Option<String> = sqlx::query_scalar("SELECT last_error FROM webhook_deliveries")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(error.as_deref(), Some("timeout"));
    drain(&pool, &sender, 20).await;

    let attempts: Vec<i64> = inbox
        .bodies()
        .iter()
        .map(|b| b["attempt"].as_i64().unwrap())
        .collect();
    assert_eq!(attempts, [1, 2, 3]);
    let (state, attempts, failing): (String, i32, Option<chrono::DateTime<chrono::Utc>>) = sqlx::query_as(
        "SELECT d.state, d.attempts, w.failing_since FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!((state.as_str(), attempts, failing), ("delivered", 3, None));

    // A delivery still failing when its day of retries runs out is given up.
    inbox.script.lock().unwrap().extend([(None, Answer::Fail)]);
    new_contact(&app, &writer, "Given Up Person").await;
    sqlx::query(
        "UPDATE webhook_deliveries SET since = now() - interval '24 hours' WHERE state = 'pending'",
    )
    .execute(&pool)
    .await
    .unwrap();
    webhooks::run_once(&pool, &sender).await.unwrap();
    let states: Vec<String> =
        sqlx::query_scalar("SELECT state FROM webhook_deliveries ORDER BY id")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(states, ["delivered", "failed"]);
}

#[test]
fn retries_back_off_exponentially_up_to_two_hours() {
    let s = Settings::default();
    let waits: Vec<u64> = (1..=10).map(|n| s.backoff(n).as_secs()).collect();
    assert_eq!(waits, [30, 60, 120, 240, 480, 960, 1920, 3840, 7200, 7200]);
    // Nineteen tries fit in the day before a delivery is given up.
    let mut spent = 0;
    let tries = (1..)
        .take_while(|n| {
            spent += s.backoff(*n).as_secs();
            spent < 24 * 3600
        })
        .count();
    assert_eq!(tries + 1, 19);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_records_events_arrive_in_order_even_when_the_first_is_retried(pool: PgPool) {
    let Setup {
        inbox, app, writer, ..
    } = setup(
        &pool,
        &[
            (Some("Order 1"), Answer::Fail),
            (Some("Order 1"), Answer::Fail),
        ],
        &["contact.updated"],
    )
    .await;
    let (id, mut v) = new_contact(&app, &writer, "Order 0").await;
    let (other, _) = new_contact(&app, &writer, "Other 0").await;
    for n in 1..=3 {
        v = rename(&app, &writer, &id, v, &format!("Order {n}")).await;
    }
    let other_version: i64 =
        sqlx::query_scalar("SELECT version::int8 FROM contacts WHERE id = $1::uuid")
            .bind(&other)
            .fetch_one(&pool)
            .await
            .unwrap();
    rename(&app, &writer, &other, other_version, "Other 1").await;
    let sender = Sender::new(quick()).unwrap();
    drain(&pool, &sender, 30).await;

    let names: Vec<String> = inbox
        .bodies()
        .iter()
        .filter(|b| b["record"]["id"] == id.as_str())
        .map(|b| b["data"]["full_name"].as_str().unwrap().to_string())
        .collect();
    // The first one failed twice; the later ones waited for it, then followed in order.
    assert_eq!(
        names,
        ["Order 1", "Order 1", "Order 1", "Order 2", "Order 3"]
    );
    // Another record's event did not wait behind them.
    let at = |name: &str| {
        inbox
            .bodies()
            .iter()
            .position(|b| b["data"]["full_name"] == name)
    };
    assert!(at("Other 1") < at("Order 2"), "{:?}", inbox.bodies());
}

#[sqlx::test(migrations = "../migrations")]
async fn an_event_survives_a_crash_between_commit_and_delivery_and_a_rollback_sends_none(
    pool: PgPool,
) {
    let Setup {
        inbox, app, writer, ..
    } = setup(&pool, &[], &["*.*"]).await;
    new_contact(&app, &writer, "Crash Person").await;

    // A worker claims the delivery and dies before sending it (its lease then runs out).
    let claimed = webhooks::claim(&pool, &quick()).await.unwrap();
    assert_eq!(claimed.len(), 1);
    drop(claimed);
    assert!(
        webhooks::claim(&pool, &quick()).await.unwrap().is_empty(),
        "leased"
    );
    sqlx::query("UPDATE webhook_deliveries SET next_at = now()")
        .execute(&pool)
        .await
        .unwrap();

    // A change that rolls back writes no event.
    let mut tx = pool.begin().await.unwrap();
    let sales = user(&pool, "sales@keel.demo").await;
    let draft = app::contacts::model::ContactInput {
        full_name: "Never Was".into(),
        ..Default::default()
    }
    .parse(chrono::Utc::now().date_naive())
    .unwrap();
    app::contacts::db::create(&mut tx, &sales, &draft)
        .await
        .unwrap();
    tx.rollback().await.unwrap();

    // A new worker (the restarted server) delivers it, as a second attempt.
    let restarted = Sender::new(quick()).unwrap();
    drain(&pool, &restarted, 10).await;
    let bodies = inbox.bodies();
    assert_eq!(bodies.len(), 1, "{bodies:?}");
    assert_eq!(bodies[0]["data"]["full_name"], "Crash Person");
    assert_eq!(bodies[0]["attempt"], 2);
}
