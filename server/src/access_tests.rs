//! The access matrix: every server function and plain route, called through the real router by
//! each kind of user, with the answer each must get. Lists are read row by row: a sales user never
//! gets a row of another team (by id, checked against the owners in Postgres, and by the marked
//! names of the other team's records). A server function without a row here fails the test.
use std::collections::BTreeSet;

use axum::Router;
use axum::body::Body;
use http::{Request, StatusCode, header};
use sqlx::PgPool;
use tower::ServiceExt;
use uuid::Uuid;

use app::users::auth::{SESSION_COOKIE, new_token};
use app::users::db::insert_session;

use crate::http_tests::app;

mod desk_rows;
mod fixtures;
mod matrix;
mod report_rows;

use fixtures::fixtures;
use matrix::{Call, Row, form, matrix, row};

/// Who calls.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Who {
    Anonymous,
    Viewer,
    /// Sales, East: owns the fixture records.
    Owner,
    /// Sales, East, owns none of them.
    Teammate,
    /// Sales, West.
    OtherTeam,
    Support,
    Manager,
    Admin,
}

const WHO: [Who; 8] = [
    Who::Anonymous,
    Who::Viewer,
    Who::Owner,
    Who::Teammate,
    Who::OtherTeam,
    Who::Support,
    Who::Manager,
    Who::Admin,
];

/// The answer a cell expects.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum E {
    /// 200 with data (rows checked for leaks).
    D,
    /// 401: not signed in.
    U,
    /// 403: the role may not.
    F,
    /// 404: not there, or not in the user's scope.
    N,
    /// 409: allowed, and stopped only by the stale version the matrix sends on purpose.
    C,
    /// 422: allowed, and stopped only by the input the matrix sends on purpose.
    I,
    /// 303 to the sign-in page: a link opened without a session (a download).
    S,
}

impl E {
    fn status(self) -> StatusCode {
        match self {
            E::D => StatusCode::OK,
            E::U => StatusCode::UNAUTHORIZED,
            E::F => StatusCode::FORBIDDEN,
            E::N => StatusCode::NOT_FOUND,
            E::C => StatusCode::CONFLICT,
            E::I => StatusCode::UNPROCESSABLE_ENTITY,
            E::S => StatusCode::SEE_OTHER,
        }
    }
}

use E::*;

/// Anyone signed in.
const SIGNED_IN: [E; 8] = [U, D, D, D, D, D, D, D];
/// Reading a record of the East team.
const READ_EAST: [E; 8] = [U, D, D, D, N, D, D, D];
/// Changing a record of the East team (at a stale version).
const EDIT_EAST: [E; 8] = [U, F, C, C, N, C, C, C];
/// Creating a customer record.
const CREATE: [E; 8] = [U, F, D, D, D, D, D, D];
/// Administrators only.
const ADMIN: [E; 8] = [U, F, F, F, F, F, F, D];
/// Administrators only, at a stale version.
const ADMIN_EDIT: [E; 8] = [U, F, F, F, F, F, F, C];

async fn send(app: &Router, row: &Row, cookie: Option<&str>) -> (StatusCode, String) {
    let req = match &row.call {
        Call::Form(body) => Request::post(format!("/api/{}", row.path))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body.clone())),
        Call::Json(body) => Request::post(format!("/api/{}", row.path))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string())),
        Call::Get(path) => Request::get(*path).body(Body::empty()),
        Call::Upload(kind, csv) => Request::post(format!("/import/{kind}"))
            .header(header::CONTENT_TYPE, "text/csv")
            .header("x-file-name", "matrix.csv")
            .body(Body::from(*csv)),
    };
    let mut req = req.unwrap();
    req.headers_mut().insert(
        "sec-fetch-site",
        http::HeaderValue::from_static("same-origin"),
    );
    if let Some(c) = cookie {
        req.headers_mut()
            .insert(header::COOKIE, http::HeaderValue::from_str(c).unwrap());
    }
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    // The event stream never ends by itself: its status is the answer.
    if matches!(row.call, Call::Get("/api/events")) {
        return (status, String::new());
    }
    let bytes = axum::body::to_bytes(res.into_body(), 16 << 20)
        .await
        .unwrap();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

/// The record ids a response lists as rows: `"id":"…"` fields and `["…", …]` pairs.
fn row_ids(body: &str) -> Vec<Uuid> {
    let mut ids = BTreeSet::new();
    for marker in ["\"id\":\"", "[\""] {
        for (at, _) in body.match_indices(marker) {
            let start = at + marker.len();
            if let Some(id) = body
                .get(start..start + 36)
                .and_then(|s| Uuid::parse_str(s).ok())
            {
                ids.insert(id);
            }
        }
    }
    ids.into_iter().collect()
}

/// Of `ids`, the customer records, deals, tasks and tickets that `user` (of a team scope) may not open:
/// the rule written out again, independently of the code under test.
async fn out_of_scope(pool: &PgPool, user: Uuid, ids: &[Uuid]) -> Vec<Uuid> {
    sqlx::query_scalar(
        "WITH ids AS (SELECT unnest($1::uuid[]) AS id),
              rows AS (
                SELECT r.id, r.owner_id, r.deleted_at FROM contacts r JOIN ids USING (id)
                UNION ALL SELECT r.id, r.owner_id, r.deleted_at FROM companies r JOIN ids USING (id)
                UNION ALL SELECT r.id, r.owner_id, r.deleted_at FROM leads r JOIN ids USING (id)
                UNION ALL SELECT r.id, r.owner_id, r.deleted_at FROM deals r JOIN ids USING (id)
                UNION ALL SELECT t.id, coalesce(c.owner_id, l.owner_id, co.owner_id, d.owner_id),
                                 coalesce(c.deleted_at, l.deleted_at, co.deleted_at, d.deleted_at)
                            FROM tasks t JOIN ids USING (id)
                            LEFT JOIN contacts c ON c.id = t.contact_id LEFT JOIN leads l ON l.id = t.lead_id
                            LEFT JOIN companies co ON co.id = t.company_id LEFT JOIN deals d ON d.id = t.deal_id
                UNION ALL SELECT t.id, CASE WHEN t.contact_id IS NULL THEN co.owner_id ELSE c.owner_id END, t.deleted_at
                            FROM tickets t JOIN ids USING (id)
                            LEFT JOIN contacts c ON c.id = t.contact_id LEFT JOIN companies co ON co.id = t.company_id)
         SELECT id FROM rows
          WHERE NOT coalesce(owner_id = $2 OR owner_id IN (
                  SELECT u.id FROM users u WHERE u.team IS NOT NULL AND u.team = (SELECT team FROM users WHERE id = $2)), false)",
    )
    .bind(ids)
    .bind(user)
    .fetch_all(pool)
    .await
    .unwrap()
}

/// Every server function registered in this binary, by endpoint.
fn registered_server_functions() -> BTreeSet<String> {
    leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.trim_start_matches("/api/").to_string())
        .collect()
}

#[sqlx::test(migrations = "../migrations")]
async fn every_server_function_and_route_answers_each_role_as_the_matrix_says(pool: PgPool) {
    let fx = fixtures(&pool).await;
    let app = app(pool.clone());
    // The service desk's and the reports' rows go before the last row, `logout`, which ends the
    // sessions every row is sent with.
    let mut rows = matrix(&fx);
    let logout = rows.len() - 1;
    rows.splice(
        logout..logout,
        desk_rows::desk_rows(&fx)
            .into_iter()
            .chain(report_rows::report_rows(&fx)),
    );

    // A server function without a row fails here.
    let covered: BTreeSet<String> = rows.iter().map(|r| r.path.to_string()).collect();
    let missing: Vec<String> = registered_server_functions()
        .into_iter()
        .filter(|p| !covered.contains(p))
        .collect();
    assert!(
        missing.is_empty(),
        "server functions without a row in the access matrix: {missing:?}"
    );
    assert!(covered.contains("timeline") && covered.len() > 50);

    // One session per user, made directly (signing in is tested elsewhere).
    let mut cookies = vec![(Who::Anonymous, None)];
    for (who, id) in &fx.users {
        let (token, hash) = new_token();
        insert_session(&pool, app::users::model::UserId(*id), &hash, None)
            .await
            .unwrap();
        cookies.push((*who, Some(format!("{SESSION_COOKIE}={token}"))));
    }

    let mut wrong = Vec::new();
    for row in &rows {
        for (i, who) in WHO.iter().enumerate() {
            let cookie = cookies.iter().find(|(w, _)| w == who).unwrap().1.clone();
            let (status, body) = send(&app, row, cookie.as_deref()).await;
            let expected = row.expect[i];
            let cell = format!("{} {:?} as {who:?}", row.path, short(&row.call));
            if status != expected.status() {
                wrong.push(format!(
                    "{cell}: expected {expected:?} ({}), got {status}: {}",
                    expected.status(),
                    body.chars().take(200).collect::<String>()
                ));
                continue;
            }
            if !status.is_success() {
                continue;
            }
            for (w, text) in row.shows {
                if w == who && !body.contains(text) {
                    wrong.push(format!("{cell}: should show {text:?}"));
                }
            }
            // Row by row: no other team's record, by id or by name.
            let foreign = match who {
                Who::Owner | Who::Teammate => Some("WEST-SECRET"),
                Who::OtherTeam => Some("EAST-SECRET"),
                _ => None,
            };
            if let Some(foreign) = foreign {
                if body.contains(foreign) {
                    wrong.push(format!("{cell}: shows {foreign}…: {body}"));
                }
                let user = fx.user(*who).unwrap();
                let leaked = out_of_scope(&pool, user, &row_ids(&body)).await;
                if !leaked.is_empty() {
                    wrong.push(format!("{cell}: rows of another team: {leaked:?}"));
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} cells answer wrongly:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

fn short(call: &Call) -> String {
    match call {
        Call::Form(s) => s.chars().take(40).collect(),
        Call::Json(_) => "json".into(),
        Call::Get(p) => p.to_string(),
        Call::Upload(k, _) => k.to_string(),
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn a_companys_contact_count_counts_only_the_contacts_its_reader_may_see(pool: PgPool) {
    let fx = fixtures(&pool).await;
    let app = app(pool.clone());
    for who in [Who::Owner, Who::OtherTeam, Who::Admin] {
        let (token, hash) = new_token();
        let id = app::users::model::UserId(fx.user(who).unwrap());
        insert_session(&pool, id, &hash, None).await.unwrap();
        let cookie = format!("{SESSION_COOKIE}={token}");
        let list = row("list_companies", form("query[q]=Common%20Co"), SIGNED_IN);
        let (status, body) = send(&app, &list, Some(&cookie)).await;
        assert_eq!(status, StatusCode::OK);
        let page: serde_json::Value = serde_json::from_str(&body).unwrap();
        let counts: Vec<i64> = page["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["contact_count"].as_i64().unwrap())
            .collect();
        // East sees its two contacts of the company, an administrator all three; West not the
        // company at all.
        let expected: &[i64] = match who {
            Who::Owner => &[2],
            Who::Admin => &[3],
            _ => &[],
        };
        assert_eq!(counts, expected, "{who:?}");
    }
}
