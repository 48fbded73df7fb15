//! SQL for notifications: written in the transaction of what caused them (so a rolled-back write
//! tells nobody), each announced to its user's streams only.
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::model::{COUNTED, Inbox, Kind, Notification, Notified, SHOWN, mentions};
use crate::announce::announce;
use crate::error::AppError;
use crate::users::model::CurrentUser;

/// What a notification is about: its title as the user sees it, where it leads, and its ticket.
#[derive(Clone, Copy, Debug)]
pub struct About<'a> {
    pub title: &'a str,
    pub link: &'a str,
    pub ticket: Option<Uuid>,
}

/// Tells each of `users` (once, and never the actor of what happened) of `kind`.
pub async fn notify(
    conn: &mut PgConnection,
    users: &[Uuid],
    kind: Kind,
    about: About<'_>,
    actor: Option<Uuid>,
) -> Result<(), AppError> {
    if users.is_empty() {
        return Ok(());
    }
    let told: Vec<Uuid> = sqlx::query_scalar(
        "INSERT INTO notifications (user_id, kind, title, link, ticket_id, actor_id) \
         SELECT DISTINCT u, $2, left($3, 300), $4, $5, $6 FROM unnest($1::uuid[]) u \
         WHERE u IS DISTINCT FROM $6 RETURNING user_id",
    )
    .bind(users)
    .bind(kind.as_str())
    .bind(about.title)
    .bind(about.link)
    .bind(about.ticket)
    .bind(actor)
    .fetch_all(&mut *conn)
    .await?;
    announce_to(conn, &told).await
}

/// Tells each of `users` (once) that they have something new to read.
pub async fn announce_to(conn: &mut PgConnection, users: &[Uuid]) -> Result<(), AppError> {
    let mut users = users.to_vec();
    users.sort_unstable();
    users.dedup();
    for user in users {
        announce(conn, &Notified { user }).await?;
    }
    Ok(())
}

/// Tells the colleagues `body` names (`@Display Name`) that they were mentioned, among the active
/// users for whom `sees` holds: an SQL condition on the user `u`, with the record's id as `$2`
/// (who may open the record the note is on; nobody learns of a record through a mention).
pub async fn mention(
    conn: &mut PgConnection,
    author: &CurrentUser,
    body: &str,
    about: About<'_>,
    sees: &str,
    record: Uuid,
) -> Result<(), AppError> {
    if !body.contains('@') {
        return Ok(());
    }
    let named: Vec<(Uuid, String)> = sqlx::query_as(&format!(
        "SELECT u.id, u.display_name FROM users u WHERE u.active AND u.id <> $3 \
         AND position('@' || u.display_name IN $1) > 0 AND {sees}"
    ))
    .bind(body)
    .bind(record)
    .bind(author.id.0)
    .fetch_all(&mut *conn)
    .await?;
    let named: Vec<Uuid> = named
        .into_iter()
        .filter(|(_, name)| mentions(body, name))
        .map(|(id, _)| id)
        .collect();
    notify(conn, &named, Kind::Mention, about, Some(author.id.0)).await
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    kind: String,
    title: String,
    link: String,
    actor: Option<String>,
    at: chrono::DateTime<chrono::Utc>,
    read: bool,
}

/// The user's unread count (up to `COUNTED`) and newest notifications.
pub async fn inbox(pool: &PgPool, user: &CurrentUser) -> Result<Inbox, AppError> {
    let mut tx = pool.begin().await?;
    let unread: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM (SELECT 1 FROM notifications WHERE user_id = $1 AND read_at IS NULL LIMIT $2) n",
    )
    .bind(user.id.0)
    .bind(COUNTED)
    .fetch_one(&mut *tx)
    .await?;
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT n.id, n.kind, n.title, n.link, a.display_name AS actor, n.created_at AS at, \
         n.read_at IS NOT NULL AS read FROM notifications n LEFT JOIN users a ON a.id = n.actor_id \
         WHERE n.user_id = $1 ORDER BY n.created_at DESC, n.id DESC LIMIT $2",
    )
    .bind(user.id.0)
    .bind(SHOWN)
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    let items = rows
        .into_iter()
        .filter_map(|r| {
            Some(Notification {
                kind: Kind::parse(&r.kind)?,
                id: r.id,
                title: r.title,
                link: r.link,
                actor: r.actor,
                at: r.at,
                read: r.read,
            })
        })
        .collect();
    Ok(Inbox { unread, items })
}

/// Marks one of the user's notifications read (`NotFound` for another's), or all of them.
pub async fn mark_read(
    conn: &mut PgConnection,
    user: &CurrentUser,
    which: Option<Uuid>,
) -> Result<(), AppError> {
    let done = sqlx::query(
        "UPDATE notifications SET read_at = coalesce(read_at, now()) \
         WHERE user_id = $1 AND ($2::uuid IS NULL AND read_at IS NULL OR id = $2)",
    )
    .bind(user.id.0)
    .bind(which)
    .execute(&mut *conn)
    .await?;
    if which.is_some() && done.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    // The user's other tabs count again.
    announce_to(conn, &[user.id.0]).await
}

#[cfg(test)]
#[path = "db_tests.rs"]
mod tests;
