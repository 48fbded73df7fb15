//! Resolves the session cookie of each request to its user, and sends page requests without a
//! session to the sign-in page. Server functions check the result themselves (typed errors).
//! Also notes the client's address (for sign-in throttling) on every request.
use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use http::Method;

use app::error::AppError;
use app::users::auth::{self, Authenticated, ClientAddr, ServerState};
use app::users::db;

/// Paths that are neither pages nor server functions: assets and probes.
/// Static files need no session; exports (`/export/contacts.csv`) look like files but do.
fn is_asset(path: &str) -> bool {
    !path.starts_with("/export/")
        && !is_public_page(path)
        && (path.starts_with("/pkg/")
            || path == "/healthz"
            || path
                .rsplit('/')
                .next()
                .is_some_and(|last| last.contains('.')))
}

/// Pages anyone may open: the sign-in page, and the customers' pages of the service desk (a web
/// form, and the pages its signed links open).
fn is_public_page(path: &str) -> bool {
    path == "/login" || path.starts_with("/support/")
}

pub async fn resolve(State(state): State<ServerState>, mut req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    if is_asset(&path) {
        return next.run(req).await;
    }
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    let client = ClientAddr::from_request(req.headers(), state.client_ip_header.as_ref(), peer);
    req.extensions_mut().insert(client);
    if let Some(token) = auth::cookie_value(req.headers(), auth::SESSION_COOKIE) {
        let token_hash = auth::hash_token(&token);
        // Cached only from a database lookup: a hit does not extend its own life, so an active
        // session still reaches Postgres (and its idle clock) every few seconds.
        let found = match state.sessions.get(&token_hash) {
            Some(user) => Ok(Some(user)),
            None => db::session_user(&state.pool, &token_hash, state.limits)
                .await
                .inspect(|u| {
                    if let Some(user) = u {
                        state.sessions.put(&token_hash, user.clone());
                    }
                }),
        };
        match found {
            Ok(Some(user)) => {
                req.extensions_mut()
                    .insert(Authenticated { user, token_hash });
            }
            Ok(None) => {}
            Err(e) => return crate::security::error_response(&e),
        }
    }
    let signed_in = req.extensions().get::<Authenticated>().is_some();
    let is_page = req.method() == Method::GET && !path.starts_with("/api/");
    if is_page && !signed_in && !is_public_page(&path) {
        let here = req
            .uri()
            .path_and_query()
            .map(|p| p.as_str())
            .unwrap_or("/");
        let next_param = app::ui::url::encode(here);
        return Redirect::to(&format!("/login?next={next_param}")).into_response();
    }
    if is_page && signed_in && path == "/login" {
        return Redirect::to("/").into_response();
    }
    next.run(req).await
}

/// Every hour (and at start): deletes expired sessions, so the table stays small, forgets sign-in
/// attempts older than the throttle's window, and purges the trash of what has been there past
/// 30 days.
/// Breaches told per transaction of the scan.
pub const BREACH_BATCH: i64 = 500;

/// One batch of the breach scan, as of now.
pub async fn scan_batch(pool: &sqlx::PgPool) -> Result<u64, AppError> {
    app::tickets::db::scan_breaches(pool, chrono::Utc::now(), BREACH_BATCH).await
}

/// Raises breach notifications: every `every` (a due time is told within that long), in batches of
/// `BREACH_BATCH` until none is left, so that a backlog (after downtime) is worked off in bounded
/// transactions.
pub fn spawn_breach_scan(pool: sqlx::PgPool, every: std::time::Duration) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            loop {
                match scan_batch(&pool).await {
                    Ok(n) if n as i64 == BREACH_BATCH => continue,
                    Ok(_) => break,
                    Err(e) => {
                        tracing::warn!(error = ?e, "breach scan failed");
                        break;
                    }
                }
            }
        }
    });
}

pub fn spawn_session_sweeper(state: ServerState) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(3600));
        loop {
            tick.tick().await;
            match db::purge_expired_sessions(&state.pool, state.limits).await {
                Ok(n) if n > 0 => tracing::info!(removed = n, "expired sessions removed"),
                Ok(_) => {}
                Err(AppError::Internal { id }) => {
                    tracing::warn!(error_id = %id, "session sweep failed")
                }
                Err(_) => {}
            }
            match app::users::throttle::purge(&state.pool).await {
                Ok(n) if n > 0 => tracing::info!(removed = n, "old sign-in attempts forgotten"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = ?e, "sign-in attempts purge failed"),
            }
            // Deleted customers past their 30 days in the trash go for good.
            match app::trash::db::purge(&state.pool, chrono::Utc::now()).await {
                Ok(p) if p != Default::default() => tracing::info!(
                    contacts = p.contacts,
                    companies = p.companies,
                    leads = p.leads,
                    "trash purged"
                ),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = ?e, "trash purge failed"),
            }
            // Keys of replayed writes outlive any answer a device may still be waiting for.
            if let Err(e) = app::idempotency::purge(&state.pool).await {
                tracing::warn!(error = ?e, "write-key purge failed");
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assets_and_probes_are_not_pages() {
        assert!(is_asset("/pkg/keel.wasm"));
        assert!(is_asset("/favicon.svg"));
        assert!(is_asset("/healthz"));
        assert!(!is_asset("/contacts"));
        assert!(!is_asset("/api/login"));
    }
}
