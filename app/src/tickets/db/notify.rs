//! What ticket writes tell: every change announced to open queues; the assignee told of a ticket
//! given to them and of others' words on it; colleagues told of an @mention in a note; and the
//! breach scan, which tells each assignee once per due time that their ticket passed it.
use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::announce::announce;
use crate::error::AppError;
use crate::notifications::db::{About, announce_to, mention, notify};
use crate::notifications::model::Kind;
use crate::records::db::user_sees_sql;
use crate::tickets::model::{TicketChanged, TicketId};
use crate::users::model::CurrentUser;

/// A ticket as a notification names it.
pub(super) struct Named<'a> {
    pub id: TicketId,
    pub number: i64,
    pub subject: &'a str,
}

impl Named<'_> {
    /// The notification's title and link.
    fn title_and_link(&self) -> (String, String) {
        (
            format!("#{} {}", self.number, self.subject),
            format!("/tickets/{}", self.id.0),
        )
    }
}

/// Announces that a ticket changed: open queues reload.
pub(super) async fn changed(conn: &mut PgConnection, id: TicketId) -> Result<(), AppError> {
    announce(conn, &TicketChanged { ticket: id }).await
}

/// Tells `to` that the ticket was given to them (unless they gave it to themselves).
pub(super) async fn assigned(
    conn: &mut PgConnection,
    ticket: &Named<'_>,
    to: Option<Uuid>,
    actor: Option<Uuid>,
) -> Result<(), AppError> {
    let Some(to) = to else { return Ok(()) };
    let (title, link) = ticket.title_and_link();
    let about = About {
        title: &title,
        link: &link,
        ticket: Some(ticket.id.0),
    };
    notify(conn, &[to], Kind::Assigned, about, actor).await
}

/// Whether the user `u` may open the ticket `$2`: the rule of `push_ticket_scope` for any user.
fn user_sees_ticket() -> String {
    let (contact, company) = (user_sees_sql("u", "sc"), user_sees_sql("u", "sco"));
    format!(
        "EXISTS (SELECT 1 FROM tickets t WHERE t.id = $2 AND (u.role <> 'sales' \
         OR EXISTS (SELECT 1 FROM contacts sc WHERE sc.id = t.contact_id AND {contact}) \
         OR (t.contact_id IS NULL AND EXISTS (SELECT 1 FROM companies sco WHERE sco.id = t.company_id AND {company}))))"
    )
}

/// Tells of words written on a ticket by `by` (`None`: the customer): its assignee of a reply or
/// the customer's words, unless they wrote them; the colleagues a note names of their mention.
pub(super) async fn wrote(
    conn: &mut PgConnection,
    by: Option<&CurrentUser>,
    ticket: &Named<'_>,
    assignee: Option<Uuid>,
    kind: &str,
    body: &str,
) -> Result<(), AppError> {
    let (title, link) = ticket.title_and_link();
    let about = About {
        title: &title,
        link: &link,
        ticket: Some(ticket.id.0),
    };
    match (kind, by, assignee) {
        ("note", Some(user), _) => {
            mention(conn, user, body, about, &user_sees_ticket(), ticket.id.0).await
        }
        ("note", None, _) | (_, _, None) => Ok(()),
        (_, by, Some(to)) => notify(conn, &[to], Kind::Reply, about, by.map(|u| u.id.0)).await,
    }
}

/// Raises, for up to `limit` assigned running tickets whose due time has passed by `now` and was
/// not yet raised, a breach notification to the assignee, and marks the due time raised; each
/// instance may run it (locked rows are skipped, not waited for). Returns how many it raised.
pub async fn scan_breaches(pool: &PgPool, now: DateTime<Utc>, limit: i64) -> Result<u64, AppError> {
    let mut tx = pool.begin().await?;
    let told: Vec<Uuid> = sqlx::query_scalar(
        "WITH due AS (SELECT id FROM tickets WHERE deleted_at IS NULL AND status NOT IN ('resolved', 'closed') \
           AND assignee_id IS NOT NULL AND due_at IS NOT NULL AND breach_noted_at IS DISTINCT FROM due_at \
           AND due_at <= $1 ORDER BY due_at LIMIT $2 FOR UPDATE SKIP LOCKED), \
         noted AS (UPDATE tickets t SET breach_noted_at = t.due_at FROM due WHERE t.id = due.id \
           RETURNING t.id, t.number, t.subject, t.assignee_id) \
         INSERT INTO notifications (user_id, kind, title, link, ticket_id) \
         SELECT assignee_id, 'breach', left('#' || number || ' ' || subject, 300), '/tickets/' || id, id FROM noted \
         RETURNING user_id",
    )
    .bind(now)
    .bind(limit)
    .fetch_all(&mut *tx)
    .await?;
    announce_to(&mut tx, &told).await?;
    tx.commit().await?;
    Ok(told.len() as u64)
}
