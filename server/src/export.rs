//! `GET /export/{list}.csv?<the list's query>`: a customer list view as a CSV download, streamed.
use axum::body::Body;
use axum::extract::{Path, RawQuery};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use axum::{Extension, http::StatusCode};
use futures_util::StreamExt;
use tokio::sync::mpsc;

use app::error::AppError;
use app::records::model::{ListKind, ListQuery};
use app::ui::url::decode;
use app::users::auth::Authenticated;

use crate::security::error_response;

fn kind(file: &str) -> Option<ListKind> {
    ListKind::parse(file.strip_suffix(".csv")?)
}

/// A query string's pairs, decoded (`+` is a space, as forms send it).
pub fn pairs(raw: &str) -> Vec<(String, String)> {
    raw.split('&')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (decode(k), decode(&v.replace('+', " "))))
        .collect()
}

fn query(raw: &str) -> ListQuery {
    let pairs = pairs(raw);
    let cols = pairs
        .iter()
        .filter(|(k, _)| k == "col")
        .map(|(_, v)| v.clone())
        .collect();
    ListQuery::from_params(
        |k| pairs.iter().find(|(pk, _)| pk == k).map(|(_, v)| v.clone()),
        cols,
    )
}

/// Headers go out with the first chunk (the column names), so a refused filter is still a proper
/// error; a failure after that aborts the body, so the download fails instead of looking complete.
pub async fn csv(
    Extension(pool): Extension<sqlx::PgPool>,
    auth: Option<Extension<Authenticated>>,
    Path(file): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    let Some(Extension(auth)) = auth else {
        return error_response(&AppError::Unauthorized);
    };
    let Some(kind) = kind(&file) else {
        return error_response(&AppError::NotFound);
    };
    stream(
        pool,
        auth.user,
        kind,
        query(raw.as_deref().unwrap_or("")),
        error_response,
    )
    .await
}

/// A list in the user's scope as a streamed CSV download (also the API's export). A failure
/// before the first chunk is answered by `refuse`, in the caller's error shape.
pub async fn stream(
    pool: sqlx::PgPool,
    user: app::users::model::CurrentUser,
    kind: ListKind,
    query: ListQuery,
    refuse: fn(&AppError) -> Response,
) -> Response {
    // Exporting takes every customer in scope out of the CRM: a permission of its own.
    if !user.role.can_export() {
        return refuse(&AppError::Forbidden);
    }
    let today = chrono::Utc::now().date_naive();
    let (tx, mut rx) = mpsc::channel::<Vec<u8>>(4);
    let task = tokio::spawn(async move {
        let started = std::time::Instant::now();
        let result =
            app::records::export::export(&pool, &user, &app::lists::list(kind), &query, today, tx)
                .await;
        if let Ok(rows) = &result {
            tracing::info!(user = %user.id.0, list = kind.as_str(), rows, ms = started.elapsed().as_millis() as u64, "export");
        }
        result
    });
    let Some(first) = rx.recv().await else {
        let e = match task.await {
            Ok(Err(e)) => e,
            Ok(Ok(_)) => AppError::internal("export sent nothing"),
            Err(e) => AppError::internal(e),
        };
        return refuse(&e);
    };
    let state = (Some(first), rx, Some(task));
    let body = futures_util::stream::unfold(state, |(first, mut rx, task)| async move {
        if let Some(chunk) = first {
            return Some((Ok(chunk), (None, rx, task)));
        }
        if let Some(chunk) = rx.recv().await {
            return Some((Ok(chunk), (None, rx, task)));
        }
        let failed = match task?.await {
            Ok(Ok(_)) => return None,
            Ok(Err(e)) => e.to_string(),
            Err(e) => e.to_string(),
        };
        tracing::warn!("export failed midway: {failed}");
        Some((Err(std::io::Error::other(failed)), (None, rx, None)))
    })
    // The compression layer may ask again after the end.
    .fuse();
    let name = format!("{}-{today}.csv", kind.as_str());
    (
        StatusCode::OK,
        [
            (CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        Body::from_stream(body),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bad_input_tests::{send, sign_in};
    use crate::http_tests::app;
    use axum::body::Body;
    use http::{Request, header};
    use sqlx::PgPool;
    use std::time::Duration;

    fn export_request(cookie: &str) -> Request<Body> {
        Request::get("/export/contacts.csv?sort=created")
            .header(header::COOKIE, cookie)
            .body(Body::empty())
            .unwrap()
    }

    /// More downloads than the pool has connections, none of them reading: the server still
    /// answers its health check and signs people in, and each download, read later, is whole.
    #[sqlx::test(migrations = "../migrations")]
    async fn slow_export_readers_do_not_starve_health_checks_or_sign_in(pool: PgPool) {
        crate::seed::seed_demo(&pool).await.unwrap();
        sqlx::query(
            "INSERT INTO contacts (full_name, emails, phones, owner_id)
             SELECT 'Slow Reader ' || i, ARRAY['slow' || i || '@t.test'], ARRAY['+86 138 0000 0000'],
                    (SELECT id FROM users WHERE email = 'admin@keel.demo')
               FROM generate_series(1, 20000) i",
        )
        .execute(&pool)
        .await
        .unwrap();
        let total: i64 =
            sqlx::query_scalar("SELECT count(*) FROM contacts WHERE deleted_at IS NULL")
                .fetch_one(&pool)
                .await
                .unwrap();
        let n = pool.options().get_max_connections() as usize + 2;
        let app = app(pool);
        let cookie = sign_in(&app, "admin@keel.demo").await;

        let mut stalled = Vec::new();
        for _ in 0..n {
            let res =
                tokio::time::timeout(Duration::from_secs(20), send(&app, export_request(&cookie)))
                    .await
                    .expect("an export starts while others stall");
            assert_eq!(res.status(), http::StatusCode::OK);
            let mut body = res.into_body().into_data_stream();
            // The header row, then nothing more is read for now.
            body.next().await.unwrap().unwrap();
            stalled.push(body);
        }
        // Give the export tasks time to fill their buffers and wait on their readers.
        tokio::time::sleep(Duration::from_millis(500)).await;

        let health = tokio::time::timeout(
            Duration::from_secs(5),
            send(&app, Request::get("/healthz").body(Body::empty()).unwrap()),
        )
        .await
        .expect("/healthz answers while exports stall");
        assert_eq!(health.status(), http::StatusCode::OK);
        tokio::time::timeout(Duration::from_secs(10), sign_in(&app, "manager@keel.demo"))
            .await
            .expect("sign-in answers while exports stall");

        // A stalled download, read to its end, has every row once.
        let mut body = stalled.pop().unwrap();
        let mut lines = 0i64;
        let read = async {
            while let Some(chunk) = body.next().await {
                lines += chunk.unwrap().iter().filter(|b| **b == b'\n').count() as i64;
            }
        };
        tokio::time::timeout(Duration::from_secs(60), read)
            .await
            .unwrap();
        assert_eq!(lines, total, "every contact after the header row, once");
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn only_admins_and_managers_may_export(pool: PgPool) {
        crate::seed::seed_demo(&pool).await.unwrap();
        let app = app(pool);
        for (email, allowed) in [
            ("admin@keel.demo", true),
            ("manager@keel.demo", true),
            ("sales@keel.demo", false),
            ("support@keel.demo", false),
            ("viewer@keel.demo", false),
        ] {
            let cookie = sign_in(&app, email).await;
            let res = send(&app, export_request(&cookie)).await;
            let expected = if allowed {
                http::StatusCode::OK
            } else {
                http::StatusCode::FORBIDDEN
            };
            assert_eq!(res.status(), expected, "{email}");
        }
    }

    #[test]
    fn a_list_query_is_read_from_the_url_with_its_repeated_columns() {
        let q = query("q=wang%20wei&owner=me&col=email&col=owner&sort=created&desc=1");
        assert_eq!(
            (q.q.as_str(), q.owner.as_str(), q.sort.as_str(), q.desc),
            ("wang wei", "me", "created", true)
        );
        assert_eq!(q.cols, ["email", "owner"]);
        assert_eq!(kind("leads.csv"), Some(ListKind::Leads));
        assert_eq!(kind("users.csv"), None);
    }
}
