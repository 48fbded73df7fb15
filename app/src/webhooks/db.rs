//! Webhook subscriptions and their delivery log in Postgres. Administrators only: a subscription
//! receives every record it names, whoever may open it. (The outbox itself is written by
//! triggers, in the migration; the worker that delivers is the server's.)
use std::net::IpAddr;

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::model::{
    Delivery, DeliveryState, Failure, NewWebhook, Webhook, WebhookDraft, is_public,
};
use crate::error::{AppError, Invalid};
use crate::users::model::{CurrentUser, Role};

/// How many subscriptions the house may hold: each is called on every change it names.
pub const MAX_WEBHOOKS: i64 = 20;
/// How many lines of a delivery log a page shows.
pub const LOG_PAGE: i64 = 50;
/// The prefix of a signing secret (as `keel_` is a token's).
pub const SECRET_PREFIX: &str = "whsec_";

/// Webhooks are the administrators' alone: a subscription receives every record it names.
pub fn admin(user: &CurrentUser) -> Result<(), AppError> {
    if user.role == Role::Admin {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// The addresses `host` stands for, each checked: a name that does not resolve, or one that
/// resolves to an address inside the house (unless allowed), is refused by the `url` field.
pub async fn check_address(
    host: &str,
    port: u16,
    allow_private: bool,
) -> Result<Vec<std::net::SocketAddr>, AppError> {
    let unknown = || AppError::invalid("url", Invalid::UnknownHost);
    let addrs: Vec<std::net::SocketAddr> = match host.parse::<IpAddr>() {
        Ok(ip) => vec![(ip, port).into()],
        Err(_) => tokio::time::timeout(
            std::time::Duration::from_secs(5),
            tokio::net::lookup_host((host, port)),
        )
        .await
        .map_err(|_| unknown())?
        .map_err(|_| unknown())?
        .collect(),
    };
    if addrs.is_empty() {
        return Err(unknown());
    }
    if !allow_private && addrs.iter().any(|a| !is_public(a.ip())) {
        return Err(AppError::invalid("url", Invalid::PrivateAddress));
    }
    Ok(addrs)
}

/// Subscribes `draft` in a transaction of its own. Its address is resolved and checked first,
/// before a connection is taken, so a slow name server holds none of the pool.
pub async fn create(
    pool: &PgPool,
    user: &CurrentUser,
    draft: &WebhookDraft,
) -> Result<NewWebhook, AppError> {
    admin(user)?;
    check_address(&draft.host, draft.port, draft.allow_private).await?;
    let mut tx = pool.begin().await?;
    let conn = &mut *tx;
    // One at a time, so two tabs cannot both pass the count.
    sqlx::query("LOCK TABLE webhooks IN SHARE ROW EXCLUSIVE MODE")
        .execute(&mut *conn)
        .await?;
    let held: i64 = sqlx::query_scalar("SELECT count(*) FROM webhooks")
        .fetch_one(&mut *conn)
        .await?;
    if held >= MAX_WEBHOOKS {
        return Err(AppError::invalid(
            "url",
            Invalid::TooMany {
                max: MAX_WEBHOOKS as u32,
            },
        ));
    }
    let (raw, _) = crate::users::auth::new_token();
    let secret = format!("{SECRET_PREFIX}{raw}");
    let id: Uuid = sqlx::query_scalar(
        "INSERT INTO webhooks (url, events, secret, allow_private, owner_id) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(&draft.url)
    .bind(&draft.events)
    .bind(&secret)
    .bind(draft.allow_private)
    .bind(user.id.0)
    .fetch_one(&mut *conn)
    .await?;
    let about = serde_json::json!({
        "url": draft.url, "events": draft.events, "allow_private": draft.allow_private,
    });
    crate::audit::created(conn, "webhook", id, user.id.0, &about).await?;
    tx.commit().await?;
    Ok(NewWebhook { id, secret })
}

type Row = (
    Uuid,
    String,
    Vec<String>,
    bool,
    String,
    DateTime<Utc>,
    Option<DateTime<Utc>>,
    Option<DateTime<Utc>>,
    i64,
);

pub async fn list(pool: &PgPool, user: &CurrentUser) -> Result<Vec<Webhook>, AppError> {
    admin(user)?;
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT w.id, w.url, w.events, w.allow_private, u.display_name, w.created_at, w.failing_since,
                w.paused_at,
                (SELECT count(*) FROM webhook_deliveries d WHERE d.webhook_id = w.id AND d.state = 'pending')
           FROM webhooks w JOIN users u ON u.id = w.owner_id ORDER BY w.created_at",
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Webhook {
            id: r.0,
            url: r.1,
            events: r.2,
            allow_private: r.3,
            owner: r.4,
            created_at: r.5,
            failing_since: r.6,
            paused_at: r.7,
            pending: r.8,
        })
        .collect())
}

/// Pauses a subscription (its events keep queueing) or resumes it: what waited is due at once,
/// with a fresh day of retries.
pub async fn set_paused(
    conn: &mut PgConnection,
    user: &CurrentUser,
    id: Uuid,
    paused: bool,
) -> Result<(), AppError> {
    admin(user)?;
    let found = sqlx::query(
        "UPDATE webhooks SET paused_at = CASE WHEN $2 THEN coalesce(paused_at, now()) END,
                failing_since = CASE WHEN $2 THEN failing_since END, version = version + 1
          WHERE id = $1",
    )
    .bind(id)
    .bind(paused)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if found == 0 {
        return Err(AppError::NotFound);
    }
    if !paused {
        sqlx::query(
            "UPDATE webhook_deliveries SET next_at = now(), since = now() WHERE webhook_id = $1 AND state = 'pending'",
        )
        .bind(id)
        .execute(&mut *conn)
        .await?;
    }
    let change = serde_json::json!({ "paused": { "old": !paused, "new": paused } });
    let changes = change.as_object().cloned().unwrap_or_default();
    crate::audit::record(conn, "webhook", id, user.id.0, "update", changes).await
}

/// Ends a subscription, with its queue and log.
pub async fn delete(conn: &mut PgConnection, user: &CurrentUser, id: Uuid) -> Result<(), AppError> {
    admin(user)?;
    let url: Option<String> =
        sqlx::query_scalar("DELETE FROM webhooks WHERE id = $1 RETURNING url")
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
    let Some(url) = url else {
        return Err(AppError::NotFound);
    };
    let change = serde_json::json!({ "url": { "old": url, "new": null } });
    let changes = change.as_object().cloned().unwrap_or_default();
    crate::audit::record(conn, "webhook", id, user.id.0, "delete", changes).await
}

type DeliveryRow = (
    i64,
    String,
    Uuid,
    DateTime<Utc>,
    String,
    i32,
    DateTime<Utc>,
    Option<DateTime<Utc>>,
    Option<i32>,
    Option<i32>,
    Option<String>,
);

/// A subscription's deliveries, newest first, `LOG_PAGE` at a time (`before`: the last id seen).
pub async fn deliveries(
    pool: &PgPool,
    user: &CurrentUser,
    webhook: Uuid,
    before: Option<i64>,
) -> Result<Vec<Delivery>, AppError> {
    admin(user)?;
    let rows: Vec<DeliveryRow> = sqlx::query_as(
        "SELECT d.id, e.event, d.record_id, e.occurred_at, d.state, d.attempts, d.next_at, d.last_at,
                d.last_status, d.last_latency_ms, d.last_error
           FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id
          WHERE d.webhook_id = $1 AND ($2::bigint IS NULL OR d.id < $2)
          ORDER BY d.id DESC LIMIT $3",
    )
    .bind(webhook)
    .bind(before)
    .bind(LOG_PAGE)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let state = DeliveryState::parse(&r.4);
            Delivery {
                id: r.0,
                event: r.1,
                record_id: r.2,
                occurred_at: r.3,
                state,
                attempts: r.5,
                next_at: (state == DeliveryState::Pending).then_some(r.6),
                last_at: r.7,
                last_status: r.8,
                last_latency_ms: r.9,
                last_error: r.10.as_deref().and_then(Failure::parse),
            }
        })
        .collect())
}

/// Sends a delivery again (delivered or given up): due at once, with a fresh day of retries.
/// The receiver tells a replay by its attempt number.
pub async fn replay(conn: &mut PgConnection, user: &CurrentUser, id: i64) -> Result<(), AppError> {
    admin(user)?;
    let found = sqlx::query(
        "UPDATE webhook_deliveries SET state = 'pending', next_at = now(), since = now() WHERE id = $1",
    )
    .bind(id)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if found == 0 {
        Err(AppError::NotFound)
    } else {
        Ok(())
    }
}
