//! HTTP tests through the real router: sessions, typed errors, CSRF defence and headers.
use axum::Router;
use axum::body::Body;
use http::{Request, StatusCode, header};
use sqlx::PgPool;
use tower::ServiceExt;

use crate::config::Settings;
use crate::seed;

pub(crate) fn app(pool: PgPool) -> Router {
    let settings = Settings::from_lookup(|k| match k {
        "DATABASE_URL" => Some("postgres://unused/unused".into()),
        _ => None,
    })
    .unwrap();
    crate::startup::router(&settings, pool)
}

pub(crate) async fn body_text(res: axum::response::Response) -> String {
    String::from_utf8(
        axum::body::to_bytes(res.into_body(), 1 << 20)
            .await
            .unwrap()
            .to_vec(),
    )
    .unwrap()
}

/// A same-origin form POST, as the browser sends it, with an optional session cookie.
pub(crate) async fn post(
    app: &Router,
    path: &str,
    cookie: Option<&str>,
    form: &str,
) -> axum::response::Response {
    let mut req = Request::post(path)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "same-origin");
    if let Some(c) = cookie {
        req = req.header(header::COOKIE, c);
    }
    app.clone()
        .oneshot(req.body(Body::from(form.to_string())).unwrap())
        .await
        .unwrap()
}

pub(crate) async fn login(app: &Router, email: &str, password: &str) -> axum::response::Response {
    post(
        app,
        "/api/login",
        None,
        &format!("email={email}&password={password}"),
    )
    .await
}

pub(crate) fn session_cookie(res: &axum::response::Response) -> Option<String> {
    res.headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("keel_session=") && !c.starts_with("keel_session=;"))
        .map(|c| c.split(';').next().unwrap().to_string())
}

/// The demo data, the router, and a session cookie of the demo user `email`.
pub(crate) async fn signed_in(pool: PgPool, email: &str) -> (Router, String) {
    seed::seed_demo(&pool).await.unwrap();
    let app = app(pool);
    let cookie = session_cookie(&login(&app, email, seed::DEMO_PASSWORD).await).unwrap();
    (app, cookie)
}

pub(crate) async fn call(
    app: &Router,
    path: &str,
    cookie: Option<&str>,
) -> axum::response::Response {
    post(app, path, cookie, "").await
}

#[sqlx::test(migrations = "../migrations")]
async fn healthz_reports_the_database(pool: PgPool) {
    let res = app(pool)
        .oneshot(Request::get("/healthz").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(body_text(res).await.contains(r#""database":"ok""#));
}

#[sqlx::test(migrations = "../migrations")]
async fn a_server_function_without_a_session_gets_a_typed_unauthorized(pool: PgPool) {
    let res = call(&app(pool), "/api/me", None).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(body_text(res).await, r#"{"kind":"unauthorized"}"#);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_page_without_a_session_redirects_to_sign_in(pool: PgPool) {
    let res = app(pool)
        .oneshot(Request::get("/contacts?q=1").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        res.headers()[header::LOCATION],
        "/login?next=/contacts%3Fq%3D1"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn pages_render_with_security_headers_and_the_login_page_with_no_script(pool: PgPool) {
    let (app, cookie) = signed_in(pool, "admin@keel.demo").await;
    let res = get(&app, "/login", None).await;
    assert_eq!(res.status(), StatusCode::OK);
    let h = res.headers().clone();
    assert!(
        h[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap()
            .contains("'nonce-")
    );
    assert_eq!(h[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(h[header::X_FRAME_OPTIONS], "DENY");
    assert_eq!(
        h[header::REFERRER_POLICY],
        "strict-origin-when-cross-origin"
    );
    let html = body_text(res).await;
    assert!(html.contains("Sign in to Keel"));
    assert!(
        !html.contains(".js\"") && !html.contains(".wasm") && !html.contains("modulepreload"),
        "the sign-in page loads no code: {html}"
    );

    let res = get(&app, "/settings", Some(&cookie)).await;
    assert_eq!(res.status(), StatusCode::OK);
    let csp = res.headers()[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap()
        .to_string();
    let html = body_text(res).await;
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .unwrap()
        .split('\'')
        .next()
        .unwrap();
    assert!(
        html.contains(&format!("nonce=\"{nonce}\"")),
        "the hydration script carries the CSP nonce"
    );
}

/// A form POST as a browser sends it without the app's code: it accepts HTML and says where it
/// came from.
async fn plain_form_post(
    app: &Router,
    path: &str,
    from: &str,
    form: &str,
) -> axum::response::Response {
    let req = Request::post(path)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "same-origin")
        .header(header::ACCEPT, "text/html,application/xhtml+xml")
        .header(header::REFERER, from);
    app.clone()
        .oneshot(req.body(Body::from(form.to_string())).unwrap())
        .await
        .unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn the_sign_in_pages_forms_work_without_code(pool: PgPool) {
    seed::seed_demo(&pool).await.unwrap();
    let app = app(pool);
    let from = "http://localhost/login?next=%2Fcontacts";
    let location = |res: &axum::response::Response| {
        res.headers()[header::LOCATION]
            .to_str()
            .unwrap()
            .to_string()
    };

    // The language switch: the cookie, and back to the page.
    let res = plain_form_post(&app, "/api/set_locale", from, "locale=zh-CN").await;
    assert_eq!(res.status(), StatusCode::FOUND);
    assert_eq!(location(&res), from);
    assert!(
        res.headers()
            .get_all(header::SET_COOKIE)
            .iter()
            .any(|c| c.to_str().unwrap().starts_with("i18n_pref_locale=zh-CN")),
        "the language is kept in a cookie"
    );
    let res = plain_form_post(&app, "/api/set_locale", from, "locale=xx").await;
    assert_eq!(res.status(), StatusCode::FOUND);
    assert!(
        location(&res).contains("__err="),
        "a language Keel lacks is refused"
    );

    // A wrong password: back to the page, which shows why.
    let wrong = "email=admin%40keel.demo&password=not-the-password&next=%2Fcontacts";
    let res = plain_form_post(&app, "/api/login", from, wrong).await;
    assert_eq!(res.status(), StatusCode::FOUND);
    assert!(session_cookie(&res).is_none());
    let back = location(&res);
    assert!(back.starts_with(from) && back.contains("__err="), "{back}");
    let page = body_text(get(&app, back.trim_start_matches("http://localhost"), None).await).await;
    assert!(page.contains("Wrong email or password."), "{page}");

    // The right one: signed in, and on where the sign-in was leading.
    let right = format!(
        "email=admin%40keel.demo&password={}&next=%2Fcontacts",
        seed::DEMO_PASSWORD
    );
    let res = plain_form_post(&app, "/api/login", from, &right).await;
    assert_eq!(res.status(), StatusCode::FOUND);
    assert_eq!(location(&res), "/contacts");
    let cookie = session_cookie(&res).expect("a session");
    assert_eq!(
        get(&app, "/contacts", Some(&cookie)).await.status(),
        StatusCode::OK
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn signing_in_sets_an_http_only_cookie_that_opens_server_functions(pool: PgPool) {
    seed::seed_demo(&pool).await.unwrap();
    let app = app(pool);
    let res = login(&app, "admin@keel.demo", seed::DEMO_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::OK);
    let set_cookie: Vec<_> = res
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect();
    assert!(set_cookie.iter().any(|c| c.starts_with("keel_session=")
        && c.contains("HttpOnly")
        && c.contains("SameSite=Lax")));
    let cookie = session_cookie(&res).unwrap();
    let me = call(&app, "/api/me", Some(&cookie)).await;
    assert_eq!(me.status(), StatusCode::OK);
    assert!(body_text(me).await.contains("admin@keel.demo"));
}

#[sqlx::test(migrations = "../migrations")]
async fn signing_in_again_rotates_the_session_id(pool: PgPool) {
    let (app, first) = signed_in(pool, "admin@keel.demo").await;
    let form = format!("email=admin@keel.demo&password={}", seed::DEMO_PASSWORD);
    let res = post(&app, "/api/login", Some(&first), &form).await;
    let second = session_cookie(&res).unwrap();
    assert_ne!(first, second);
    assert_eq!(
        call(&app, "/api/me", Some(&first)).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        call(&app, "/api/me", Some(&second)).await.status(),
        StatusCode::OK
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_wrong_password_and_an_unknown_user_get_the_same_answer(pool: PgPool) {
    seed::seed_demo(&pool).await.unwrap();
    let app = app(pool);
    let wrong = login(&app, "admin@keel.demo", "nope-nope").await;
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let wrong = body_text(wrong).await;
    let unknown = body_text(login(&app, "ghost@keel.demo", "nope-nope").await).await;
    assert_eq!(
        wrong,
        r#"{"kind":"validation","fields":{"form":{"rule":"credentials"}}}"#
    );
    assert_eq!(wrong, unknown);
}

#[sqlx::test(migrations = "../migrations")]
async fn repeated_failures_are_slowed_down(pool: PgPool) {
    seed::seed_demo(&pool).await.unwrap();
    let app = app(pool);
    for _ in 0..5 {
        login(&app, "sales@keel.demo", "wrong-pass").await;
    }
    let res = login(&app, "sales@keel.demo", seed::DEMO_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(body_text(res).await.contains("rate_limited"));
}

#[sqlx::test(migrations = "../migrations")]
async fn logout_ends_the_session_on_the_server(pool: PgPool) {
    let (app, cookie) = signed_in(pool, "admin@keel.demo").await;
    let out = call(&app, "/api/logout", Some(&cookie)).await;
    assert_eq!(out.status(), StatusCode::OK);
    assert_eq!(
        call(&app, "/api/me", Some(&cookie)).await.status(),
        StatusCode::UNAUTHORIZED
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_cross_site_post_is_refused(pool: PgPool) {
    let (app, cookie) = signed_in(pool, "admin@keel.demo").await;
    let cross_site: [&[(http::HeaderName, &str)]; 2] = [
        &[(
            http::HeaderName::from_static("sec-fetch-site"),
            "cross-site",
        )],
        &[
            (header::ORIGIN, "https://evil.example"),
            (header::HOST, "127.0.0.1:3000"),
        ],
    ];
    for headers in cross_site {
        let mut req = Request::post("/api/logout").header(header::COOKIE, &cookie);
        for (name, value) in headers {
            req = req.header(name, *value);
        }
        let res = app
            .clone()
            .oneshot(req.body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{headers:?}");
    }
    // The session is still alive: neither request reached the server function.
    assert_eq!(
        call(&app, "/api/me", Some(&cookie)).await.status(),
        StatusCode::OK
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn server_functions_cannot_be_reached_by_get(pool: PgPool) {
    let res = app(pool)
        .oneshot(Request::get("/api/logout").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_password_change_signs_out_the_other_sessions(pool: PgPool) {
    let (app, here) = signed_in(pool, "sales@keel.demo").await;
    let elsewhere =
        session_cookie(&login(&app, "sales@keel.demo", seed::DEMO_PASSWORD).await).unwrap();
    let form = format!(
        "current_password={}&new_password=brand-new-pass&confirm_password=brand-new-pass",
        seed::DEMO_PASSWORD
    );
    let res = post(&app, "/api/change_password", Some(&here), &form).await;
    assert_eq!(res.status(), StatusCode::OK);
    // This browser goes on under a new session id; the old one is dead like every other.
    let renewed = session_cookie(&res).unwrap();
    assert_eq!(
        call(&app, "/api/me", Some(&renewed)).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        call(&app, "/api/me", Some(&here)).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        call(&app, "/api/me", Some(&elsewhere)).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        login(&app, "sales@keel.demo", "brand-new-pass")
            .await
            .status(),
        StatusCode::OK
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_too_short_new_password_is_refused_on_its_field(pool: PgPool) {
    let (app, here) = signed_in(pool, "sales@keel.demo").await;
    let form = format!(
        "current_password={}&new_password=short&confirm_password=short",
        seed::DEMO_PASSWORD
    );
    let res = post(&app, "/api/change_password", Some(&here), &form).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        body_text(res).await,
        r#"{"kind":"validation","fields":{"new_password":{"rule":"too_short","min":8}}}"#
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn an_unknown_path_renders_the_not_found_page(pool: PgPool) {
    let (app, cookie) = signed_in(pool, "admin@keel.demo").await;
    let res = app
        .clone()
        .oneshot(
            Request::get("/no-such-page")
                .header(header::COOKIE, &cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert!(body_text(res).await.contains("Page not found"));
}

/// The id a create server function answered with (a JSON string).
async fn created_id(res: axum::response::Response) -> String {
    assert_eq!(res.status(), StatusCode::OK);
    body_text(res).await.trim_matches('"').to_string()
}

#[sqlx::test(migrations = "../migrations")]
async fn customer_server_functions_answer_bad_input_with_field_errors(pool: PgPool) {
    let (app, cookie) = signed_in(pool, "admin@keel.demo").await;
    let res = post(
        &app,
        "/api/create_company",
        Some(&cookie),
        "input[name]=&input[website]=not%20a%20site",
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = body_text(res).await;
    assert!(
        body.contains(r#""name":{"rule":"required"}"#)
            && body.contains(r#""website":{"rule":"url"}"#),
        "{body}"
    );

    let res = post(
        &app,
        "/api/list_contacts",
        Some(&cookie),
        "query[created]=forever",
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body_text(res)
            .await
            .contains(r#""created":{"rule":"choice"}"#)
    );

    let lead = created_id(
        post(
            &app,
            "/api/create_lead",
            Some(&cookie),
            "input[full_name]=Ana&input[status]=new",
        )
        .await,
    )
    .await;
    let res = post(
        &app,
        "/api/convert_lead",
        Some(&cookie),
        &format!("id={lead}&version=1&input[company]="),
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body_text(res)
            .await
            .contains(r#""status":{"rule":"not_qualified"}"#)
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_stale_customer_edit_is_a_conflict_over_http(pool: PgPool) {
    let (app, cookie) = signed_in(pool, "manager@keel.demo").await;
    let id = created_id(
        post(
            &app,
            "/api/create_company",
            Some(&cookie),
            "input[name]=Stale%20Co",
        )
        .await,
    )
    .await;
    let save = |name: &str| format!("id={id}&version=1&input[name]={name}");
    assert_eq!(
        post(&app, "/api/update_company", Some(&cookie), &save("First"))
            .await
            .status(),
        StatusCode::OK
    );
    assert_eq!(
        post(&app, "/api/update_company", Some(&cookie), &save("Second"))
            .await
            .status(),
        StatusCode::CONFLICT
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn roles_and_teams_limit_customer_server_functions(pool: PgPool) {
    seed::seed_demo(&pool).await.unwrap();
    let app = app(pool);
    let cookie = |email: &'static str| {
        let app = app.clone();
        async move { session_cookie(&login(&app, email, seed::DEMO_PASSWORD).await).unwrap() }
    };
    let (viewer, west, east) = (
        cookie("viewer@keel.demo").await,
        cookie("sales2@keel.demo").await,
        cookie("sales@keel.demo").await,
    );
    let res = post(
        &app,
        "/api/create_lead",
        Some(&viewer),
        "input[full_name]=Nope",
    )
    .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    let contact = created_id(
        post(
            &app,
            "/api/create_contact",
            Some(&west),
            "input[full_name]=West%20Only",
        )
        .await,
    )
    .await;
    assert_eq!(
        post(
            &app,
            "/api/get_contact",
            Some(&west),
            &format!("id={contact}")
        )
        .await
        .status(),
        StatusCode::OK
    );
    assert_eq!(
        post(
            &app,
            "/api/get_contact",
            Some(&east),
            &format!("id={contact}")
        )
        .await
        .status(),
        StatusCode::NOT_FOUND
    );
    let edit = format!("id={contact}&version=1&input[full_name]=Hijacked");
    assert_eq!(
        post(&app, "/api/update_contact", Some(&east), &edit)
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    let log = format!("about=contact&id={contact}&input[kind]=note&input[body]=sneaky");
    assert_eq!(
        post(&app, "/api/log_interaction", Some(&east), &log)
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn deal_edits_answer_field_errors_conflicts_and_scope_over_http(pool: PgPool) {
    let (app, cookie) = signed_in(pool.clone(), "sales@keel.demo").await;
    // A deal of the signed-in sales user, and one of another team.
    let mine: uuid::Uuid = sqlx::query_scalar(
        "SELECT d.id FROM deals d JOIN users u ON u.id = d.owner_id WHERE u.email = 'sales@keel.demo' AND d.status = 'open' LIMIT 1",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let body = |version: i32, value: &str| {
        format!(
            "id={mine}&version={version}&input[title]=Renewal&input[value]={value}&input[currency]=CNY&input[probability]="
        )
    };
    let res = post(&app, "/api/update_deal", Some(&cookie), &body(1, "a%20lot")).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body_text(res)
            .await
            .contains(r#""value":{"rule":"amount"}"#)
    );

    let version: i32 = sqlx::query_scalar("SELECT version FROM deals WHERE id = $1")
        .bind(mine)
        .fetch_one(&pool)
        .await
        .unwrap();
    let res = post(
        &app,
        "/api/update_deal",
        Some(&cookie),
        &body(version, "12%2C000"),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    // The same edit again, with the version it was made from: someone (we) saved meanwhile.
    let res = post(
        &app,
        "/api/update_deal",
        Some(&cookie),
        &body(version, "13000"),
    )
    .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);

    let theirs: uuid::Uuid = sqlx::query_scalar(
        "SELECT d.id FROM deals d JOIN users u ON u.id = d.owner_id
          WHERE u.team IS DISTINCT FROM (SELECT team FROM users WHERE email = 'sales@keel.demo') LIMIT 1",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let res = post(
        &app,
        "/api/get_deal",
        Some(&cookie),
        &format!("id={theirs}"),
    )
    .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

#[sqlx::test(migrations = "../migrations")]
async fn only_administrators_change_pipelines(pool: PgPool) {
    let (app, cookie) = signed_in(pool.clone(), "manager@keel.demo").await;
    let stage: uuid::Uuid = sqlx::query_scalar("SELECT id FROM stages LIMIT 1")
        .fetch_one(&pool)
        .await
        .unwrap();
    let form = format!("stage={stage}&version=1&input[name]=Mine");
    let res = post(&app, "/api/update_stage", Some(&cookie), &form).await;
    let status = res.status();
    assert_eq!(status, StatusCode::FORBIDDEN, "{}", body_text(res).await);
    let res = call(&app, "/api/load_pipeline_settings", Some(&cookie)).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    let (app, cookie) = signed_in_again(pool.clone(), "admin@keel.demo").await;
    let res = call(&app, "/api/load_pipeline_settings", Some(&cookie)).await;
    assert_eq!(res.status(), StatusCode::OK);
    // A stale version is a conflict, a bad field a field error.
    let res = post(
        &app,
        "/api/update_stage",
        Some(&cookie),
        &format!("stage={stage}&version=99&input[name]=Mine"),
    )
    .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let res = post(
        &app,
        "/api/update_stage",
        Some(&cookie),
        &format!("stage={stage}&version=1&input[name]=&input[colour]=red"),
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body_text(res)
            .await
            .contains(r#""colour":{"rule":"colour"}"#)
    );
}

/// A second user's session on the same (already seeded) database.
pub(crate) async fn signed_in_again(pool: PgPool, email: &str) -> (Router, String) {
    let app = app(pool);
    let cookie = session_cookie(&login(&app, email, seed::DEMO_PASSWORD).await).unwrap();
    (app, cookie)
}

pub(crate) async fn get(
    app: &Router,
    path: &str,
    cookie: Option<&str>,
) -> axum::response::Response {
    let mut req = Request::get(path);
    if let Some(c) = cookie {
        req = req.header(header::COOKIE, c);
    }
    app.clone()
        .oneshot(req.body(Body::empty()).unwrap())
        .await
        .unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn a_list_exports_as_csv_to_a_session_and_refuses_bad_filters_and_strangers(pool: PgPool) {
    let (app, cookie) = signed_in(pool, "admin@keel.demo").await;
    let res = get(&app, "/export/contacts.csv", None).await;
    assert!(
        res.status().is_redirection(),
        "a stranger is sent to sign in"
    );
    assert!(
        res.headers()[header::LOCATION]
            .to_str()
            .unwrap()
            .starts_with("/login?next=")
    );

    let res = get(&app, "/export/contacts.csv?from=yesterday", Some(&cookie)).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body_text(res).await.contains("\"from\""));
    let res = get(&app, "/export/users.csv", Some(&cookie)).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);

    let res = get(&app, "/export/companies.csv?col=industry", Some(&cookie)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.headers()[header::CONTENT_TYPE],
        "text/csv; charset=utf-8"
    );
    assert!(
        res.headers()[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .starts_with("attachment; filename=\"companies-")
    );
    let text = body_text(res).await;
    let mut lines = text.trim_start_matches('\u{feff}').lines();
    assert_eq!(lines.next(), Some("Company name,Industry"));
    assert!(lines.count() > 3, "the demo's companies");
}

#[sqlx::test(migrations = "../migrations")]
async fn the_service_worker_carries_this_release_and_the_app_shell_needs_no_session(pool: PgPool) {
    let site = std::env::temp_dir().join(format!("keel-site-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(site.join("pkg")).unwrap();
    std::fs::write(
        site.join("sw.js"),
        "const VERSION = '__KEEL_VERSION__'; const FILES = ['__KEEL_JS__', '__KEEL_WASM__', '__KEEL_CSS__', ...__KEEL_SPLIT__];",
    )
    .unwrap();
    // A release build names its files after their hashes, and says so in its hash file.
    std::fs::write(site.join("hash.txt"), "js: J1\nwasm: W1\ncss: C1\n").unwrap();
    std::fs::write(site.join("pkg/keel.W1.wasm"), b"release one").unwrap();
    std::fs::write(
        site.join("pkg/__wasm_split.______________________.js"),
        b"loader",
    )
    .unwrap();
    // Two lazy parts sharing a chunk: the worker precaches each chunk once.
    std::fs::write(
        site.join("pkg/__wasm_split_manifest.json"),
        r#"{"__board_route_view_1": ["chunk_1.A", "split_board.B"], "__lists_route_view_1": ["chunk_1.A", "split_lists.C"]}"#,
    )
    .unwrap();
    std::fs::write(site.join("pkg/keel.wasm"), b"an older build").unwrap();
    for file in ["shell.html", "shell.js"] {
        std::fs::copy(
            format!("{}/../public/{file}", env!("CARGO_MANIFEST_DIR")),
            site.join(file),
        )
        .unwrap();
    }
    std::fs::write(
        site.join("manifest.webmanifest"),
        r#"{"name": "Keel CRM", "shortcuts": [{"name": "Pipeline", "url": "/pipeline"}, {"name": "New contact", "url": "/contacts/new"}]}"#,
    )
    .unwrap();
    let root = site.to_string_lossy().to_string();
    let settings = Settings::from_lookup(|k| match k {
        "DATABASE_URL" => Some("postgres://unused/unused".into()),
        "KEEL_SITE_ROOT" => Some(root.clone()),
        "KEEL_HASH_FILE" => Some(format!("{root}/hash.txt")),
        _ => None,
    })
    .unwrap();
    let app = crate::startup::router(&settings, pool.clone());
    let get = |path: &str| {
        let app = app.clone();
        let req = Request::get(path).body(Body::empty()).unwrap();
        async move { app.oneshot(req).await.unwrap() }
    };

    let res = get("/sw.js").await;
    assert_eq!(res.status(), StatusCode::OK);
    let h = res.headers().clone();
    assert_eq!(h["service-worker-allowed"], "/");
    assert_eq!(h["cache-control"], "no-cache");
    assert!(
        h["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/javascript")
    );
    let version = h["x-keel-version"].to_str().unwrap().to_string();
    assert_eq!(version.len(), 12);
    assert_eq!(
        body_text(res).await,
        format!(
            r#"const VERSION = '{version}'; const FILES = ['/pkg/keel.J1.js', '/pkg/keel.W1.wasm', '/pkg/keel.C1.css', ...["/pkg/__wasm_split.______________________.js","/pkg/chunk_1.A.wasm","/pkg/split_board.B.wasm","/pkg/split_lists.C.wasm"]];"#
        )
    );

    // A file named after its hash is kept for a year; any other file is asked for again.
    let res = get("/pkg/keel.W1.wasm").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    // The chunk loader keeps its name from build to build (scripts/site-build): asked for again.
    let res = get("/pkg/__wasm_split.______________________.js").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["cache-control"], "no-cache");
    let res = get("/manifest.webmanifest").await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = get("/pkg/keel.missing.js").await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert!(
        res.headers()
            .get("cache-control")
            .is_none_or(|v| v != "public, max-age=31536000, immutable")
    );

    // Another build of the front end is another release.
    std::fs::write(site.join("pkg/keel.W1.wasm"), b"release two").unwrap();
    let next = crate::startup::router(&settings, pool);
    let res = next
        .oneshot(Request::get("/sw.js").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_ne!(res.headers()["x-keel-version"].to_str().unwrap(), version);

    // The manifest speaks the browser's first language.
    let res = app
        .clone()
        .oneshot(
            Request::get("/manifest.webmanifest")
                .header(header::ACCEPT_LANGUAGE, "zh-CN,zh;q=0.9,en;q=0.8")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(res.headers()["content-type"], "application/manifest+json");
    let zh: serde_json::Value = serde_json::from_str(&body_text(res).await).unwrap();
    assert_eq!(zh["lang"], "zh-CN");
    assert_eq!(zh["shortcuts"][1]["name"], "新建联系人");
    let en: serde_json::Value =
        serde_json::from_str(&body_text(get("/manifest.webmanifest").await).await).unwrap();
    assert_eq!(en["shortcuts"][0]["name"], "Pipeline");

    // The app shell (`public/shell.html`) needs no session and holds no one's data; its script is
    // a file, as the page's CSP has no nonce for a static file. Both name this build's files.
    let res = get("/shell.html").await;
    assert_eq!(res.status(), StatusCode::OK, "no sign-in needed");
    let csp = res.headers()["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("script-src 'self'"), "{csp}");
    let html = body_text(res).await;
    assert!(html.contains(r#"<script type="module" src="/shell.js"></script>"#));
    assert_eq!(html.matches("<script").count(), 1, "no inline script");
    assert!(html.contains(r#"href="/pkg/keel.C1.css""#), "{html}");
    assert!(!html.contains("__KEEL"), "{html}");
    let script = body_text(get("/shell.js").await).await;
    assert!(script.contains("from '/pkg/keel.J1.js'"), "{script}");
    assert!(
        script.contains("module_or_path: '/pkg/keel.W1.wasm'"),
        "{script}"
    );
    let res = get("/contacts").await;
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "other pages still need one"
    );
    std::fs::remove_dir_all(site).unwrap();
}
