//! SQL for tickets: the scoped queues and reads; the writes that move the service clock (`write`);
//! the SLA policies and teams' assignment rules (`desk`).
use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool, Postgres, QueryBuilder};
use uuid::Uuid;

use super::model::{
    Message, Queue, QueuePage, QueueQuery, Ticket, TicketId, TicketRow, TicketView,
};
use crate::error::AppError;
use crate::records::db::push_scope;
use crate::users::model::{CurrentUser, DataScope};

mod desk;
mod notify;
mod public;
mod write;

pub use desk::*;
pub use notify::scan_breaches;
pub use public::*;
pub use write::*;

/// Who works tickets (`Role::works_tickets`), as a condition on an active user `u`.
pub(super) const AGENT: &str = "u.active AND u.role IN ('admin', 'manager', 'support')";

/// Rows on a queue page.
pub const PAGE_SIZE: i64 = 50;

/// Limits tickets (`t`) to those the user may open: every ticket, or for sales those of their
/// customers: a ticket's contact in their scope, or for a ticket without a contact its company.
/// (A ticket of another team's contact at a shared company stays that team's.)
pub(super) fn push_ticket_scope(qb: &mut QueryBuilder<'_, Postgres>, user: &CurrentUser) {
    if user.role.data_scope() == DataScope::Team {
        qb.push(" AND (EXISTS (SELECT 1 FROM contacts sc WHERE sc.id = t.contact_id");
        push_scope(qb, user, "sc");
        qb.push(") OR (t.contact_id IS NULL AND EXISTS (SELECT 1 FROM companies sco WHERE sco.id = t.company_id");
        push_scope(qb, user, "sco");
        qb.push(")))");
    }
}

const DETAIL: &str = "SELECT t.id, t.number, t.subject, t.description, t.contact_id, c.full_name AS contact_name, \
     t.company_id, co.name AS company_name, t.channel, t.kind, t.priority, t.status, t.team, t.assignee_id, \
     a.display_name AS assignee_name, t.tags, p.name AS sla_name, t.first_response_due_at, t.resolution_due_at, \
     t.first_responded_at, t.resolved_at, t.version, t.created_at, t.rating, t.rating_comment, \
     t.deal_id, dl.title AS deal_title \
     FROM tickets t LEFT JOIN contacts c ON c.id = t.contact_id LEFT JOIN companies co ON co.id = t.company_id \
     LEFT JOIN deals dl ON dl.id = t.deal_id AND dl.deleted_at IS NULL \
     LEFT JOIN users a ON a.id = t.assignee_id LEFT JOIN sla_policies p ON p.id = t.sla_policy_id \
     WHERE t.deleted_at IS NULL AND t.id = ";

/// One ticket the user may open, or `NotFound`.
pub async fn ticket<'c>(
    conn: impl sqlx::PgExecutor<'c>,
    user: &CurrentUser,
    id: TicketId,
) -> Result<Ticket, AppError> {
    let mut qb = QueryBuilder::<Postgres>::new(DETAIL);
    qb.push_bind(id.0);
    push_ticket_scope(&mut qb, user);
    qb.build_query_as()
        .fetch_optional(conn)
        .await?
        .ok_or(AppError::NotFound)
}

/// A ticket's page: the ticket, its whole conversation, and who may work it.
pub async fn view(pool: &PgPool, user: &CurrentUser, id: TicketId) -> Result<TicketView, AppError> {
    let mut tx = pool.begin().await?;
    let ticket = ticket(&mut *tx, user, id).await?;
    let messages: Vec<Message> = sqlx::query_as(
        "SELECT m.id, m.kind, m.body, u.display_name AS author_name, m.created_at FROM ticket_messages m \
         LEFT JOIN users u ON u.id = m.author_id WHERE m.ticket_id = $1 ORDER BY m.created_at, m.id",
    )
    .bind(id.0)
    .fetch_all(&mut *tx)
    .await?;
    // Whom the ticket may be given to: only for those who may give it.
    let (agents, customer_link, deals) = match user.role.works_tickets() {
        true => (
            agents(&mut tx).await?,
            Some(public::follow_link(&mut *tx, id).await?),
            customer_deals(&mut tx, user, &ticket).await?,
        ),
        false => (Vec::new(), None, Vec::new()),
    };
    tx.commit().await?;
    Ok(TicketView {
        ticket,
        messages,
        agents,
        can_work: user.role.works_tickets(),
        can_note: user.role.notes_tickets(),
        customer_link,
        deals,
    })
}

/// The deals a ticket may be related to: its contact's, or its company's for a ticket without a
/// contact, that the user may open, newest first (at most 50), and the one it names already.
async fn customer_deals(
    conn: &mut PgConnection,
    user: &CurrentUser,
    t: &Ticket,
) -> Result<Vec<(Uuid, String)>, AppError> {
    let mut qb = QueryBuilder::<Postgres>::new(
        "SELECT d.id, d.title FROM deals d WHERE d.deleted_at IS NULL AND (d.id = ",
    );
    qb.push_bind(t.deal_id);
    match (t.contact_id, t.company_id) {
        (Some(c), _) => {
            qb.push(" OR d.id IN (SELECT deal_id FROM deal_contacts WHERE contact_id = ")
                .push_bind(c)
                .push(")");
        }
        (None, Some(co)) => {
            qb.push(" OR d.company_id = ").push_bind(co);
        }
        (None, None) => {}
    }
    qb.push(")");
    push_scope(&mut qb, user, "d");
    qb.push(" ORDER BY d.created_at DESC LIMIT 50");
    Ok(qb.build_query_as().fetch_all(conn).await?)
}

/// The active users who may be given tickets, by name.
async fn agents(conn: &mut PgConnection) -> Result<Vec<(Uuid, String)>, AppError> {
    Ok(sqlx::query_as(
        &format!(
            "SELECT u.id, u.display_name FROM users u WHERE {AGENT} ORDER BY lower(u.display_name), u.id"
        ),
    )
    .fetch_all(conn)
    .await?)
}

/// One page of a queue, walked by due time (then number); the waiting, oldest first; the resolved
/// and closed, newest first.
pub async fn queue(
    pool: &PgPool,
    user: &CurrentUser,
    query: &QueueQuery,
) -> Result<QueuePage, AppError> {
    let queue = Queue::parse(&query.queue);
    let due = "coalesce(t.due_at, 'infinity'::timestamptz)";
    let mut qb = QueryBuilder::<Postgres>::new(format!(
        "SELECT t.id, t.number, t.subject, coalesce(c.full_name, co.name) AS customer, t.priority, t.status, \
         t.team, a.display_name AS assignee_name, t.due_at, t.created_at, t.rating, \
         {due}::text AS due_key FROM tickets t \
         LEFT JOIN contacts c ON c.id = t.contact_id LEFT JOIN companies co ON co.id = t.company_id \
         LEFT JOIN users a ON a.id = t.assignee_id WHERE t.deleted_at IS NULL"
    ));
    let open = " AND t.status NOT IN ('resolved', 'closed')";
    match queue {
        Queue::Mine => {
            qb.push(open)
                .push(" AND t.assignee_id = ")
                .push_bind(user.id.0);
        }
        Queue::Unassigned => {
            qb.push(open).push(" AND t.assignee_id IS NULL");
        }
        Queue::Breaching => {
            qb.push(open).push(
                " AND coalesce(t.due_at, 'infinity'::timestamptz) > now() AND coalesce(t.due_at, 'infinity'::timestamptz) <= now() + interval '1 hour'",
            );
        }
        Queue::Breached => {
            qb.push(open)
                .push(" AND coalesce(t.due_at, 'infinity'::timestamptz) <= now()");
        }
        Queue::Waiting => {
            qb.push(" AND t.status IN ('waiting_customer', 'waiting_third_party')");
        }
        Queue::Open => {
            qb.push(open);
        }
        Queue::Done => {
            qb.push(" AND t.status IN ('resolved', 'closed')");
        }
    }
    if !query.team.trim().is_empty() {
        qb.push(" AND t.team = ")
            .push_bind(query.team.trim().to_string());
    }
    push_ticket_scope(&mut qb, user);
    let after = match query.after.as_str() {
        "" => None,
        a => Some(a.split_once('|').ok_or(AppError::BadRequest)?),
    };
    // Done tickets newest first; waiting ones (their clocks stopped, no due time) oldest first;
    // the rest by due time; unless another order is asked.
    let by_number = match query.sort.as_str() {
        "" => match queue {
            Queue::Done => Some(("DESC", "<")),
            Queue::Waiting => Some(("ASC", ">")),
            _ => None,
        },
        "number" => Some(("ASC", ">")),
        "-number" => Some(("DESC", "<")),
        "due_at" => None,
        _ => return Err(AppError::invalid("sort", crate::error::Invalid::Choice)),
    };
    let size = query.limit.map_or(PAGE_SIZE, |n| {
        i64::from(n.clamp(1, crate::records::model::MAX_PAGE_SIZE))
    });
    if let Some((order, direction)) = by_number {
        if let Some((_, n)) = after {
            let n = n.parse::<i64>().map_err(|_| AppError::BadRequest)?;
            qb.push(format!(" AND t.number {direction} ")).push_bind(n);
        }
        qb.push(format!(" ORDER BY t.number {order}"));
    } else {
        if let Some((key, n)) = after {
            let n = n.parse::<i64>().map_err(|_| AppError::BadRequest)?;
            let key = match key {
                "infinity" => None,
                k => Some(
                    DateTime::parse_from_rfc3339(k)
                        .map_err(|_| AppError::BadRequest)?
                        .with_timezone(&Utc),
                ),
            };
            qb.push(format!(" AND ({due}, t.number) > (coalesce("))
                .push_bind(key)
                .push(", 'infinity'::timestamptz), ")
                .push_bind(n)
                .push(")");
        }
        qb.push(format!(" ORDER BY {due}, t.number"));
    }
    qb.push(" LIMIT ").push_bind(size + 1);
    // The page, and the desk's agents (the team filter; the bulk bar's choices), at once.
    let page = async { Ok::<Vec<TicketRow>, AppError>(qb.build_query_as().fetch_all(pool).await?) };
    let people = async {
        Ok::<Vec<(Uuid, String, Option<String>)>, AppError>(
            sqlx::query_as(&format!(
                "SELECT u.id, u.display_name, u.team FROM users u WHERE {AGENT} ORDER BY lower(u.display_name), u.id"
            ))
            .fetch_all(pool)
            .await?,
        )
    };
    let (mut rows, people) = futures_util::future::try_join(page, people).await?;
    let next = (rows.len() as i64 > size).then(|| {
        rows.truncate(size as usize);
        let last = rows.last().expect("a full page");
        let key = last
            .due_at
            .map_or("infinity".to_string(), |d| d.to_rfc3339());
        format!("{key}|{}", last.number)
    });
    let mut teams: Vec<String> = people.iter().filter_map(|p| p.2.clone()).collect();
    teams.sort();
    teams.dedup();
    let agents = match user.role.works_tickets() {
        true => people.into_iter().map(|(id, name, _)| (id, name)).collect(),
        false => Vec::new(),
    };
    Ok(QueuePage {
        rows,
        next,
        teams,
        agents,
    })
}

/// The tickets of a contact or a company the user may open, newest first (at most 50).
pub async fn of_customer(
    pool: &PgPool,
    user: &CurrentUser,
    column: CustomerColumn,
    id: Uuid,
) -> Result<Vec<TicketRow>, AppError> {
    let mut qb = QueryBuilder::<Postgres>::new(format!(
        "SELECT t.id, t.number, t.subject, coalesce(c.full_name, co.name) AS customer, t.priority, t.status, \
         t.team, a.display_name AS assignee_name, t.due_at, t.created_at, t.rating FROM tickets t \
         LEFT JOIN contacts c ON c.id = t.contact_id LEFT JOIN companies co ON co.id = t.company_id \
         LEFT JOIN users a ON a.id = t.assignee_id WHERE t.deleted_at IS NULL AND t.{} = ",
        column.as_str()
    ));
    qb.push_bind(id);
    push_ticket_scope(&mut qb, user);
    qb.push(" ORDER BY t.number DESC LIMIT 50");
    Ok(qb.build_query_as().fetch_all(pool).await?)
}

/// Which customer column a related list of tickets follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CustomerColumn {
    Contact,
    Company,
}

impl CustomerColumn {
    fn as_str(self) -> &'static str {
        match self {
            CustomerColumn::Contact => "contact_id",
            CustomerColumn::Company => "company_id",
        }
    }
}

#[cfg(test)]
#[path = "desk_tests.rs"]
mod desk_tests;
#[cfg(test)]
mod queue_tests;
#[cfg(test)]
mod tests;
#[cfg(test)]
#[test]
fn the_agents_in_sql_are_the_roles_that_work_tickets() {
    use crate::users::model::Role;
    let roles: Vec<String> = Role::ALL
        .into_iter()
        .filter(|r| r.works_tickets())
        .map(|r| format!("'{}'", r.as_str()))
        .collect();
    assert!(AGENT.ends_with(&format!("u.role IN ({})", roles.join(", "))));
}
#[cfg(test)]
mod notify_tests;
