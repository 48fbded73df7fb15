//! Webhooks end to end: changes made through the API reach a real receiver on the loopback
//! address, signed; a 500 and a timeout are retried; a record's events keep their order; an
//! event committed before a crash is delivered after; a replay sends again; a day of failures
//! pauses the subscription and tells its owner; addresses inside the house are refused. Here: the
//! receiver and the steps the tests share.
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
pub(super) enum Answer {
    Fail,
    Hang,
}

/// A scripted answer, for any request or only for one about a record of this name.
pub(super) type Step = (Option<&'static str>, Answer);

#[derive(Clone, Default)]
pub(super) struct Inbox {
    pub(super) got: Arc<Mutex<Vec<(HeaderMap, Value)>>>,
    pub(super) script: Arc<Mutex<VecDeque<Step>>>,
}

impl Inbox {
    pub(super) fn got(&self) -> Vec<(HeaderMap, Value)> {
        self.got.lock().unwrap().clone()
    }

    pub(super) fn bodies(&self) -> Vec<Value> {
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
pub(super) async fn receiver(script: &[Step]) -> (SocketAddr, Inbox) {
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

pub(super) fn quick() -> Settings {
    Settings {
        first_retry: Duration::from_millis(20),
        max_retry: Duration::from_millis(200),
        timeout: Duration::from_millis(500),
        ..Settings::default()
    }
}

/// An administrator's subscription of `url` to `events`; its id and secret.
pub(super) async fn subscribe(
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
    let made = app::webhooks::db::create(pool, &admin, &input.parse().unwrap())
        .await
        .unwrap();
    (made.id, made.secret)
}

/// Runs the worker until nothing is due or in backoff (at most `rounds` times).
pub(super) async fn drain(pool: &PgPool, sender: &Sender, rounds: usize) {
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

pub(super) async fn new_contact(app: &axum::Router, secret: &str, name: &str) -> (String, i64) {
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

pub(super) async fn rename(
    app: &axum::Router,
    secret: &str,
    id: &str,
    version: i64,
    name: &str,
) -> i64 {
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

/// What most tests start from: the demo data, a receiver answering `script`, an administrator's
/// subscription of it to `events`, the router, and a sales rep's token that writes contacts.
pub(super) struct Setup {
    pub(super) inbox: Inbox,
    pub(super) hook: Uuid,
    pub(super) secret: String,
    pub(super) app: axum::Router,
    pub(super) writer: String,
}

pub(super) async fn setup(pool: &PgPool, script: &[Step], events: &[&str]) -> Setup {
    crate::seed::seed_demo(pool).await.unwrap();
    let (addr, inbox) = receiver(script).await;
    let (hook, secret) = subscribe(pool, &format!("http://{addr}/hook"), events, true).await;
    let (_, writer) = token(
        pool,
        "sales@keel.demo",
        &[(Entity::Contacts, Access::Write)],
    )
    .await;
    Setup {
        inbox,
        hook,
        secret,
        app: app(pool.clone()),
        writer,
    }
}

/// Pauses or resumes a subscription as the demo administrator.
pub(super) async fn set_paused(pool: &PgPool, hook: Uuid, paused: bool) {
    let admin = user(pool, "admin@keel.demo").await;
    let mut tx = pool.begin().await.unwrap();
    app::webhooks::db::set_paused(&mut tx, &admin, hook, paused)
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

mod control;
mod delivery;
