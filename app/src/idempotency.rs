//! Writes that may arrive twice: an offline write replayed after its answer was lost, or two tabs
//! replaying one queue. The client makes a key per write; the first write with that key stores its
//! result (in its own transaction) and a repeat answers with the stored result, writing nothing.
use serde::Serialize;
use serde::de::DeserializeOwned;
use sqlx::PgConnection;
use uuid::Uuid;

use crate::error::AppError;
use crate::users::model::UserId;

/// How long a key is remembered. A write still queued on a device was never received, so the
/// window only has to cover the time between the server's answer and the device hearing it.
pub const KEPT_DAYS: i32 = 30;

/// Runs `write` on `conn` (inside the caller's transaction) unless `key` was used before by this
/// user for `endpoint`, in which case the first result is returned and nothing is written. A key
/// reused for another kind of write is a bad request. Two concurrent writes with one key: the
/// second waits on the key's row until the first commits, then answers with its result.
pub async fn once<T, W>(
    conn: &mut PgConnection,
    user: UserId,
    key: Option<Uuid>,
    endpoint: &'static str,
    write: W,
) -> Result<T, AppError>
where
    T: Serialize + DeserializeOwned,
    W: AsyncFnOnce(&mut PgConnection) -> Result<T, AppError>,
{
    let Some(key) = key else {
        return write(conn).await;
    };
    let fresh = sqlx::query(
        "INSERT INTO idempotent_writes (user_id, key, endpoint, result) VALUES ($1, $2, $3, 'null')
         ON CONFLICT (user_id, key) DO NOTHING",
    )
    .bind(user.0)
    .bind(key)
    .bind(endpoint)
    .execute(&mut *conn)
    .await?
    .rows_affected()
        == 1;
    if !fresh {
        let (used_for, result): (String, serde_json::Value) = sqlx::query_as(
            "SELECT endpoint, result FROM idempotent_writes WHERE user_id = $1 AND key = $2",
        )
        .bind(user.0)
        .bind(key)
        .fetch_one(&mut *conn)
        .await?;
        if used_for != endpoint {
            return Err(AppError::BadRequest);
        }
        return serde_json::from_value(result).map_err(AppError::internal);
    }
    let out = write(conn).await?;
    sqlx::query("UPDATE idempotent_writes SET result = $3 WHERE user_id = $1 AND key = $2")
        .bind(user.0)
        .bind(key)
        .bind(serde_json::to_value(&out).map_err(AppError::internal)?)
        .execute(&mut *conn)
        .await?;
    Ok(out)
}

/// Forgets keys older than `KEPT_DAYS`; returns how many went.
pub async fn purge(pool: &sqlx::PgPool) -> Result<u64, AppError> {
    Ok(sqlx::query(
        "DELETE FROM idempotent_writes WHERE created_at < now() - make_interval(days => $1)",
    )
    .bind(KEPT_DAYS)
    .execute(pool)
    .await?
    .rows_affected())
}
