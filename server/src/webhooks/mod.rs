//! The webhook worker: claims due deliveries from the outbox (any instance may run it: rows are
//! claimed with `FOR UPDATE SKIP LOCKED` and leased, so a worker that dies mid-flight only delays
//! its deliveries), sends each as a signed POST, and records the answer: delivered, or retried
//! with exponential backoff for 24 hours. A subscription failing for 24 hours is paused and its
//! owner told. A record's events reach a subscription in order: a delivery waits until the
//! earlier ones about the same record are done.
mod send;

use std::time::Duration;

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

use app::error::AppError;
#[cfg(test)]
pub use send::sign;
pub use send::{Outcome, Sender};

/// How the worker paces itself. The defaults are the product's; tests shorten them.
#[derive(Clone, Debug)]
pub struct Settings {
    /// How often an idle worker looks for due deliveries.
    pub poll: Duration,
    /// Deliveries claimed at once (and sent side by side).
    pub batch: i64,
    /// How long a claimed delivery is held before another worker may try it.
    pub lease: Duration,
    pub connect_timeout: Duration,
    pub timeout: Duration,
    /// The pause after the first failure; each further one doubles it, up to `max_retry`.
    pub first_retry: Duration,
    pub max_retry: Duration,
    /// How long a delivery is retried, and how long a subscription may fail before it pauses.
    pub window: Duration,
    /// Delivered deliveries, and events, are kept this long for the log.
    pub keep: Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            poll: Duration::from_secs(1),
            batch: 16,
            lease: Duration::from_secs(60),
            connect_timeout: Duration::from_secs(5),
            timeout: Duration::from_secs(10),
            first_retry: Duration::from_secs(30),
            max_retry: Duration::from_secs(2 * 3600),
            window: Duration::from_secs(24 * 3600),
            keep: Duration::from_secs(30 * 24 * 3600),
        }
    }
}

impl Settings {
    /// The pause after the `attempt`-th failure: 30 s, 1 min, 2 min … up to 2 h.
    pub fn backoff(&self, attempt: i32) -> Duration {
        let doublings = attempt.clamp(1, 20) as u32 - 1;
        (self.first_retry * 2u32.pow(doublings)).min(self.max_retry)
    }
}

/// A claimed delivery, with what it carries.
#[derive(Debug, sqlx::FromRow)]
pub struct Due {
    pub id: i64,
    pub webhook_id: Uuid,
    pub attempts: i32,
    pub url: String,
    pub secret: String,
    pub allow_private: bool,
    pub event_id: i64,
    pub event: String,
    pub entity: String,
    pub record_id: Uuid,
    pub actor_id: Option<Uuid>,
    pub data: Option<serde_json::Value>,
    pub previous: Option<serde_json::Value>,
    pub occurred_at: DateTime<Utc>,
}

/// Claims up to `batch` due deliveries: each the earliest pending one of its record for its
/// subscription, of a subscription not paused. Each is leased (its next try moved past the
/// lease) and its attempt counted before it is sent.
pub async fn claim(pool: &PgPool, s: &Settings) -> Result<Vec<Due>, AppError> {
    Ok(sqlx::query_as(
        "WITH due AS (
            SELECT d.id FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
             WHERE d.state = 'pending' AND d.next_at <= now() AND w.paused_at IS NULL
               AND NOT EXISTS (SELECT 1 FROM webhook_deliveries p
                                WHERE p.webhook_id = d.webhook_id AND p.record_id = d.record_id
                                  AND p.state = 'pending' AND p.event_id < d.event_id)
             ORDER BY d.next_at, d.event_id LIMIT $1
             FOR UPDATE OF d SKIP LOCKED)
         UPDATE webhook_deliveries d
            SET attempts = d.attempts + 1, next_at = now() + make_interval(secs => $2)
           FROM due, webhooks w, webhook_events e
          WHERE d.id = due.id AND w.id = d.webhook_id AND e.id = d.event_id
         RETURNING d.id, d.webhook_id, d.attempts, w.url, w.secret, w.allow_private, e.id AS event_id,
                   e.event, e.entity, e.record_id, e.actor_id, e.data, e.previous, e.occurred_at",
    )
    .bind(s.batch)
    .bind(s.lease.as_secs_f64())
    .fetch_all(pool)
    .await?)
}

/// Writes what a send came to, in one transaction: the delivery's state and log line, and the
/// subscription's health (paused, and its owner told, after a day of failures).
pub async fn record(pool: &PgPool, s: &Settings, d: &Due, o: &Outcome) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    let latency = i32::try_from(o.latency.as_millis()).unwrap_or(i32::MAX);
    if o.delivered() {
        sqlx::query(
            "UPDATE webhook_deliveries SET state = 'delivered', last_at = now(), last_status = $3,
                    last_latency_ms = $4, last_error = NULL
              WHERE id = $1 AND attempts = $2",
        )
        .bind(d.id)
        .bind(d.attempts)
        .bind(o.status.map(i32::from))
        .bind(latency)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE webhooks SET failing_since = NULL WHERE id = $1 AND failing_since IS NOT NULL",
        )
        .bind(d.webhook_id)
        .execute(&mut *tx)
        .await?;
    } else {
        let retry = s.backoff(d.attempts).as_secs_f64();
        sqlx::query(
            "UPDATE webhook_deliveries SET last_at = now(), last_status = $3, last_latency_ms = $4,
                    last_error = $5, next_at = now() + make_interval(secs => $6),
                    state = CASE WHEN since + make_interval(secs => $7) < now() + make_interval(secs => $6)
                                 THEN 'failed' ELSE 'pending' END
              WHERE id = $1 AND attempts = $2",
        )
        .bind(d.id)
        .bind(d.attempts)
        .bind(o.status.map(i32::from))
        .bind(latency)
        .bind(o.error.map(|e| e.code()))
        .bind(retry)
        .bind(s.window.as_secs_f64())
        .execute(&mut *tx)
        .await?;
        // Failing since when; a day of it (and not paused yet) pauses it, in the same statement
        // that reads it, so two workers cannot both pause it and tell its owner twice.
        sqlx::query(
            "UPDATE webhooks SET failing_since = now() WHERE id = $1 AND failing_since IS NULL",
        )
        .bind(d.webhook_id)
        .execute(&mut *tx)
        .await?;
        let paused: Option<(Uuid, String)> = sqlx::query_as(
            "UPDATE webhooks SET paused_at = now()
              WHERE id = $1 AND paused_at IS NULL AND failing_since <= now() - make_interval(secs => $2)
             RETURNING owner_id, url",
        )
        .bind(d.webhook_id)
        .bind(s.window.as_secs_f64())
        .fetch_optional(&mut *tx)
        .await?;
        if let Some((owner, url)) = paused {
            tracing::warn!(webhook = %d.webhook_id, "a webhook failed for its whole window and was paused");
            let about = app::notifications::db::About {
                title: &url,
                link: "/settings/webhooks",
                ticket: None,
            };
            let kind = app::notifications::model::Kind::WebhookPaused;
            app::notifications::db::notify(&mut tx, &[owner], kind, about, None).await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

/// One round: claims what is due, sends it side by side, records each answer. How many it sent.
pub async fn run_once(pool: &PgPool, sender: &Sender) -> Result<usize, AppError> {
    let due = claim(pool, &sender.settings).await?;
    let n = due.len();
    let mut sends = tokio::task::JoinSet::new();
    for d in due {
        let (pool, sender) = (pool.clone(), sender.clone());
        sends.spawn(async move {
            let outcome = sender.send(&d).await;
            record(&pool, &sender.settings, &d, &outcome).await
        });
    }
    while let Some(done) = sends.join_next().await {
        if let Ok(Err(e)) = done {
            tracing::error!(error = %e, "a webhook delivery's outcome was not recorded");
        }
    }
    Ok(n)
}

/// Gives up what waited longer than `keep` (a subscription paused that long), then forgets
/// finished deliveries, and events nothing waits for, older than `keep`.
pub async fn sweep(pool: &PgPool, s: &Settings) -> Result<u64, AppError> {
    let keep = s.keep.as_secs_f64();
    sqlx::query(
        "UPDATE webhook_deliveries SET state = 'failed', last_error = $2, last_at = now()
          WHERE state = 'pending' AND since < now() - make_interval(secs => $1)",
    )
    .bind(keep)
    .bind(app::webhooks::model::Failure::Expired.code())
    .execute(pool)
    .await?;
    let gone = sqlx::query(
        "DELETE FROM webhook_deliveries WHERE state <> 'pending' AND last_at < now() - make_interval(secs => $1)",
    )
    .bind(keep)
    .execute(pool)
    .await?
    .rows_affected();
    sqlx::query(
        "DELETE FROM webhook_events e WHERE e.occurred_at < now() - make_interval(secs => $1)
            AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = e.id)",
    )
    .bind(keep)
    .execute(pool)
    .await?;
    Ok(gone)
}

/// Runs the worker for as long as the server does.
pub fn spawn(pool: PgPool, sender: Sender) {
    tokio::spawn(async move {
        let mut swept = std::time::Instant::now();
        loop {
            let busy = match run_once(&pool, &sender).await {
                Ok(n) => n as i64 >= sender.settings.batch,
                Err(e) => {
                    tracing::error!(error = %e, "the webhook worker could not claim deliveries");
                    false
                }
            };
            if swept.elapsed() > Duration::from_secs(3600) {
                swept = std::time::Instant::now();
                if let Err(e) = sweep(&pool, &sender.settings).await {
                    tracing::error!(error = %e, "old webhook deliveries were not swept");
                }
            }
            if !busy {
                tokio::time::sleep(sender.settings.poll).await;
            }
        }
    });
}
