//! The event stream's plumbing: each `keel` instance LISTENs to Postgres (one listener, made again
//! after a failure, then a resync) and fans what it hears out to its signed-in browsers over
//! Server-Sent Events, so several instances behind a load balancer stay in sync. What an
//! announcement means and what each user is told of it (a deal's id and version only if they may
//! open that deal, else that the pipeline changed) is `app::live`, which the hub asks once per
//! event. A stream ends when its session does: it checks the session when the user's sessions are
//! announced ended (sign-out, password change) and every `RECHECK`, which catches expiry and
//! deactivation.
use std::convert::Infallible;
use std::sync::LazyLock;
use std::time::Duration;

use axum::Extension;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use sqlx::PgPool;
use sqlx::postgres::PgListener;
use tokio::sync::{broadcast, watch};
use uuid::Uuid;

use app::error::AppError;
use app::live::{LiveEvent, News, Viewer};
use app::users::auth::{Authenticated, SESSION_CHANNEL, SessionCache};
use app::users::db::SessionLimits;
use app::users::model::{DataScope, Role, UserId};

/// How often an open stream checks that its session is still valid (and its user's role and team).
const RECHECK: Duration = Duration::from_secs(30);

/// Set on shutdown, so open streams end and graceful shutdown does not wait for them.
static STOPPING: LazyLock<watch::Sender<bool>> = LazyLock::new(|| watch::channel(false).0);

pub fn stop_streams() {
    STOPPING.send_replace(true);
}

/// What the hub hears, as it fans it out to this instance's streams.
#[derive(Clone, Debug)]
enum Heard {
    /// An announcement, as `live` reads it.
    News(News),
    /// The sessions of this user (of everyone, when `None`) may have ended.
    SessionsOf(Option<UserId>),
}

/// The instance's fan-out: one Postgres listener, any number of browser streams.
#[derive(Clone)]
pub struct Hub {
    tx: broadcast::Sender<Heard>,
    pool: PgPool,
    limits: SessionLimits,
}

impl Hub {
    /// Starts listening (and reconnecting after a lost connection) in the background.
    pub fn start(pool: PgPool, sessions: SessionCache, limits: SessionLimits) -> Hub {
        let (tx, _) = broadcast::channel(1024);
        let out = tx.clone();
        let db = pool.clone();
        tokio::spawn(async move {
            let mut stop = STOPPING.subscribe();
            // Whether this is a connection made again after a failure (or a failed first try).
            let mut again = false;
            loop {
                if *STOPPING.borrow() {
                    return;
                }
                let listener = match PgListener::connect_with(&db).await {
                    Ok(mut l) => match l.listen_all([app::live::CHANNEL, SESSION_CHANNEL]).await {
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
                    if again {
                        // Listening again: whatever was announced meanwhile is lost, so
                        // browsers reload and streams check their sessions.
                        let _ = out.send(Heard::News(News::Resync));
                        let _ = out.send(Heard::SessionsOf(None));
                    }
                    loop {
                        let heard = tokio::select! {
                            heard = listener.try_recv() => heard,
                            _ = stop.changed() => return,
                        };
                        match heard {
                            Ok(Some(n)) if n.channel() == SESSION_CHANNEL => {
                                match n.payload().parse() {
                                    Ok(user) => {
                                        sessions.forget_user(UserId(user));
                                        let _ = out.send(Heard::SessionsOf(Some(UserId(user))));
                                    }
                                    // Unreadable: forget everyone, to be safe.
                                    Err(_) => {
                                        sessions.set_listening(true);
                                        let _ = out.send(Heard::SessionsOf(None));
                                    }
                                }
                            }
                            Ok(Some(n)) => {
                                let _ = out.send(Heard::News(News::of(&db, n.payload()).await));
                            }
                            // The connection dropped: it is made again below. Notifications
                            // may be lost, so cached sessions go and clients reload.
                            Ok(None) => {
                                sessions.set_listening(false);
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
                again = true;
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        });
        Hub { tx, pool, limits }
    }

    /// The user of a session still valid now (not extending it: an open stream is not use), with
    /// their scope; `None` once it has ended, expired, or its user was deactivated.
    async fn viewer(&self, token_hash: &[u8]) -> Result<Option<Viewer>, AppError> {
        let now = Utc::now();
        let row: Option<(Uuid, String, Option<String>)> = sqlx::query_as(
            "SELECT u.id, u.role, u.team FROM sessions s JOIN users u ON u.id = s.user_id
              WHERE s.token_hash = $1 AND u.active AND s.last_seen_at > $2 AND s.created_at > $3",
        )
        .bind(token_hash)
        .bind(now - self.limits.idle)
        .bind(now - self.limits.absolute)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|(id, role, team)| {
            Ok(Viewer {
                id: UserId(id),
                all: Role::parse(&role)?.data_scope() == DataScope::All,
                team,
            })
        })
        .transpose()
    }
}

fn sse(event: &LiveEvent) -> Result<Event, Infallible> {
    let data = serde_json::to_string(event).unwrap_or_else(|_| r#"{"kind":"resync"}"#.into());
    Ok(Event::default().data(data))
}

struct Open {
    hub: Hub,
    token_hash: Vec<u8>,
    viewer: Viewer,
    rx: broadcast::Receiver<Heard>,
    stop: watch::Receiver<bool>,
    recheck: tokio::time::Interval,
}

impl Open {
    /// Checks the session again; false when the stream must end.
    async fn still_valid(&mut self) -> bool {
        match self.hub.viewer(&self.token_hash).await {
            Ok(Some(v)) => {
                self.viewer = v;
                true
            }
            Ok(None) => false,
            // Unverifiable: end it; the browser reconnects through the session check.
            Err(_) => false,
        }
    }

    /// The next event for the browser, or `None` when the stream ends.
    async fn next(&mut self) -> Option<LiveEvent> {
        enum Woke {
            Heard(Result<Heard, broadcast::error::RecvError>),
            Recheck,
            Stop,
        }
        loop {
            if *self.stop.borrow() {
                return None;
            }
            let woke = tokio::select! {
                r = self.rx.recv() => Woke::Heard(r),
                _ = self.recheck.tick() => Woke::Recheck,
                _ = self.stop.changed() => Woke::Stop,
            };
            match woke {
                Woke::Heard(Ok(Heard::SessionsOf(who))) => {
                    if who.is_none_or(|u| u == self.viewer.id) && !self.still_valid().await {
                        return None;
                    }
                }
                Woke::Heard(Ok(Heard::News(news))) => {
                    if let Some(e) = self.viewer.told(news) {
                        return Some(e);
                    }
                }
                Woke::Heard(Err(broadcast::error::RecvError::Lagged(_))) => {
                    return Some(LiveEvent::Resync);
                }
                Woke::Heard(Err(broadcast::error::RecvError::Closed)) | Woke::Stop => return None,
                Woke::Recheck => {
                    if !self.still_valid().await {
                        return None;
                    }
                }
            }
        }
    }
}

/// `GET /api/events`: the stream of live events for a signed-in user.
pub async fn stream(
    Extension(hub): Extension<Hub>,
    auth: Option<Extension<Authenticated>>,
) -> Response {
    let Some(Extension(auth)) = auth else {
        return crate::security::error_response(&AppError::Unauthorized);
    };
    // Subscribed before the check, so nothing announced after it is missed.
    let rx = hub.tx.subscribe();
    let viewer = match hub.viewer(&auth.token_hash).await {
        Ok(Some(v)) => v,
        Ok(None) => return crate::security::error_response(&AppError::Unauthorized),
        Err(e) => return crate::security::error_response(&e),
    };
    let open = Open {
        token_hash: auth.token_hash,
        viewer,
        rx,
        stop: STOPPING.subscribe(),
        recheck: tokio::time::interval_at(tokio::time::Instant::now() + RECHECK, RECHECK),
        hub,
    };
    let events = futures_util::stream::unfold(open, |mut open| async move {
        let e = open.next().await?;
        Some((sse(&e), open))
    });
    Sse::new(events)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::deals::model::PipelineId;
    use app::users::auth::new_token;
    use app::users::db::{delete_session, insert_session, upsert_user};
    use app::users::model::{CurrentUser, Role};
    use futures_util::StreamExt;

    fn limits() -> SessionLimits {
        SessionLimits {
            idle: chrono::Duration::hours(1),
            absolute: chrono::Duration::hours(12),
        }
    }

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

        let _hub = Hub::start(pool.clone(), sessions.clone(), limits());
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

    /// A user of `role` in `team`.
    async fn member(pool: &PgPool, email: &str, role: Role, team: Option<&str>) -> CurrentUser {
        let mut conn = pool.acquire().await.unwrap();
        let id = upsert_user(&mut conn, email, email, "$argon2id$x", role, "en")
            .await
            .unwrap();
        sqlx::query("UPDATE users SET team = $2 WHERE id = $1")
            .bind(id.0)
            .bind(team)
            .execute(&mut *conn)
            .await
            .unwrap();
        CurrentUser {
            id,
            email: email.into(),
            display_name: email.into(),
            role,
            locale: "en".into(),
        }
    }

    /// A signed-in stream of `user`: its session's hash and the stream's body.
    async fn open(
        pool: &PgPool,
        hub: &Hub,
        user: &CurrentUser,
    ) -> (Vec<u8>, axum::body::BodyDataStream) {
        let (_, hash) = new_token();
        insert_session(&mut *pool.acquire().await.unwrap(), user.id, &hash, None)
            .await
            .unwrap();
        let auth = Authenticated {
            user: user.clone(),
            token_hash: hash.clone(),
        };
        let res = stream(Extension(hub.clone()), Some(Extension(auth))).await;
        assert_eq!(res.status(), http::StatusCode::OK);
        (hash, res.into_body().into_data_stream())
    }

    /// The next event on the stream, or `None` when it ended.
    async fn next(body: &mut axum::body::BodyDataStream) -> Option<LiveEvent> {
        loop {
            let chunk = tokio::time::timeout(Duration::from_secs(10), body.next())
                .await
                .expect("an event or the end of the stream")?
                .unwrap();
            let text = String::from_utf8(chunk.to_vec()).unwrap();
            if let Some(data) = text.lines().find_map(|l| l.strip_prefix("data: ")) {
                return Some(serde_json::from_str(data).unwrap());
            }
        }
    }

    async fn listening_hub(pool: &PgPool) -> Hub {
        let sessions = SessionCache::default();
        let hub = Hub::start(pool.clone(), sessions.clone(), limits());
        until("the listener starts", || sessions.is_listening()).await;
        hub
    }

    async fn one_pipeline(pool: &PgPool) -> PipelineId {
        let id: Uuid = sqlx::query_scalar(
            "WITH p AS (INSERT INTO pipelines (name, position) VALUES ('Sales', 0) RETURNING id)
             INSERT INTO stages (pipeline_id, name, position) SELECT id, 'Lead', 0 FROM p RETURNING pipeline_id",
        )
        .fetch_one(pool)
        .await
        .unwrap();
        PipelineId(id)
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_deals_id_reaches_only_the_streams_of_users_who_may_open_it(pool: PgPool) {
        let pipeline = one_pipeline(&pool).await;
        let west = member(&pool, "w@t.test", Role::Sales, Some("West")).await;
        let west_mate = member(&pool, "w2@t.test", Role::Sales, Some("West")).await;
        let east = member(&pool, "e@t.test", Role::Sales, Some("East")).await;
        let viewer = member(&pool, "v@t.test", Role::Viewer, None).await;
        let hub = listening_hub(&pool).await;
        let (_, mut west_s) = open(&pool, &hub, &west).await;
        let (_, mut mate_s) = open(&pool, &hub, &west_mate).await;
        let (_, mut east_s) = open(&pool, &hub, &east).await;
        let (_, mut viewer_s) = open(&pool, &hub, &viewer).await;

        // A deal opened and announced as any instance does it, in one transaction.
        let deal: Uuid = sqlx::query_scalar(
            "WITH d AS (
                INSERT INTO deals (pipeline_id, stage_id, title, value_minor, currency, owner_id, rank)
                SELECT pipeline_id, id, 'West only', 100, 'EUR', $2, 'V' FROM stages WHERE pipeline_id = $1
                RETURNING id, pipeline_id, version)
             SELECT id FROM d, LATERAL pg_notify($3, json_build_object(
                'kind', 'deal', 'deal', d.id, 'pipeline', d.pipeline_id, 'version', d.version)::text)",
        )
        .bind(pipeline.0)
        .bind(west.id.0)
        .bind(app::live::CHANNEL)
        .fetch_one(&pool)
        .await
        .unwrap();

        let told = LiveEvent::Deal {
            deal: app::deals::model::DealId(deal),
            pipeline,
            version: 1,
        };
        assert_eq!(next(&mut west_s).await, Some(told.clone()));
        assert_eq!(next(&mut mate_s).await, Some(told.clone()));
        assert_eq!(next(&mut viewer_s).await, Some(told));
        // Another team hears only that the pipeline changed: no id, no version.
        assert_eq!(
            next(&mut east_s).await,
            Some(LiveEvent::Pipeline { pipeline })
        );
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_stream_ends_when_its_session_ends(pool: PgPool) {
        let user = member(&pool, "s@t.test", Role::Sales, Some("East")).await;
        let other = member(&pool, "o@t.test", Role::Sales, Some("East")).await;
        let hub = listening_hub(&pool).await;
        let (signed_out, mut first) = open(&pool, &hub, &user).await;
        let (kept, mut second) = open(&pool, &hub, &user).await;
        let (_, mut bystander) = open(&pool, &hub, &other).await;

        // Signing out ends that session's stream only.
        delete_session(&pool, &signed_out).await.unwrap();
        assert_eq!(next(&mut first).await, None);
        // A password change elsewhere ends the others.
        let mut conn = pool.acquire().await.unwrap();
        app::users::db::delete_other_sessions(&mut conn, user.id, b"another session")
            .await
            .unwrap();
        assert_eq!(next(&mut second).await, None);
        let _ = kept;

        // Deactivated: the stream's next check ends it.
        let (_, mut third) = open(&pool, &hub, &other).await;
        sqlx::query("UPDATE users SET active = false WHERE id = $1")
            .bind(other.id.0)
            .execute(&pool)
            .await
            .unwrap();
        // As deactivating announces it (and the stream's periodic check would find it anyway).
        sqlx::query("SELECT pg_notify($1, $2)")
            .bind(SESSION_CHANNEL)
            .bind(other.id.0.to_string())
            .execute(&pool)
            .await
            .unwrap();
        assert_eq!(next(&mut third).await, None);
        assert_eq!(next(&mut bystander).await, None);
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_listener_failure_is_followed_by_a_resync_once_listening_again(pool: PgPool) {
        let user = member(&pool, "s@t.test", Role::Sales, Some("East")).await;
        let hub = listening_hub(&pool).await;
        let (_, mut body) = open(&pool, &hub, &user).await;
        // Cut the listener's connection, as a Postgres restart or a network fault would.
        let killed: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity
              WHERE datname = current_database() AND pid <> pg_backend_pid() AND query ILIKE '%LISTEN%') k",
        )
        .fetch_one(&pool)
        .await
        .unwrap();
        assert_eq!(killed, 1);
        assert_eq!(next(&mut body).await, Some(LiveEvent::Resync));
    }
}
