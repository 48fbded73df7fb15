//! Webhooks end to end: changes made through the API reach a real receiver on the loopback
//! address, signed; a 500 and a timeout are retried; a record's events keep their order; an
//! event committed before a crash is delivered after; a replay sends again; a day of failures
//! pauses the subscription and tells its owner; addresses inside the house are refused.
use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::State;
use http::{HeaderMap, StatusCode};
use serde_json::{Value, json};
use sqlx::PgPool;
use uuid::Uuid;

use crate::api_tests::{json_of, token, user, with_body};
use crate::bad_input_tests::send;
use crate::http_tests::app;
use crate::webhooks::{self, Sender, Settings};
use app::error::Invalid;
use app::tokens::model::{Access, Entity};
use app::webhooks::model::WebhookInput;

/// How the receiver answers its next request (then 200 once the script is spent).
#[derive(Clone, Copy, Debug)]
enum Answer {
    Fail,
    Hang,
}

/// A scripted answer, for any request or only for one about a record of this name.
type Step = (Option<&'static str>, Answer);

#[derive(Clone, Default)]
struct Inbox {
    got: Arc<Mutex<Vec<(HeaderMap, Value)>>>,
    script: Arc<Mutex<VecDeque<Step>>>,
}

impl Inbox {
    fn got(&self) -> Vec<(HeaderMap, Value)> {
        self.got.lock().unwrap().clone()
    }

    fn bodies(&self) -> Vec<Value> {
        self.got().into_iter().map(|(_, b)| b).collect()
    }
}

async fn receive(State(inbox): State<Inbox>, headers: HeaderMap, body: String) -> StatusCode {
    let parsed: Value = serde_json::from_str(&body).unwrap_or(Value::String(body));
    let answer = {
        let mut script = inbox.script.lock().unwrap();
        let name = parsed["data"]["full_name"].as_str();
        let step = script
            .iter()
            .position(|(only, _)| only.is_none() || *only == name);
        step.and_then(|i| script.remove(i)).map(|(_, a)| a)
    };
    inbox.got.lock().unwrap().push((headers, parsed));
    match answer {
        Some(Answer::Fail) => StatusCode::INTERNAL_SERVER_ERROR,
        Some(Answer::Hang) => {
            tokio::time::sleep(Duration::from_secs(3)).await;
            StatusCode::OK
        }
        None => StatusCode::OK,
    }
}

/// A small HTTP server on the loopback address that keeps what it receives.
async fn receiver(script: &[Step]) -> (SocketAddr, Inbox) {
    let inbox = Inbox::default();
    inbox.script.lock().unwrap().extend(script.iter().copied());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let router = axum::Router::new()
        .route("/hook", axum::routing::post(receive))
        .with_state(inbox.clone());
    tokio::spawn(async move { axum::serve(listener, router).await });
    (addr, inbox)
}

fn quick() -> Settings {
    Settings {
        first_retry: Duration::from_millis(20),
        max_retry: Duration::from_millis(200),
        timeout: Duration::from_millis(500),
        ..Settings::default()
    }
}

/// An administrator's subscription of `url` to `events`; its id and secret.
async fn subscribe(
    pool: &PgPool,
    url: &str,
    events: &[&str],
    allow_private: bool,
) -> (Uuid, String) {
    let admin = user(pool, "admin@keel.demo").await;
    let input = WebhookInput {
        url: url.into(),
        events: events
            .iter()
            .map(|e| (e.to_string(), "on".into()))
            .collect(),
        allow_private: allow_private.then(|| "on".into()),
    };
    let mut tx = pool.begin().await.unwrap();
    let made = app::webhooks::db::create(&mut tx, &admin, &input.parse().unwrap())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    (made.id, made.secret)
}

/// Runs the worker until nothing is due or in backoff (at most `rounds` times).
async fn drain(pool: &PgPool, sender: &Sender, rounds: usize) {
    for _ in 0..rounds {
        webhooks::run_once(pool, sender).await.unwrap();
        let waiting: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
              WHERE d.state = 'pending' AND w.paused_at IS NULL",
        )
        .fetch_one(pool)
        .await
        .unwrap();
        if waiting == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(60)).await;
    }
}

async fn new_contact(app: &axum::Router, secret: &str, name: &str) -> (String, i64) {
    let res = send(
        app,
        with_body(
            "POST",
            "/api/v1/contacts",
            secret,
            None,
            json!({"full_name": name}),
        ),
    )
    .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let c = json_of(res).await;
    (
        c["id"].as_str().unwrap().to_string(),
        c["version"].as_i64().unwrap(),
    )
}

async fn rename(app: &axum::Router, secret: &str, id: &str, version: i64, name: &str) -> i64 {
    let path = format!("/api/v1/contacts/{id}");
    let tag = format!("\"{version}\"");
    let res = send(
        app,
        with_body(
            "PATCH",
            &path,
            secret,
            Some(&tag),
            json!({"full_name": name}),
        ),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    json_of(res).await["version"].as_i64().unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn a_change_reaches_the_receiver_signed_with_its_previous_values(pool: PgPool) {
    crate::seed::seed_demo(&pool).await.unwrap();
    let (addr, inbox) = receiver(&[]).await;
    let (hook, secret) =
        subscribe(&pool, &format!("http://{addr}/hook"), &["contact.*"], true).await;
    let app = app(pool.clone());
    let (_, writer) = token(
        &pool,
        "sales@keel.demo",
        &[(Entity::Contacts, Access::Write)],
    )
    .await;
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
    crate::seed::seed_demo(&pool).await.unwrap();
    let (addr, inbox) = receiver(&[(None, Answer::Fail), (None, Answer::Hang)]).await;
    subscribe(&pool, &format!("http://{addr}/hook"), &["*.*"], true).await;
    let app = app(pool.clone());
    let (_, writer) = token(
        &pool,
        "sales@keel.demo",
        &[(Entity::Contacts, Access::Write)],
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
    crate::seed::seed_demo(&pool).await.unwrap();
    let (addr, inbox) = receiver(&[
        (Some("Order 1"), Answer::Fail),
        (Some("Order 1"), Answer::Fail),
    ])
    .await;
    subscribe(
        &pool,
        &format!("http://{addr}/hook"),
        &["contact.updated"],
        true,
    )
    .await;
    let app = app(pool.clone());
    let (_, writer) = token(
        &pool,
        "sales@keel.demo",
        &[(Entity::Contacts, Access::Write)],
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
    crate::seed::seed_demo(&pool).await.unwrap();
    let (addr, inbox) = receiver(&[]).await;
    subscribe(&pool, &format!("http://{addr}/hook"), &["*.*"], true).await;
    let app = app(pool.clone());
    let (_, writer) = token(
        &pool,
        "sales@keel.demo",
        &[(Entity::Contacts, Access::Write)],
    )
    .await;
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

#[sqlx::test(migrations = "../migrations")]
async fn a_delivery_replays_and_a_day_of_failures_pauses_the_webhook(pool: PgPool) {
    crate::seed::seed_demo(&pool).await.unwrap();
    let (addr, inbox) = receiver(&[]).await;
    let (hook, _) = subscribe(
        &pool,
        &format!("http://{addr}/hook"),
        &["contact.created"],
        true,
    )
    .await;
    let app = app(pool.clone());
    let (_, writer) = token(
        &pool,
        "sales@keel.demo",
        &[(Entity::Contacts, Access::Write)],
    )
    .await;
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
    let mut tx = pool.begin().await.unwrap();
    app::webhooks::db::set_paused(&mut tx, &admin, hook, false)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    drain(&pool, &sender, 10).await;
    let mut names: Vec<String> = inbox.bodies()[3..]
        .iter()
        .map(|b| b["data"]["full_name"].to_string())
        .collect();
    names.sort();
    assert_eq!(names, ["\"Paused Person\"", "\"Queued Person\""]);

    // Paused for longer than the log is kept, what waits is given up; old lines are forgotten.
    let mut tx = pool.begin().await.unwrap();
    app::webhooks::db::set_paused(&mut tx, &admin, hook, true)
        .await
        .unwrap();
    tx.commit().await.unwrap();
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
        let mut tx = pool.begin().await.unwrap();
        let e = app::webhooks::db::create(&mut tx, &admin, &input.parse().unwrap())
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
    let mut tx = pool.begin().await.unwrap();
    let e = app::webhooks::db::create(&mut tx, &sales, &input.parse().unwrap()).await;
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
