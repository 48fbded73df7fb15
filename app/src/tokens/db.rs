//! API tokens in Postgres: made, listed, revoked, and found by their secret's hash.
use chrono::{DateTime, Duration, Utc};
use sqlx::types::Json;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::model::{NewToken, SECRET_PREFIX, Scopes, TokenDraft, TokenRow};
use crate::error::AppError;
use crate::users::model::{CurrentUser, Role, UserId};

/// How many live tokens one user may hold: each is a standing door into the data.
pub const MAX_PER_USER: i64 = 50;

/// A fresh secret (256 random bits, hex, after the prefix) and the hash kept for it.
pub fn new_secret() -> (String, Vec<u8>) {
    let (raw, _) = crate::users::auth::new_token();
    let secret = format!("{SECRET_PREFIX}{raw}");
    let hash = crate::users::auth::hash_token(&secret);
    (secret, hash)
}

pub async fn create(
    conn: &mut PgConnection,
    user: &CurrentUser,
    draft: &TokenDraft,
) -> Result<NewToken, AppError> {
    // Serialised per user, so two tabs cannot both pass the count.
    sqlx::query("SELECT 1 FROM users WHERE id = $1 FOR UPDATE")
        .bind(user.id.0)
        .execute(&mut *conn)
        .await?;
    let live: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM api_tokens WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > now()",
    )
    .bind(user.id.0)
    .fetch_one(&mut *conn)
    .await?;
    if live >= MAX_PER_USER {
        return Err(AppError::invalid(
            "name",
            crate::error::Invalid::TooMany {
                max: MAX_PER_USER as u32,
            },
        ));
    }
    let (secret, hash) = new_secret();
    let hint = secret[secret.len() - 4..].to_string();
    let expires = Utc::now() + Duration::days(draft.days.into());
    let id: Uuid = sqlx::query_scalar(
        "INSERT INTO api_tokens (user_id, name, secret_hash, hint, scopes, created_by, expires_at)
         VALUES ($1, $2, $3, $4, $5, $1, $6) RETURNING id",
    )
    .bind(user.id.0)
    .bind(&draft.name)
    .bind(&hash)
    .bind(&hint)
    .bind(Json(&draft.scopes))
    .bind(expires)
    .fetch_one(&mut *conn)
    .await?;
    crate::audit::created(
        conn,
        "api_token",
        id,
        user.id.0,
        &serde_json::json!({ "name": draft.name, "scopes": draft.scopes, "expires_at": expires }),
    )
    .await?;
    Ok(NewToken { id, secret })
}

type Row = (
    Uuid,
    String,
    String,
    String,
    Json<Scopes>,
    DateTime<Utc>,
    DateTime<Utc>,
    Option<DateTime<Utc>>,
    Option<String>,
    Option<DateTime<Utc>>,
);

/// The user's tokens, newest first; an administrator sees everyone's (to revoke a leaked one).
pub async fn list(pool: &PgPool, user: &CurrentUser) -> Result<Vec<TokenRow>, AppError> {
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT t.id, t.name, t.hint, u.display_name, t.scopes, t.created_at, t.expires_at,
                t.last_used_at, t.last_used_from, t.revoked_at
           FROM api_tokens t JOIN users u ON u.id = t.user_id
          WHERE t.user_id = $1 OR $2
          ORDER BY t.revoked_at IS NOT NULL, t.created_at DESC
          LIMIT 500",
    )
    .bind(user.id.0)
    .bind(user.role == Role::Admin)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| TokenRow {
            id: r.0,
            name: r.1,
            hint: r.2,
            owner: r.3,
            scopes: r.4.0,
            created_at: r.5,
            expires_at: r.6,
            last_used_at: r.7,
            last_used_from: r.8,
            revoked_at: r.9,
        })
        .collect())
}

/// Revokes one of the user's tokens (an administrator: anyone's). Revoking twice is no error.
pub async fn revoke(conn: &mut PgConnection, user: &CurrentUser, id: Uuid) -> Result<(), AppError> {
    let found: Option<bool> = sqlx::query_scalar(
        "UPDATE api_tokens SET revoked_at = coalesce(revoked_at, now())
          WHERE id = $1 AND (user_id = $2 OR $3)
          RETURNING revoked_at = now()",
    )
    .bind(id)
    .bind(user.id.0)
    .bind(user.role == Role::Admin)
    .fetch_optional(&mut *conn)
    .await?;
    match found {
        None => Err(AppError::NotFound),
        Some(true) => {
            let changes = crate::audit::diff(
                &serde_json::json!({ "revoked": false }),
                &serde_json::json!({ "revoked": true }),
            );
            crate::audit::record(conn, "api_token", id, user.id.0, "update", changes).await
        }
        Some(false) => Ok(()),
    }
}

/// The user and grants of a live token, found by its secret. Read on every request (one index
/// lookup), so a revocation holds at once everywhere; the last use is written at most once a
/// minute.
pub async fn authenticate(
    pool: &PgPool,
    secret: &str,
    from: Option<String>,
) -> Result<Option<(Uuid, CurrentUser, Scopes)>, AppError> {
    if !secret.starts_with(SECRET_PREFIX) || secret.len() > 100 {
        return Ok(None);
    }
    let hash = crate::users::auth::hash_token(secret);
    let row: Option<(Uuid, Json<Scopes>, Option<DateTime<Utc>>, Uuid, String, String, String, String)> =
        sqlx::query_as(
            "SELECT t.id, t.scopes, t.last_used_at, u.id, u.email, u.display_name, u.role, u.locale
               FROM api_tokens t JOIN users u ON u.id = t.user_id
              WHERE t.secret_hash = $1 AND t.revoked_at IS NULL AND t.expires_at > now() AND u.active",
        )
        .bind(&hash)
        .fetch_optional(pool)
        .await?;
    let Some((id, scopes, last_used, uid, email, display_name, role, locale)) = row else {
        return Ok(None);
    };
    if last_used.is_none_or(|t| Utc::now() - t > Duration::seconds(60)) {
        sqlx::query(
            "UPDATE api_tokens SET last_used_at = now(), last_used_from = $2 WHERE id = $1",
        )
        .bind(id)
        .bind(from)
        .execute(pool)
        .await?;
    }
    let role = Role::parse(&role)?;
    Ok(Some((
        id,
        CurrentUser {
            id: UserId(uid),
            email,
            display_name,
            role,
            locale,
        },
        scopes.0,
    )))
}
