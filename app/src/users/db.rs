//! SQL for users and sessions (sign-in throttling is in `throttle`).
use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgExecutor, PgPool};
use uuid::Uuid;

use super::model::{CurrentUser, Role, UserId};
use crate::error::AppError;

#[derive(sqlx::FromRow)]
struct UserRow {
    id: Uuid,
    email: String,
    display_name: String,
    role: String,
    locale: String,
}

impl UserRow {
    fn into_user(self) -> Result<CurrentUser, AppError> {
        Ok(CurrentUser {
            id: UserId(self.id),
            email: self.email,
            display_name: self.display_name,
            role: Role::parse(&self.role)
                .map_err(|_| AppError::internal(format!("bad role {}", self.role)))?,
            locale: self.locale,
        })
    }
}

/// The active user with this (normalised) email and their password hash.
pub async fn find_for_login(
    pool: &PgPool,
    email: &str,
) -> Result<Option<(CurrentUser, String)>, AppError> {
    let row: Option<(Uuid, String, String, String, String, String)> = sqlx::query_as(
        "SELECT id, email, display_name, role, locale, password_hash
           FROM users WHERE lower(email) = lower($1) AND active",
    )
    .bind(email)
    .fetch_optional(pool)
    .await?;
    row.map(|(id, email, display_name, role, locale, hash)| {
        UserRow {
            id,
            email,
            display_name,
            role,
            locale,
        }
        .into_user()
        .map(|u| (u, hash))
    })
    .transpose()
}

pub async fn password_hash(db: impl PgExecutor<'_>, user: UserId) -> Result<String, AppError> {
    let (hash,): (String,) = sqlx::query_as("SELECT password_hash FROM users WHERE id = $1")
        .bind(user.0)
        .fetch_one(db)
        .await?;
    Ok(hash)
}

/// Creates a user, or updates the password, name and role of the one with that email.
pub async fn upsert_user(
    conn: &mut PgConnection,
    email: &str,
    display_name: &str,
    password_hash: &str,
    role: Role,
    locale: &str,
) -> Result<UserId, AppError> {
    let (id,): (Uuid,) = sqlx::query_as(
        "INSERT INTO users (email, display_name, password_hash, role, locale)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (lower(email)) DO UPDATE
            SET display_name = EXCLUDED.display_name, password_hash = EXCLUDED.password_hash,
                role = EXCLUDED.role, password_changed_at = now(), updated_at = now()
         RETURNING id",
    )
    .bind(email)
    .bind(display_name)
    .bind(password_hash)
    .bind(role.as_str())
    .bind(locale)
    .fetch_one(conn)
    .await?;
    Ok(UserId(id))
}

/// Replaces the password hash if it is still `old` (the one the current password was checked
/// against, outside any transaction); false when another change came first.
pub async fn replace_password(
    conn: &mut PgConnection,
    user: UserId,
    old: &str,
    new: &str,
) -> Result<bool, AppError> {
    let r = sqlx::query(
        "UPDATE users SET password_hash = $3, password_changed_at = now(), updated_at = now()
          WHERE id = $1 AND password_hash = $2",
    )
    .bind(user.0)
    .bind(old)
    .bind(new)
    .execute(conn)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Lets a deactivated account sign in again.
pub async fn activate(conn: &mut PgConnection, user: UserId) -> Result<(), AppError> {
    sqlx::query("UPDATE users SET active = true, updated_at = now() WHERE id = $1 AND NOT active")
        .bind(user.0)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn set_locale(pool: &PgPool, user: UserId, locale: &str) -> Result<(), AppError> {
    sqlx::query("UPDATE users SET locale = $2, updated_at = now() WHERE id = $1")
        .bind(user.0)
        .bind(locale)
        .execute(pool)
        .await?;
    Ok(())
}

/// The active user with this email (for the command line's tools).
pub async fn user_by_email(pool: &PgPool, email: &str) -> Result<Option<CurrentUser>, AppError> {
    let row: Option<(Uuid, String, String, String, String)> = sqlx::query_as(
        "SELECT id, email, display_name, role, locale FROM users WHERE email = $1 AND active",
    )
    .bind(email.trim().to_lowercase())
    .fetch_optional(pool)
    .await?;
    row.map(|(id, email, display_name, role, locale)| {
        Ok(CurrentUser {
            id: UserId(id),
            email,
            display_name,
            role: Role::parse(&role)?,
            locale,
        })
    })
    .transpose()
}

/// The user's time zone, as saved (an IANA name; reports count days and months in it).
pub async fn time_zone(pool: &PgPool, user: UserId) -> Result<String, AppError> {
    let z: Option<String> = sqlx::query_scalar("SELECT time_zone FROM users WHERE id = $1")
        .bind(user.0)
        .fetch_optional(pool)
        .await?;
    z.ok_or(AppError::NotFound)
}

pub async fn set_time_zone(pool: &PgPool, user: UserId, zone: &str) -> Result<(), AppError> {
    sqlx::query("UPDATE users SET time_zone = $2, updated_at = now() WHERE id = $1")
        .bind(user.0)
        .bind(zone)
        .execute(pool)
        .await?;
    Ok(())
}

pub async fn insert_session(
    db: impl PgExecutor<'_>,
    user: UserId,
    token_hash: &[u8],
    user_agent: Option<&str>,
) -> Result<(), AppError> {
    sqlx::query("INSERT INTO sessions (token_hash, user_id, user_agent) VALUES ($1, $2, $3)")
        .bind(token_hash)
        .bind(user.0)
        .bind(user_agent.map(|ua| ua.chars().take(300).collect::<String>()))
        .execute(db)
        .await?;
    Ok(())
}

/// The channel on which an ended session is announced (payload: the user's id), so every instance
/// drops what it cached for that user.
pub const SESSION_CHANNEL: &str = "keel_sessions";

/// Session lifetimes: ended after `idle` without use, or `absolute` after sign-in, whichever first.
#[derive(Clone, Copy, Debug)]
pub struct SessionLimits {
    pub idle: chrono::Duration,
    pub absolute: chrono::Duration,
}

/// The user behind a live session token hash; refreshes the session's last use (at most once a minute).
pub async fn session_user(
    pool: &PgPool,
    token_hash: &[u8],
    limits: SessionLimits,
) -> Result<Option<CurrentUser>, AppError> {
    let now = Utc::now();
    let row: Option<(Uuid, String, String, String, String, DateTime<Utc>)> = sqlx::query_as(
        "SELECT u.id, u.email, u.display_name, u.role, u.locale, s.last_seen_at
           FROM sessions s JOIN users u ON u.id = s.user_id
          WHERE s.token_hash = $1 AND u.active
            AND s.last_seen_at > $2 AND s.created_at > $3",
    )
    .bind(token_hash)
    .bind(now - limits.idle)
    .bind(now - limits.absolute)
    .fetch_optional(pool)
    .await?;
    let Some((id, email, display_name, role, locale, last_seen)) = row else {
        return Ok(None);
    };
    if now - last_seen > chrono::Duration::seconds(60) {
        sqlx::query("UPDATE sessions SET last_seen_at = now() WHERE token_hash = $1")
            .bind(token_hash)
            .execute(pool)
            .await?;
    }
    UserRow {
        id,
        email,
        display_name,
        role,
        locale,
    }
    .into_user()
    .map(Some)
}

/// Ends a session, and tells every instance to forget what it cached about the user's sessions.
pub async fn delete_session(db: impl PgExecutor<'_>, token_hash: &[u8]) -> Result<(), AppError> {
    sqlx::query(
        "WITH gone AS (DELETE FROM sessions WHERE token_hash = $1 RETURNING user_id)
         SELECT pg_notify($2, user_id::text) FROM gone",
    )
    .bind(token_hash)
    .bind(SESSION_CHANNEL)
    .execute(db)
    .await?;
    Ok(())
}

/// Ends every session of `user` except the one with `keep` (after a password change).
pub async fn delete_other_sessions(
    conn: &mut PgConnection,
    user: UserId,
    keep: &[u8],
) -> Result<u64, AppError> {
    end_sessions(conn, user, Some(keep)).await
}

/// Ends every session of `user` (an administrator reset the account).
pub async fn delete_sessions_of(conn: &mut PgConnection, user: UserId) -> Result<u64, AppError> {
    end_sessions(conn, user, None).await
}

/// Deletes `user`'s sessions (but `keep`) and tells every instance, so caches and open event
/// streams of those sessions end too.
async fn end_sessions(
    conn: &mut PgConnection,
    user: UserId,
    keep: Option<&[u8]>,
) -> Result<u64, AppError> {
    let r = sqlx::query(
        "DELETE FROM sessions WHERE user_id = $1 AND ($2::bytea IS NULL OR token_hash <> $2)",
    )
    .bind(user.0)
    .bind(keep)
    .execute(&mut *conn)
    .await?;
    sqlx::query("SELECT pg_notify($1, $2)")
        .bind(SESSION_CHANNEL)
        .bind(user.0.to_string())
        .execute(conn)
        .await?;
    Ok(r.rows_affected())
}

/// Removes sessions past both limits; run now and then so the table does not grow forever.
pub async fn purge_expired_sessions(pool: &PgPool, limits: SessionLimits) -> Result<u64, AppError> {
    let now = Utc::now();
    let r = sqlx::query("DELETE FROM sessions WHERE last_seen_at <= $1 OR created_at <= $2")
        .bind(now - limits.idle)
        .bind(now - limits.absolute)
        .execute(pool)
        .await?;
    Ok(r.rows_affected())
}

/// A user of `role` in `team` for database tests (signed in, as server functions see them).
#[cfg(test)]
pub async fn test_user<'a>(
    pool: &PgPool,
    email: &str,
    role: super::model::Role,
    team: impl Into<Option<&'a str>>,
) -> CurrentUser {
    let mut conn = pool.acquire().await.unwrap();
    let id = upsert_user(&mut conn, email, email, "$argon2id$x", role, "en")
        .await
        .unwrap();
    sqlx::query("UPDATE users SET team = $2 WHERE id = $1")
        .bind(id.0)
        .bind(team.into())
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

/// Gives a test user the name colleagues know them by.
#[cfg(test)]
pub async fn test_rename(pool: &PgPool, user: &CurrentUser, name: &str) {
    sqlx::query("UPDATE users SET display_name = $2 WHERE id = $1")
        .bind(user.id.0)
        .bind(name)
        .execute(pool)
        .await
        .unwrap();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> SessionLimits {
        SessionLimits {
            idle: chrono::Duration::minutes(30),
            absolute: chrono::Duration::hours(12),
        }
    }

    async fn user(pool: &PgPool, email: &str) -> UserId {
        let mut conn = pool.acquire().await.unwrap();
        upsert_user(
            &mut conn,
            email,
            "Wang Wei",
            "$argon2id$x",
            Role::Sales,
            "en",
        )
        .await
        .unwrap()
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_live_session_resolves_to_its_user(pool: PgPool) {
        let id = user(&pool, "wang@keel.test").await;
        insert_session(&pool, id, b"token-a", Some("test"))
            .await
            .unwrap();
        let u = session_user(&pool, b"token-a", limits())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(u.id, id);
        assert_eq!(u.role, Role::Sales);
        assert!(
            session_user(&pool, b"other", limits())
                .await
                .unwrap()
                .is_none()
        );
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn an_idle_session_expires(pool: PgPool) {
        let id = user(&pool, "idle@keel.test").await;
        insert_session(&pool, id, b"t", None).await.unwrap();
        sqlx::query("UPDATE sessions SET last_seen_at = now() - interval '31 minutes'")
            .execute(&pool)
            .await
            .unwrap();
        assert!(session_user(&pool, b"t", limits()).await.unwrap().is_none());
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_session_past_its_absolute_limit_expires_even_when_active(pool: PgPool) {
        let id = user(&pool, "old@keel.test").await;
        insert_session(&pool, id, b"t", None).await.unwrap();
        sqlx::query("UPDATE sessions SET created_at = now() - interval '13 hours'")
            .execute(&pool)
            .await
            .unwrap();
        assert!(session_user(&pool, b"t", limits()).await.unwrap().is_none());
        assert_eq!(purge_expired_sessions(&pool, limits()).await.unwrap(), 1);
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_password_change_ends_the_other_sessions_only(pool: PgPool) {
        let id = user(&pool, "pw@keel.test").await;
        for t in [b"keep".as_slice(), b"other1", b"other2"] {
            insert_session(&pool, id, t, None).await.unwrap();
        }
        let mut conn = pool.acquire().await.unwrap();
        assert_eq!(
            delete_other_sessions(&mut conn, id, b"keep").await.unwrap(),
            2
        );
        assert!(
            session_user(&pool, b"keep", limits())
                .await
                .unwrap()
                .is_some()
        );
        assert!(
            session_user(&pool, b"other1", limits())
                .await
                .unwrap()
                .is_none()
        );
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn emails_are_unique_regardless_of_case(pool: PgPool) {
        let a = user(&pool, "Case@Keel.test").await;
        let b = user(&pool, "case@keel.test").await;
        assert_eq!(a, b);
        assert!(
            find_for_login(&pool, "CASE@keel.TEST")
                .await
                .unwrap()
                .is_some()
        );
    }
}
