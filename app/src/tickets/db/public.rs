//! SQL for the customer's side: a ticket from a team's web form, the ticket as its customer sees it
//! through the signed follow link, their replies, and their rating through the rating link.
use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::notify::changed;
use super::write::{insert, lock, write_message};
use crate::audit;
use crate::error::{AppError, Invalid};
use crate::tickets::customer::{PublicMessage, PublicTicket, RatingPage, WebTicket};
use crate::tickets::links::{RatingToken, Refused, follow_token, rating_token, read_follow};
use crate::tickets::model::{CustomerRef, TicketDraft, TicketId, is_done};

/// The key customers' links are signed with.
pub async fn desk_key<'c>(conn: impl sqlx::PgExecutor<'c>) -> Result<Vec<u8>, AppError> {
    Ok(sqlx::query_scalar("SELECT secret FROM desk_secret")
        .fetch_one(conn)
        .await?)
}

/// The ticket a follow token names (`NotFound` for a forged or mangled one).
async fn followed<'c>(conn: impl sqlx::PgExecutor<'c>, token: &str) -> Result<TicketId, AppError> {
    let key = desk_key(conn).await?;
    read_follow(&key, token)
        .map(TicketId)
        .ok_or(AppError::NotFound)
}

/// The follow link an agent may hand to a ticket's customer.
pub async fn follow_link<'c>(
    conn: impl sqlx::PgExecutor<'c>,
    id: TicketId,
) -> Result<String, AppError> {
    Ok(format!(
        "/support/t/{}",
        follow_token(&desk_key(conn).await?, id.0)
    ))
}

/// `NotFound` unless an admin turned the team's web form on.
pub async fn web_form_open<'c>(
    conn: impl sqlx::PgExecutor<'c>,
    team: &str,
) -> Result<(), AppError> {
    let open: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM desk_teams WHERE team = $1 AND web_form)")
            .bind(team.trim())
            .fetch_one(conn)
            .await?;
    open.then_some(()).ok_or(AppError::NotFound)
}

/// Opens a ticket from the web form of `ticket.team` (`NotFound` unless an admin turned it on),
/// for the contact with its email (made if there is none; its company follows); returns the
/// follow token.
pub async fn web_create(
    conn: &mut PgConnection,
    ticket: &WebTicket,
    now: DateTime<Utc>,
) -> Result<String, AppError> {
    let open: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM desk_teams WHERE team = $1 AND web_form)")
            .bind(&ticket.team)
            .fetch_one(&mut *conn)
            .await?;
    if !open {
        return Err(AppError::NotFound);
    }
    let found: Option<(Uuid, Option<Uuid>)> = sqlx::query_as(
        "SELECT id, company_id FROM contacts WHERE deleted_at IS NULL AND email_keys @> ARRAY[$1] \
         ORDER BY created_at, id LIMIT 1",
    )
    .bind(&ticket.email)
    .fetch_optional(&mut *conn)
    .await?;
    let customer = match found {
        Some((contact, company)) => (Some(contact), company),
        None => {
            let contact: Uuid = sqlx::query_scalar(
                "INSERT INTO contacts (full_name, emails) VALUES ($1, ARRAY[$2]) RETURNING id",
            )
            .bind(&ticket.name)
            .bind(&ticket.email)
            .fetch_one(&mut *conn)
            .await?;
            let fields = serde_json::json!({ "full_name": ticket.name, "emails": [ticket.email] });
            let changes = audit::diff(&serde_json::Value::Null, &fields);
            audit::record(conn, "contact", contact, None, "create", changes).await?;
            (Some(contact), None)
        }
    };
    let draft = TicketDraft {
        subject: ticket.subject.clone(),
        description: Some(ticket.description.clone()),
        customer: CustomerRef::None,
        channel: "web".into(),
        kind: "question".into(),
        priority: "normal".into(),
        team: Some(ticket.team.clone()),
        tags: Vec::new(),
    };
    let id = insert(conn, None, customer, &draft, now).await?;
    Ok(follow_token(&desk_key(&mut *conn).await?, id.0))
}

#[derive(sqlx::FromRow)]
struct Seen {
    number: i64,
    subject: String,
    description: Option<String>,
    status: String,
    created_at: DateTime<Utc>,
    resolved_at: Option<DateTime<Utc>>,
    rating: Option<i16>,
    rated_at: Option<DateTime<Utc>>,
}

impl Seen {
    /// Whether the customer rated this resolution already.
    fn rated(&self) -> bool {
        matches!((self.rated_at, self.resolved_at), (Some(r), Some(s)) if r >= s)
    }
}

async fn seen(pool: &PgPool, id: TicketId) -> Result<Seen, AppError> {
    sqlx::query_as(
        "SELECT number, subject, description, status, created_at, resolved_at, rating, rated_at \
         FROM tickets WHERE id = $1 AND deleted_at IS NULL",
    )
    .bind(id.0)
    .fetch_optional(pool)
    .await?
    .ok_or(AppError::NotFound)
}

/// The ticket a follow link names, as its customer sees it: the description, then the public
/// replies and the customer's own words (never a note); the rating link while there is one to give.
pub async fn public_view(
    pool: &PgPool,
    token: &str,
    now: DateTime<Utc>,
) -> Result<PublicTicket, AppError> {
    let key = desk_key(pool).await?;
    let id = read_follow(&key, token)
        .map(TicketId)
        .ok_or(AppError::NotFound)?;
    let t = seen(pool, id).await?;
    let mut messages: Vec<PublicMessage> = sqlx::query_as(
        "SELECT m.kind = 'customer' AS from_customer, CASE WHEN m.kind = 'reply' THEN u.display_name END AS author, \
         m.body, m.created_at AS at FROM ticket_messages m LEFT JOIN users u ON u.id = m.author_id \
         WHERE m.ticket_id = $1 AND m.kind IN ('reply', 'customer') ORDER BY m.created_at, m.id",
    )
    .bind(id.0)
    .fetch_all(pool)
    .await?;
    if let Some(body) = t.description.clone() {
        messages.insert(
            0,
            PublicMessage {
                from_customer: true,
                author: None,
                body,
                at: t.created_at,
            },
        );
    }
    let rating_link = match t.resolved_at {
        Some(resolved) if is_done(&t.status) && !t.rated() => {
            let token = rating_token(&key, id.0, resolved);
            let open = RatingToken::parse(&token)
                .is_some_and(|r| r.check(&key, Some(resolved), now).is_ok());
            open.then(|| format!("/support/rate/{token}"))
        }
        _ => None,
    };
    Ok(PublicTicket {
        number: t.number,
        subject: t.subject,
        status: t.status,
        created_at: t.created_at,
        messages,
        rating: t.rating,
        rating_link,
    })
}

/// The customer's reply through their follow link: a message of theirs, which reopens the ticket
/// if it waited on them or was resolved, and tells its agent.
pub async fn public_reply(
    conn: &mut PgConnection,
    token: &str,
    body: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let id = followed(&mut *conn, token).await?;
    let old = lock(conn, None, id).await?;
    write_message(conn, None, id, old, "customer", body, now).await?;
    Ok(())
}

/// The ticket a rating link names, if the link holds now (`NotFound` for a forged one).
async fn rated_ticket(
    conn: &mut PgConnection,
    token: &str,
    now: DateTime<Utc>,
    lock: bool,
) -> Result<Result<(TicketId, Seen), RatingPage>, AppError> {
    let link = RatingToken::parse(token).ok_or(AppError::NotFound)?;
    let key = desk_key(&mut *conn).await?;
    let t: Seen = sqlx::query_as(&format!(
        "SELECT number, subject, description, status, created_at, resolved_at, rating, rated_at \
         FROM tickets WHERE id = $1 AND deleted_at IS NULL{}",
        if lock { " FOR UPDATE" } else { "" }
    ))
    .bind(link.ticket)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(AppError::NotFound)?;
    match link.check(&key, t.resolved_at, now) {
        Err(Refused::Invalid) => Err(AppError::NotFound),
        Err(Refused::Expired) => Ok(Err(RatingPage::Expired)),
        Ok(()) if t.rated() => Ok(Err(RatingPage::Used)),
        Ok(()) => Ok(Ok((TicketId(link.ticket), t))),
    }
}

/// What a rating link shows: the ticket to rate, or that the link was used or has expired.
pub async fn rating_page(
    pool: &PgPool,
    token: &str,
    now: DateTime<Utc>,
) -> Result<RatingPage, AppError> {
    let mut conn = pool.acquire().await?;
    Ok(match rated_ticket(&mut conn, token, now, false).await? {
        Ok((_, t)) => RatingPage::Open {
            number: t.number,
            subject: t.subject,
        },
        Err(page) => page,
    })
}

/// Records the customer's rating through a rating link, once per resolution; audited.
pub async fn rate(
    conn: &mut PgConnection,
    token: &str,
    score: i16,
    comment: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let (id, old) = match rated_ticket(conn, token, now, true).await? {
        Ok(found) => found,
        Err(RatingPage::Expired) => return Err(AppError::invalid("score", Invalid::Expired)),
        Err(_) => return Err(AppError::invalid("score", Invalid::Used)),
    };
    sqlx::query("UPDATE tickets SET rating = $2, rating_comment = $3, rated_at = $4 WHERE id = $1")
        .bind(id.0)
        .bind(score)
        .bind(comment)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    let changes = audit::diff(
        &serde_json::json!({ "rating": old.rating }),
        &serde_json::json!({ "rating": score, "rating_comment": comment }),
    );
    audit::record(conn, "ticket", id.0, None, "update", changes).await?;
    changed(conn, id).await
}

#[cfg(test)]
#[path = "public_tests.rs"]
mod tests;
