//! API tokens over HTTP: an expired or revoked token is refused at once, another user cannot
//! revoke one, and the per-token and per-address budgets answer 429 with `Retry-After`.
use http::{StatusCode, header};
use sqlx::PgPool;

use app::tokens::model::{Access, Entity};

use crate::api_tests::{get, json_of, token, user};
use crate::bad_input_tests::send;
use crate::http_tests::app;

#[sqlx::test(migrations = "../migrations")]
async fn expired_revoked_and_limited_tokens_are_refused(pool: PgPool) {
    crate::seed::seed_demo(&pool).await.unwrap();
    let app = app(pool.clone());
    let grants = [(Entity::Contacts, Access::Read)];
    let (id, secret) = token(&pool, "sales@keel.demo", &grants).await;
    let res = send(&app, get("/api/v1/contacts", &secret)).await;
    assert_eq!(res.status(), StatusCode::OK);
    // The last use is recorded.
    let used: bool =
        sqlx::query_scalar("SELECT last_used_at IS NOT NULL FROM api_tokens WHERE id = $1")
            .bind(id)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert!(used);

    // Someone else cannot revoke it; its user can, and it stops at once.
    let other = user(&pool, "sales2@keel.demo").await;
    let mut tx = pool.begin().await.unwrap();
    let e = app::tokens::db::revoke(&mut tx, &other, id)
        .await
        .unwrap_err();
    assert_eq!(e, app::error::AppError::NotFound);
    drop(tx);
    let owner = user(&pool, "sales@keel.demo").await;
    let mut tx = pool.begin().await.unwrap();
    app::tokens::db::revoke(&mut tx, &owner, id).await.unwrap();
    tx.commit().await.unwrap();
    let res = send(&app, get("/api/v1/contacts", &secret)).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);

    // Expired.
    let (id, secret) = token(&pool, "sales@keel.demo", &grants).await;
    sqlx::query("UPDATE api_tokens SET expires_at = now() - interval '1 second' WHERE id = $1")
        .bind(id)
        .execute(&pool)
        .await
        .unwrap();
    let res = send(&app, get("/api/v1/contacts", &secret)).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);

    // Over its budget: 429 with Retry-After (a router with a budget of 3).
    let limited = crate::api::router(
        pool.clone(),
        crate::api::limits::Limits::new((60, 3), (1000, 1000)),
    );
    let (_, secret) = token(&pool, "sales@keel.demo", &grants).await;
    for _ in 0..3 {
        let res = send(&limited, get("/api/v1/contacts?limit=1", &secret)).await;
        assert_eq!(res.status(), StatusCode::OK);
    }
    let res = send(&limited, get("/api/v1/contacts?limit=1", &secret)).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(
        res.headers()[header::RETRY_AFTER]
            .to_str()
            .unwrap()
            .parse::<u32>()
            .unwrap()
            >= 1
    );
    assert_eq!(json_of(res).await["error"]["kind"], "rate_limited");
    // Another token of the same user has its own budget.
    let (_, fresh) = token(&pool, "sales@keel.demo", &grants).await;
    let res = send(&limited, get("/api/v1/contacts?limit=1", &fresh)).await;
    assert_eq!(res.status(), StatusCode::OK);
    // An address guessing secrets is limited before any lookup.
    let guesses = crate::api::router(
        pool.clone(),
        crate::api::limits::Limits::new((600, 60), (60, 2)),
    );
    let mut statuses = vec![];
    for i in 0..3 {
        let res = send(&guesses, get("/api/v1/contacts", &format!("keel_{i:064}"))).await;
        statuses.push(res.status());
    }
    assert_eq!(
        statuses,
        [
            StatusCode::UNAUTHORIZED,
            StatusCode::UNAUTHORIZED,
            StatusCode::TOO_MANY_REQUESTS
        ]
    );
}
