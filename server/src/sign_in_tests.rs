//! Sign-in under attack, through the real router and Postgres: parallel guesses, guesses spread
//! over many emails, floods, hostile input, and the session rotation of a password change.
use std::net::{IpAddr, SocketAddr};

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use http::{Request, StatusCode, header};
use sqlx::PgPool;
use tower::ServiceExt;

use app::error::{AppError, Invalid};
use app::users::model::Role;
use app::users::throttle::{ACCOUNT_FREE, ADDRESS_FREE};
use app::users::{db as users_db, password};

use crate::http_tests::app;

const PASSWORD: &str = "right-password-1";

async fn user(pool: &PgPool, email: &str) {
    let hash = password::hash(PASSWORD.into()).await.unwrap();
    let mut conn = pool.acquire().await.unwrap();
    users_db::upsert_user(&mut conn, email, "Test", &hash, Role::Sales, "en")
        .await
        .unwrap();
}

fn from(i: u32) -> IpAddr {
    IpAddr::from([10, (i >> 16) as u8, (i >> 8) as u8, i as u8])
}

/// A same-origin form POST from the client at `addr`, with an optional session cookie.
async fn post(
    app: &Router,
    path: &str,
    addr: IpAddr,
    cookie: Option<&str>,
    form: String,
) -> axum::response::Response {
    let mut req = Request::post(path)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "same-origin")
        .extension(ConnectInfo(SocketAddr::new(addr, 40000)));
    if let Some(c) = cookie {
        req = req.header(header::COOKIE, c);
    }
    app.clone()
        .oneshot(req.body(Body::from(form)).unwrap())
        .await
        .unwrap()
}

async fn login(app: &Router, addr: IpAddr, email: &str, pw: &str) -> axum::response::Response {
    let form = format!(
        "email={}&password={}",
        app::ui::url::encode(email),
        app::ui::url::encode(pw)
    );
    post(app, "/api/login", addr, None, form).await
}

fn session_cookie(res: &axum::response::Response) -> Option<String> {
    res.headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("keel_session=") && !c.starts_with("keel_session=;"))
        .and_then(|c| c.split(';').next())
        .map(str::to_string)
}

async fn me(app: &Router, cookie: &str) -> StatusCode {
    post(app, "/api/me", from(1), Some(cookie), String::new())
        .await
        .status()
}

/// The typed error a response carries (panics on a body that is not one: that is a failure too).
async fn error_of(res: axum::response::Response) -> (StatusCode, AppError) {
    let status = res.status();
    let bytes = axum::body::to_bytes(res.into_body(), 1 << 20)
        .await
        .unwrap();
    let e = serde_json::from_slice(&bytes)
        .unwrap_or_else(|_| panic!("not a typed error: {}", String::from_utf8_lossy(&bytes)));
    (status, e)
}

/// How many of `responses` were wrong-credential answers (the password was really checked) and
/// how many were told to wait; anything else fails the test.
async fn tally(responses: Vec<axum::response::Response>) -> (usize, usize) {
    let (mut checked, mut waited) = (0, 0);
    for res in responses {
        let retry_after = res.headers().get(header::RETRY_AFTER).cloned();
        match error_of(res).await {
            (StatusCode::UNPROCESSABLE_ENTITY, e)
                if e.field("form") == Some(Invalid::Credentials)
                    || e.field("current_password") == Some(Invalid::Credentials) =>
            {
                checked += 1
            }
            (StatusCode::TOO_MANY_REQUESTS, AppError::RateLimited { retry_after_secs }) => {
                assert!(retry_after_secs >= 1);
                assert_eq!(
                    retry_after.and_then(|v| v.to_str().ok()?.parse::<u32>().ok()),
                    Some(retry_after_secs),
                    "429 carries Retry-After"
                );
                waited += 1
            }
            other => panic!("unexpected answer {other:?}"),
        }
    }
    (checked, waited)
}

async fn in_parallel<F>(n: u32, each: impl Fn(u32) -> F) -> Vec<axum::response::Response>
where
    F: std::future::Future<Output = axum::response::Response> + Send + 'static,
{
    let tasks: Vec<_> = (0..n).map(|i| tokio::spawn(each(i))).collect();
    let mut out = Vec::new();
    for t in tasks {
        out.push(t.await.unwrap());
    }
    out
}

#[sqlx::test(migrations = "../migrations")]
async fn forty_parallel_wrong_passwords_let_only_the_free_attempts_reach_the_password(
    pool: PgPool,
) {
    user(&pool, "target@keel.test").await;
    let app = app(pool);
    // Forty guesses at once, each from its own address (a botnet): the account's count decides.
    let responses = in_parallel(40, |i| {
        let app = app.clone();
        async move { login(&app, from(i), "target@keel.test", &format!("guess-{i}")).await }
    })
    .await;
    let (checked, waited) = tally(responses).await;
    assert!(
        (1..=ACCOUNT_FREE as usize).contains(&checked),
        "{checked} guesses reached the password check"
    );
    assert_eq!(checked + waited, 40);
    // Even the right password now waits.
    let res = login(&app, from(99), "target@keel.test", PASSWORD).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[sqlx::test(migrations = "../migrations")]
async fn one_address_guessing_across_many_emails_is_throttled(pool: PgPool) {
    let app = app(pool);
    let attacker = from(7);
    let responses = in_parallel(ADDRESS_FREE as u32 + 10, |i| {
        let app = app.clone();
        async move {
            login(
                &app,
                attacker,
                &format!("person{i}@keel.test"),
                "guess-guess",
            )
            .await
        }
    })
    .await;
    let (checked, waited) = tally(responses).await;
    assert!(
        (1..=ADDRESS_FREE as usize).contains(&checked),
        "{checked} guesses checked"
    );
    assert!(waited >= 10, "only {waited} told to wait");
    // Another client is not held up by this one.
    let res = login(&app, from(8), "someone@keel.test", "guess-guess").await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_success_is_not_held_against_the_account(pool: PgPool) {
    user(&pool, "daily@keel.test").await;
    let app = app(pool);
    for _ in 0..ACCOUNT_FREE + 3 {
        let res = login(&app, from(3), "daily@keel.test", PASSWORD).await;
        assert_eq!(res.status(), StatusCode::OK);
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn hostile_sign_in_fields_get_typed_client_errors(pool: PgPool) {
    let app = app(pool);
    let huge = format!("{}@keel.test", "a".repeat(3000));
    let (status, e) = error_of(login(&app, from(1), &huge, "whatever-1").await).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(e.field("email"), Some(Invalid::TooLong { max: 254 }));

    let (status, e) =
        error_of(login(&app, from(1), "a@keel.test", &"p".repeat(10_000)).await).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(e.field("password"), Some(Invalid::TooLong { max: 128 }));

    // A NUL byte anywhere: refused as input (a field error, or a bad request if an outer layer
    // catches it first), never a 500.
    for (email, pw) in [
        ("wang\0@keel.test", "whatever-1"),
        ("wang@keel.test", "what\0ever"),
        ("\0", "\0"),
    ] {
        let (status, e) = error_of(login(&app, from(1), email, pw).await).await;
        assert!(status.is_client_error(), "{email:?}/{pw:?}: {status}");
        assert!(
            matches!(e, AppError::Validation { .. } | AppError::BadRequest),
            "{e:?}"
        );
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn a_next_that_would_leave_the_site_sends_the_browser_home(pool: PgPool) {
    user(&pool, "nav@keel.test").await;
    let app = app(pool);
    for (next, expected) in [
        ("/%09/evil.example", "/"),
        ("//evil.example", "/"),
        ("/%5Cevil.example", "/"),
        ("/contacts%3Fq%3D1", "/contacts?q=1"),
    ] {
        let req = Request::post("/api/login")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "text/html")
            .header("sec-fetch-site", "same-origin")
            .body(Body::from(format!(
                "email=nav@keel.test&password={PASSWORD}&next={next}"
            )))
            .unwrap();
        let res = app.clone().oneshot(req).await.unwrap();
        assert!(res.status().is_redirection(), "{next}: {}", res.status());
        assert_eq!(res.headers()[header::LOCATION], expected, "{next}");
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn changing_the_password_rotates_the_session_cookie(pool: PgPool) {
    user(&pool, "rotate@keel.test").await;
    let app = app(pool);
    let old = session_cookie(&login(&app, from(1), "rotate@keel.test", PASSWORD).await).unwrap();
    let form = format!(
        "current_password={PASSWORD}&new_password=brand-new-pass&confirm_password=brand-new-pass"
    );
    let res = post(&app, "/api/change_password", from(1), Some(&old), form).await;
    assert_eq!(res.status(), StatusCode::OK);
    let new = session_cookie(&res).expect("a new session cookie");
    assert_ne!(new, old);
    assert_eq!(me(&app, &old).await, StatusCode::UNAUTHORIZED);
    assert_eq!(me(&app, &new).await, StatusCode::OK);
}

#[sqlx::test(migrations = "../migrations")]
async fn wrong_current_passwords_are_throttled_like_sign_in(pool: PgPool) {
    user(&pool, "stolen@keel.test").await;
    let app = app(pool);
    let cookie = session_cookie(&login(&app, from(1), "stolen@keel.test", PASSWORD).await).unwrap();
    // Someone at an unlocked screen guessing the current password, forty times at once.
    let responses = in_parallel(40, |i| {
        let (app, cookie) = (app.clone(), cookie.clone());
        async move {
            let form = format!(
                "current_password=guess-{i}&new_password=taken-over-1&confirm_password=taken-over-1"
            );
            post(&app, "/api/change_password", from(i), Some(&cookie), form).await
        }
    })
    .await;
    let (checked, waited) = tally(responses).await;
    assert!(
        (1..=ACCOUNT_FREE as usize).contains(&checked),
        "{checked} guesses checked"
    );
    assert_eq!(checked + waited, 40);
    assert_eq!(me(&app, &cookie).await, StatusCode::OK, "nothing changed");
}
