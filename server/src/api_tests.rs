//! The public API through the real router and Postgres: tokens (grants, scope, expiry,
//! revocation, rate limit), ETag and If-Match, the error body, pages and the OpenAPI document.
use axum::body::Body;
use http::{Request, StatusCode, header};
use serde_json::{Value, json};
use sqlx::PgPool;
use uuid::Uuid;

use app::tokens::model::{Access, Entity, Scopes, TokenDraft};
use app::users::model::CurrentUser;

use crate::bad_input_tests::send;
use crate::http_tests::{app, body_text};

pub(crate) async fn user(pool: &PgPool, email: &str) -> CurrentUser {
    app::users::db::user_by_email(pool, email)
        .await
        .unwrap()
        .unwrap()
}

/// A token of `email`'s with `grants`, made as the Settings page makes one.
pub(crate) async fn token(
    pool: &PgPool,
    email: &str,
    grants: &[(Entity, Access)],
) -> (Uuid, String) {
    let u = user(pool, email).await;
    let draft = TokenDraft {
        name: "test".into(),
        days: 30,
        scopes: Scopes(grants.iter().copied().collect()),
    };
    let mut tx = pool.begin().await.unwrap();
    let t = app::tokens::db::create(&mut tx, &u, &draft).await.unwrap();
    tx.commit().await.unwrap();
    (t.id, t.secret)
}

pub(crate) fn call(method: &str, path: &str, secret: &str) -> http::request::Builder {
    Request::builder()
        .method(method)
        .uri(path)
        .header(header::AUTHORIZATION, format!("Bearer {secret}"))
}

pub(crate) async fn json_of(res: axum::response::Response) -> Value {
    serde_json::from_str(&body_text(res).await).unwrap_or(Value::Null)
}

pub(crate) fn get(path: &str, secret: &str) -> Request<Body> {
    call("GET", path, secret).body(Body::empty()).unwrap()
}

pub(crate) fn with_body(
    method: &str,
    path: &str,
    secret: &str,
    if_match: Option<&str>,
    body: Value,
) -> Request<Body> {
    let mut b = call(method, path, secret).header(header::CONTENT_TYPE, "application/json");
    if let Some(v) = if_match {
        b = b.header(header::IF_MATCH, v);
    }
    b.body(Body::from(body.to_string())).unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn a_token_acts_as_its_user_within_its_grants(pool: PgPool) {
    crate::seed::seed_demo(&pool).await.unwrap();
    let app = app(pool.clone());
    let (_, reader) = token(
        &pool,
        "sales@keel.demo",
        &[(Entity::Contacts, Access::Read)],
    )
    .await;
    let (_, writer) = token(
        &pool,
        "sales@keel.demo",
        &[(Entity::Contacts, Access::Write)],
    )
    .await;
    let (_, viewer) = token(
        &pool,
        "viewer@keel.demo",
        &[(Entity::Contacts, Access::Write)],
    )
    .await;

    // No token, a wrong one: 401 with the error body and a challenge.
    let res = send(
        &app,
        Request::get("/api/v1/contacts")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert!(res.headers().contains_key(header::WWW_AUTHENTICATE));
    assert_eq!(
        json_of(res).await,
        json!({"error": {"kind": "unauthorized"}})
    );
    let res = send(&app, get("/api/v1/contacts", "keel_0000")).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);

    // Read-only: lists and reads, never writes; no grant on companies at all.
    let res = send(&app, get("/api/v1/contacts?limit=200", &reader)).await;
    assert_eq!(res.status(), StatusCode::OK);
    let page = json_of(res).await;
    let rows = page["data"].as_array().unwrap();
    assert!(!rows.is_empty());
    // Only the East team's contacts: the West rep's are not in the sales rep's scope.
    let west: Vec<Uuid> = sqlx::query_scalar(
        "SELECT c.id FROM contacts c JOIN users u ON u.id = c.owner_id WHERE u.team = 'West' AND c.deleted_at IS NULL",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert!(!west.is_empty());
    for r in rows {
        let id: Uuid = r["id"].as_str().unwrap().parse().unwrap();
        assert!(
            !west.contains(&id),
            "a West contact listed to an East token"
        );
    }
    let res = send(&app, get(&format!("/api/v1/contacts/{}", west[0]), &reader)).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = send(
        &app,
        with_body(
            "POST",
            "/api/v1/contacts",
            &reader,
            None,
            json!({"full_name": "Nope"}),
        ),
    )
    .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = send(&app, get("/api/v1/companies", &reader)).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    // A write grant does not lift the role: a viewer's token still may not create.
    let res = send(
        &app,
        with_body(
            "POST",
            "/api/v1/contacts",
            &viewer,
            None,
            json!({"full_name": "Nope"}),
        ),
    )
    .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    // Created as the form creates: validated by field, emails as a list or as typed.
    let res = send(
        &app,
        with_body(
            "POST",
            "/api/v1/contacts",
            &writer,
            None,
            json!({"full_name": "Ada API", "emails": ["ada@api.test", "not-an-email"]}),
        ),
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        json_of(res).await["error"]["fields"]["emails"]["rule"],
        "email"
    );
    let res = send(
        &app,
        with_body(
            "POST",
            "/api/v1/contacts",
            &writer,
            None,
            json!({"full_name": "Ada API", "planet": "Mars"}),
        ),
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(json_of(res).await["error"]["fields"]["planet"].is_object());
    let res = send(
        &app,
        Request::post("/api/v1/contacts")
            .header(header::AUTHORIZATION, format!("Bearer {writer}"))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from("{not json"))
            .unwrap(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        json_of(res).await,
        json!({"error": {"kind": "bad_request"}})
    );
    let res = send(
        &app,
        with_body(
            "POST",
            "/api/v1/contacts",
            &writer,
            None,
            json!({"full_name": "Ada API", "emails": ["ada@api.test"], "company": "API Works"}),
        ),
    )
    .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    assert_eq!(res.headers()[header::ETAG], "\"1\"");
    let made = json_of(res).await;
    assert_eq!(made["emails"], json!(["ada@api.test"]));
    assert_eq!(made["company_name"], "API Works");
    let owner: String = sqlx::query_scalar(
        "SELECT u.email FROM contacts c JOIN users u ON u.id = c.owner_id WHERE c.id = $1::uuid",
    )
    .bind(made["id"].as_str().unwrap())
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(owner, "sales@keel.demo");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_stale_if_match_changes_nothing_and_answers_the_current_record(pool: PgPool) {
    crate::seed::seed_demo(&pool).await.unwrap();
    let app = app(pool.clone());
    let (_, admin) = token(
        &pool,
        "admin@keel.demo",
        &[(Entity::Companies, Access::Write)],
    )
    .await;
    let res = send(
        &app,
        with_body(
            "POST",
            "/api/v1/companies",
            &admin,
            None,
            json!({"name": "Etag Works", "industry": "Tests"}),
        ),
    )
    .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let id = json_of(res).await["id"].as_str().unwrap().to_string();
    let path = format!("/api/v1/companies/{id}");

    // Without If-Match: 428; malformed: 422.
    let res = send(
        &app,
        with_body("PATCH", &path, &admin, None, json!({"industry": "X"})),
    )
    .await;
    assert_eq!(res.status(), StatusCode::PRECONDITION_REQUIRED);
    let res = send(
        &app,
        with_body(
            "PATCH",
            &path,
            &admin,
            Some("\"one\""),
            json!({"industry": "X"}),
        ),
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // A partial update keeps the fields it does not name.
    let res = send(
        &app,
        with_body(
            "PATCH",
            &path,
            &admin,
            Some("\"1\""),
            json!({"industry": "Robots"}),
        ),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()[header::ETAG], "\"2\"");
    let now = json_of(res).await;
    assert_eq!(now["industry"], "Robots");
    assert_eq!(now["name"], "Etag Works");

    // Stale: 412 with the record as it is, and nothing changed.
    let res = send(
        &app,
        with_body(
            "PATCH",
            &path,
            &admin,
            Some("\"1\""),
            json!({"industry": "Lost update"}),
        ),
    )
    .await;
    assert_eq!(res.status(), StatusCode::PRECONDITION_FAILED);
    assert_eq!(res.headers()[header::ETAG], "\"2\"");
    assert_eq!(json_of(res).await["industry"], "Robots");
    let res = send(
        &app,
        call("DELETE", &path, &admin)
            .header(header::IF_MATCH, "\"1\"")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::PRECONDITION_FAILED);
    let industry: String = sqlx::query_scalar("SELECT industry FROM companies WHERE id = $1::uuid")
        .bind(&id)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(industry, "Robots");

    // Deleted at the current version: to the trash, then not found.
    let res = send(
        &app,
        call("DELETE", &path, &admin)
            .header(header::IF_MATCH, "W/\"2\"")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let res = send(&app, get(&path, &admin)).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let trashed: bool =
        sqlx::query_scalar("SELECT deleted_at IS NOT NULL FROM companies WHERE id = $1::uuid")
            .bind(&id)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert!(trashed);
    let res = send(&app, get("/api/v1/companies/not-a-uuid", &admin)).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

#[sqlx::test(migrations = "../migrations")]
async fn pages_follow_their_cursor_and_the_document_is_public(pool: PgPool) {
    crate::seed::seed_demo(&pool).await.unwrap();
    let app = app(pool.clone());
    let (_, admin) = token(
        &pool,
        "admin@keel.demo",
        &[(Entity::Contacts, Access::Read)],
    )
    .await;
    let res = send(&app, get("/api/v1/contacts?limit=2", &admin)).await;
    assert_eq!(res.status(), StatusCode::OK);
    let first = json_of(res).await;
    assert_eq!(first["data"].as_array().unwrap().len(), 2);
    let cursor = first["next_cursor"].as_str().unwrap().to_string();
    let res = send(
        &app,
        get(
            &format!(
                "/api/v1/contacts?limit=2&cursor={}",
                app::ui::url::encode(&cursor)
            ),
            &admin,
        ),
    )
    .await;
    let second = json_of(res).await;
    assert_eq!(second["data"].as_array().unwrap().len(), 2);
    assert_ne!(first["data"][0]["id"], second["data"][0]["id"]);
    for bad in [
        "limit=201",
        "limit=0",
        "limit=ten",
        "desc=maybe",
        "created=fortnight",
    ] {
        let res = send(&app, get(&format!("/api/v1/contacts?{bad}"), &admin)).await;
        assert!(
            matches!(
                res.status(),
                StatusCode::BAD_REQUEST | StatusCode::UNPROCESSABLE_ENTITY
            ),
            "{bad}: {}",
            res.status()
        );
        assert!(json_of(res).await["error"]["kind"].is_string(), "{bad}");
    }
    // Leads: the status is one of the list's own.
    let (_, leads) = token(&pool, "sales2@keel.demo", &[(Entity::Leads, Access::Write)]).await;
    let res = send(
        &app,
        with_body(
            "POST",
            "/api/v1/leads",
            &leads,
            None,
            json!({"full_name": "Lead API", "status": "sleeping"}),
        ),
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        json_of(res).await["error"]["fields"]["status"]["rule"],
        "choice"
    );
    let res = send(
        &app,
        with_body(
            "POST",
            "/api/v1/leads",
            &leads,
            None,
            json!({"full_name": "Lead API", "status": "qualified"}),
        ),
    )
    .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    assert_eq!(json_of(res).await["owner_name"], "Sarah Miller");
    let res = send(&app, get("/api/v1/nothing-here", &admin)).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);

    let res = send(
        &app,
        Request::get("/api/v1/openapi.json")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let doc = json_of(res).await;
    assert_eq!(doc["openapi"], "3.1.0");
    assert!(doc["paths"]["/api/v1/contacts/{id}"]["patch"].is_object());
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
}
