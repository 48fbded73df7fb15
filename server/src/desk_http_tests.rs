//! The customer's side of the service desk through the real router and Postgres, signed out: the
//! web form, the follow page and its replies, the rating link; the rate limit on public writes;
//! forged links; internal notes never in what a customer is sent.
use std::net::{IpAddr, SocketAddr};

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use http::{Request, StatusCode, header};
use sqlx::PgPool;
use tower::ServiceExt;

use app::error::AppError;
use app::users::throttle::PUBLIC_DESK_FREE;

use crate::http_tests::{app, body_text};

fn from(i: u8) -> IpAddr {
    IpAddr::from([10, 0, 0, i])
}

/// A same-origin form POST from the client at `addr`, signed out.
async fn post(app: &Router, path: &str, addr: IpAddr, form: &str) -> axum::response::Response {
    let req = Request::post(path)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "same-origin")
        .extension(ConnectInfo(SocketAddr::new(addr, 40000)))
        .body(Body::from(form.to_string()))
        .unwrap();
    app.clone().oneshot(req).await.unwrap()
}

async fn get(app: &Router, path: &str) -> axum::response::Response {
    let req = Request::get(path)
        .header(header::ACCEPT, "text/html")
        .extension(ConnectInfo(SocketAddr::new(from(200), 40000)))
        .body(Body::empty())
        .unwrap();
    app.clone().oneshot(req).await.unwrap()
}

fn location(res: &axum::response::Response) -> String {
    res.headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

async fn open_form(pool: &PgPool) {
    sqlx::query("INSERT INTO desk_teams (team, rule, web_form) VALUES ('Service', 'manual', true)")
        .execute(pool)
        .await
        .unwrap();
}

const FORM: &str = "input[team]=Service&input[name]=Li+Na&input[email]=li.na%40example.cn\
    &input[subject]=Printer+jams&input[description]=Every+morning";

/// Submits the form from `addr`; the follow page it leads to.
async fn submit(app: &Router, addr: IpAddr) -> String {
    let res = post(app, "/api/submit_web_ticket", addr, FORM).await;
    let to = location(&res);
    assert!(to.starts_with("/support/t/"), "{:?} → {to:?}", res.status());
    to
}

#[sqlx::test(migrations = "../migrations")]
async fn a_customer_submits_the_form_follows_their_ticket_and_never_sees_a_note(pool: PgPool) {
    let app = app(pool.clone());
    // No team takes web tickets until an admin turns its form on.
    assert_eq!(
        get(&app, "/support/Service").await.status(),
        StatusCode::NOT_FOUND
    );
    let res = post(&app, "/api/submit_web_ticket", from(1), FORM).await;
    let (st, loc) = (res.status(), location(&res));
    assert_eq!(st, StatusCode::NOT_FOUND, "{loc} {}", body_text(res).await);
    open_form(&pool).await;
    let form = get(&app, "/support/Service").await;
    assert_eq!(form.status(), StatusCode::OK);
    let html = body_text(form).await;
    assert!(html.contains("Contact support"), "the form");
    assert!(
        !html.contains("keel.js") && !html.contains(".wasm"),
        "the customer's pages load no app code"
    );

    let follow = submit(&app, from(1)).await;
    let ticket: uuid::Uuid = sqlx::query_scalar("SELECT id FROM tickets")
        .fetch_one(&pool)
        .await
        .unwrap();
    sqlx::query("INSERT INTO ticket_messages (ticket_id, kind, body) VALUES ($1, 'note', 'INTERNAL-ONLY remark'), ($1, 'reply', 'We are on it')")
        .bind(ticket)
        .execute(&pool)
        .await
        .unwrap();
    let page = get(&app, &follow).await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = body_text(page).await;
    assert!(html.contains("Every morning") && html.contains("We are on it"));
    assert!(
        !html.contains("INTERNAL-ONLY"),
        "a note is never sent to a customer"
    );
    // The same through the server function the page loads.
    let token = follow.trim_start_matches("/support/t/");
    let data = body_text(
        post(
            &app,
            "/api/followed_ticket",
            from(1),
            &format!("token={token}"),
        )
        .await,
    )
    .await;
    assert!(data.contains("We are on it") && !data.contains("INTERNAL-ONLY"));

    // A reply through the link lands on the ticket as the customer's words.
    let res = post(
        &app,
        "/api/reply_web_ticket",
        from(1),
        &format!("token={token}&body=Still+jams"),
    )
    .await;
    assert_eq!(location(&res), follow);
    let kinds: Vec<String> =
        sqlx::query_scalar("SELECT kind FROM ticket_messages WHERE body = 'Still jams'")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(kinds, ["customer"]);

    // A forged link, or another ticket's id under this signature, opens nothing.
    let (id, signature) = token.split_once('.').unwrap();
    for forged in [
        format!("{id}.{}", "0".repeat(32)),
        format!("{}.{signature}", uuid::Uuid::nil()),
        "not-a-link".to_string(),
    ] {
        let res = get(&app, &format!("/support/t/{forged}")).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{forged}");
        assert!(!body_text(res).await.contains("Every morning"));
        let res = post(
            &app,
            "/api/reply_web_ticket",
            from(1),
            &format!("token={forged}&body=x"),
        )
        .await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn public_writes_are_rate_limited_per_client_address(pool: PgPool) {
    open_form(&pool).await;
    let app = app(pool.clone());
    for _ in 0..PUBLIC_DESK_FREE {
        submit(&app, from(2)).await;
    }
    let res = post(&app, "/api/submit_web_ticket", from(2), FORM).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(res.headers().contains_key(header::RETRY_AFTER));
    // Refused before anything was written; another client is not held back.
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM tickets")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(n, PUBLIC_DESK_FREE as i64);
    submit(&app, from(3)).await;
    // Bad input counts too: a flood of garbage is no cheaper.
    let res = post(&app, "/api/reply_web_ticket", from(2), "token=x&body=").await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_resolved_ticket_offers_a_rating_link_that_takes_one_rating(pool: PgPool) {
    open_form(&pool).await;
    let app = app(pool.clone());
    let follow = submit(&app, from(4)).await;
    assert!(
        !body_text(get(&app, &follow).await)
            .await
            .contains("/support/rate/")
    );
    sqlx::query("UPDATE tickets SET status = 'resolved', resolved_at = now()")
        .execute(&pool)
        .await
        .unwrap();
    let html = body_text(get(&app, &follow).await).await;
    let start = html
        .find("/support/rate/")
        .expect("a rating link once resolved");
    let link: String = html[start..].chars().take_while(|c| *c != '"').collect();
    let token = link.trim_start_matches("/support/rate/").to_string();
    assert!(
        body_text(get(&app, &link).await)
            .await
            .contains("How did we do?")
    );

    let res = post(
        &app,
        "/api/rate_ticket",
        from(4),
        &format!("token={token}&score=9&comment="),
    )
    .await;
    assert_eq!(
        res.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "1 to 5 only"
    );
    let res = post(
        &app,
        "/api/rate_ticket",
        from(4),
        &format!("token={token}&score=5&comment=Fast"),
    )
    .await;
    assert_eq!(location(&res), link);
    let rated: (Option<i16>, Option<String>) =
        sqlx::query_as("SELECT rating, rating_comment FROM tickets")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(rated, (Some(5), Some("Fast".into())));
    let again = post(
        &app,
        "/api/rate_ticket",
        from(4),
        &format!("token={token}&score=1&comment="),
    )
    .await;
    assert_eq!(again.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let e: AppError = serde_json::from_str(&body_text(again).await).unwrap();
    assert_eq!(e.field("score"), Some(app::error::Invalid::Used));
    assert!(
        body_text(get(&app, &link).await)
            .await
            .contains("Your rating is recorded.")
    );
    let forged = format!("{}.{}", token.rsplit_once('.').unwrap().0, "f".repeat(32));
    let res = post(
        &app,
        "/api/rate_ticket",
        from(4),
        &format!("token={forged}&score=1&comment="),
    )
    .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}
