//! Live updates: each `keel` instance LISTENs to Postgres and streams what it hears to its signed-in
//! browsers over Server-Sent Events, so several instances behind a load balancer stay in sync.
use std::convert::Infallible;
use std::sync::LazyLock;
use std::time::Duration;

use axum::Extension;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use sqlx::PgPool;
use sqlx::postgres::PgListener;
use tokio::sync::{broadcast, watch};

use app::error::AppError;
use app::pipeline::db::DEAL_CHANNEL;
use app::users::auth::{Authenticated, SESSION_CHANNEL, SessionCache};
use app::users::model::UserId;

/// Sent when notifications may have been missed (the listener reconnected, or a browser lagged):
/// clients reload what they show.
const RESYNC: &str = r#"{"resync":true}"#;

/// Set on shutdown, so open streams end and graceful shutdown does not wait for them.
static STOPPING: LazyLock<watch::Sender<bool>> = LazyLock::new(|| watch::channel(false).0);

pub fn stop_streams() {
    STOPPING.send_replace(true);
}

/// The instance's fan-out: one Postgres listener, any number of browser streams.
#[derive(Clone)]
pub struct Hub(broadcast::Sender<String>);

impl Hub {
    /// Starts listening (and reconnecting after a lost connection) in the background.
    pub fn start(pool: PgPool, sessions: SessionCache) -> Hub {
        let (tx, _) = broadcast::channel(1024);
        let out = tx.clone();
        tokio::spawn(async move {
            let mut stop = STOPPING.subscribe();
            loop {
                if *STOPPING.borrow() {
                    return;
                }
                let listener = match PgListener::connect_with(&pool).await {
                    Ok(mut l) => match l.listen_all([DEAL_CHANNEL, SESSION_CHANNEL]).await {
                        Ok(()) => Some(l),
                        Err(e) => {
                            tracing::warn!(error = %e, "could not LISTEN; retrying");
                            None
                        }
                    },
                    Err(e) => {
                        tracing::warn!(error = %e, "event listener could not connect; retrying");
                        None
                    }
                };
                if let Some(mut listener) = listener {
                    sessions.set_listening(true);
                    loop {
                        let heard = tokio::select! {
                            heard = listener.try_recv() => heard,
                            _ = stop.changed() => return,
                        };
                        match heard {
                            Ok(Some(n)) if n.channel() == SESSION_CHANNEL => {
                                match n.payload().parse() {
                                    Ok(user) => sessions.forget_user(UserId(user)),
                                    // Unreadable: forget everyone, to be safe.
                                    Err(_) => sessions.set_listening(true),
                                }
                            }
                            Ok(Some(n)) => {
                                let _ = out.send(n.payload().to_string());
                            }
                            // The connection dropped: it is made again below. Notifications
                            // may be lost, so cached sessions go and clients reload.
                            Ok(None) => {
                                sessions.set_listening(false);
                                let _ = out.send(RESYNC.to_string());
                                break;
                            }
                            Err(_) if *STOPPING.borrow() => return,
                            Err(e) => {
                                sessions.set_listening(false);
                                tracing::warn!(error = %e, "event listener failed; reconnecting");
                                break;
                            }
                        }
                    }
                }
                if *STOPPING.borrow() {
                    return;
                }
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        });
        Hub(tx)
    }
}

/// `GET /api/events`: the stream of deal events for a signed-in user.
pub async fn stream(
    Extension(hub): Extension<Hub>,
    auth: Option<Extension<Authenticated>>,
) -> Response {
    if auth.is_none() {
        return crate::security::error_response(&AppError::Unauthorized);
    }
    let state = (hub.0.subscribe(), STOPPING.subscribe());
    let events = futures_util::stream::unfold(state, |(mut rx, mut stop)| async move {
        if *stop.borrow() {
            return None;
        }
        let data = tokio::select! {
            r = rx.recv() => match r {
                Ok(data) => data,
                Err(broadcast::error::RecvError::Lagged(_)) => RESYNC.to_string(),
                Err(broadcast::error::RecvError::Closed) => return None,
            },
            _ = stop.changed() => return None,
        };
        Some((Ok::<_, Infallible>(Event::default().data(data)), (rx, stop)))
    });
    Sse::new(events)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::users::auth::new_token;
    use app::users::db::{delete_session, insert_session, upsert_user};
    use app::users::model::{CurrentUser, Role};

    async fn until(what: &str, ok: impl Fn() -> bool) {
        let deadline = std::time::Instant::now() + SessionCache::TTL / 2;
        while !ok() {
            assert!(std::time::Instant::now() < deadline, "{what}");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_session_ended_by_any_instance_leaves_this_instances_cache(pool: PgPool) {
        let sessions = SessionCache::default();
        let user = CurrentUser {
            id: upsert_user(
                &mut *pool.acquire().await.unwrap(),
                "a@t.test",
                "A",
                "$argon2id$x",
                Role::Admin,
                "en",
            )
            .await
            .unwrap(),
            email: "a@t.test".into(),
            display_name: "A".into(),
            role: Role::Admin,
            locale: "en".into(),
        };
        let (_, hash) = new_token();
        insert_session(&mut *pool.acquire().await.unwrap(), user.id, &hash, None)
            .await
            .unwrap();
        // Before the listener hears sign-outs, nothing is cached.
        sessions.put(&hash, user.clone());
        assert!(sessions.get(&hash).is_none());

        let _hub = Hub::start(pool.clone(), sessions.clone());
        until("the listener starts", || sessions.is_listening()).await;
        sessions.put(&hash, user);
        assert!(sessions.get(&hash).is_some());
        // Another instance signs the session out: only Postgres connects the two.
        delete_session(&pool, &hash).await.unwrap();
        until("the cached session is dropped", || {
            sessions.get(&hash).is_none()
        })
        .await;
    }
}
