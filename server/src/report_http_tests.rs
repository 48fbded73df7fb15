//! Reports through the real router and Postgres: a malformed or out-of-reach filter is a field
//! error (never a 500), and the CSV download holds the table's rows with headings in the user's
//! language.
use axum::body::Body;
use http::{Request, StatusCode, header};
use sqlx::PgPool;

use crate::bad_input_tests::{send, sign_in};
use crate::http_tests::{app, body_text};

fn report(cookie: &str, form: &str) -> Request<Body> {
    Request::post("/api/report")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "same-origin")
        .header(header::COOKIE, cookie)
        .body(Body::from(form.to_string()))
        .unwrap()
}

fn csv(cookie: &str, query: &str) -> Request<Body> {
    Request::get(format!("/export/report/win-rate.csv?{query}"))
        .header(header::COOKIE, cookie)
        .body(Body::empty())
        .unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn report_filters_are_checked_as_fields_and_the_csv_is_the_table(pool: PgPool) {
    crate::seed::seed_demo(&pool).await.unwrap();
    let app = app(pool.clone());
    let manager = sign_in(&app, "manager@keel.demo").await;
    let sales2 = sign_in(&app, "sales2@keel.demo").await;
    let east: uuid::Uuid =
        sqlx::query_scalar("SELECT id FROM users WHERE email = 'sales@keel.demo'")
            .fetch_one(&pool)
            .await
            .unwrap();
    let cases = [
        (
            &manager,
            "kind=win_rate&query[owner]=3f0c".to_string(),
            "owner",
        ),
        (
            &manager,
            format!("kind=win_rate&query[owner]={}", uuid::Uuid::new_v4()),
            "owner",
        ),
        // A West rep may not report on an East rep, nor on the East team.
        (
            &sales2,
            format!("kind=win_rate&query[owner]={east}"),
            "owner",
        ),
        (
            &sales2,
            "kind=win_rate&query[team]=East".to_string(),
            "team",
        ),
        (
            &manager,
            "kind=revenue&query[period]=custom&query[from]=2026-05-01&query[to]=2026-01-01"
                .to_string(),
            "to",
        ),
        (
            &manager,
            "kind=revenue&query[period]=custom&query[from]=2026-02-30&query[to]=2026-03-01"
                .to_string(),
            "from",
        ),
        (
            &manager,
            "kind=revenue&query[period]=custom&query[from]=2010-01-01&query[to]=2026-01-01"
                .to_string(),
            "to",
        ),
        (
            &manager,
            "kind=revenue&query[period]=fortnight".to_string(),
            "period",
        ),
        (
            &manager,
            "kind=revenue&query[currency]=XYZ".to_string(),
            "currency",
        ),
        (&manager, "kind=cycle&query[by]=source".to_string(), "by"),
        (
            &manager,
            "kind=activities&query[days]=-3".to_string(),
            "days",
        ),
        (
            &manager,
            "kind=funnel&query[pipeline]=nope".to_string(),
            "pipeline",
        ),
    ];
    for (cookie, form, field) in cases {
        let res = send(&app, report(cookie, &form)).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{form}");
        let body = body_text(res).await;
        assert!(body.contains(&format!("\"{field}\"")), "{form}: {body}");
    }
    // An unknown report is not found; a good one answers.
    let res = send(&app, report(&manager, "kind=pie")).await;
    assert!(res.status().is_client_error() && res.status() != StatusCode::INTERNAL_SERVER_ERROR);
    let res = send(
        &app,
        report(&manager, "kind=win_rate&query[period]=this_year"),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);

    // The CSV: the manager's language (Chinese) in the headings, a row per rep and the total;
    // a bad filter is refused as on the page.
    let res = send(&app, csv(&manager, "period=this_year")).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers()[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .contains("win-rate-")
    );
    let text = body_text(res).await;
    let lines: Vec<&str> = text
        .trim_start_matches('\u{feff}')
        .trim_end()
        .split("\r\n")
        .collect();
    assert!(
        lines[0].starts_with("销售,新建,赢单,输单,赢单率"),
        "{}",
        lines[0]
    );
    assert!(lines.last().unwrap().starts_with("合计,"), "{text}");
    assert!(lines.len() > 2);
    let res = send(
        &app,
        csv(&manager, "period=custom&from=2026-05-01&to=2026-01-01"),
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let res = send(
        &app,
        Request::get("/export/report/pie.csv")
            .header(header::COOKIE, &manager)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

fn zone_form(cookie: &str, endpoint: &str, form: &str) -> Request<Body> {
    Request::post(format!("/api/{endpoint}"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "same-origin")
        .header(header::COOKIE, cookie)
        .body(Body::from(form.to_string()))
        .unwrap()
}

/// The zone a user saves in Settings decides which day "today" is in their reports; a zone the
/// server does not know is a field error and changes nothing.
#[sqlx::test(migrations = "../migrations")]
async fn the_saved_time_zone_decides_the_reports_day(pool: PgPool) {
    crate::seed::seed_demo(&pool).await.unwrap();
    let app = app(pool.clone());
    let admin = sign_in(&app, "admin@keel.demo").await;
    let today_in = |zone: &'static str| {
        let app = app.clone();
        let admin = admin.clone();
        async move {
            let res = send(
                &app,
                zone_form(&admin, "set_time_zone", &format!("time_zone={zone}")),
            )
            .await;
            assert_eq!(res.status(), StatusCode::OK);
            assert_eq!(body_text(res).await, format!("\"{zone}\""));
            let res = send(&app, zone_form(&admin, "my_time_zone", "")).await;
            assert_eq!(body_text(res).await, format!("\"{zone}\""));
            let res = send(
                &app,
                report(&admin, "kind=new_customers&query[period]=today"),
            )
            .await;
            assert_eq!(res.status(), StatusCode::OK);
            let body: serde_json::Value = serde_json::from_str(&body_text(res).await).unwrap();
            body["span"]["from"].as_str().unwrap().to_string()
        }
    };
    // UTC+14 and UTC−11: 25 hours apart, never the same date.
    let east = today_in("Pacific/Kiritimati").await;
    let west = today_in("Pacific/Pago_Pago").await;
    let now = chrono::Utc::now();
    let east_now = (now + chrono::Duration::hours(14)).date_naive().to_string();
    let west_now = (now - chrono::Duration::hours(11)).date_naive().to_string();
    assert_eq!(east, east_now);
    assert_eq!(west, west_now);
    assert_ne!(east, west);

    let res = send(
        &app,
        zone_form(&admin, "set_time_zone", "time_zone=Mars%2FOlympus"),
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body_text(res).await.contains("\"time_zone\""));
    let zone: String =
        sqlx::query_scalar("SELECT time_zone FROM users WHERE email = 'admin@keel.demo'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(zone, "Pacific/Pago_Pago");
}
