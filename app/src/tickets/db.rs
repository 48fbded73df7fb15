//! SQL for tickets: the scoped queues and reads, and the audited writes that move the service clock.
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{PgConnection, PgPool, Postgres, QueryBuilder};
use uuid::Uuid;

use super::model::{
    CustomerRef, Message, Queue, QueuePage, QueueQuery, Ticket, TicketDraft, TicketId, TicketRow,
    TicketView, Triage, is_done,
};
use super::sla::{Calendar, Clock, Policy};
use crate::audit;
use crate::error::{AppError, Invalid};
use crate::records::db::push_scope;
use crate::users::model::{CurrentUser, DataScope};

/// Rows on a queue page.
pub const PAGE_SIZE: i64 = 50;

/// Limits tickets (`t`) to those the user may open: every ticket, or for sales those of their
/// customers: a ticket's contact in their scope, or for a ticket without a contact its company.
/// (A ticket of another team's contact at a shared company stays that team's.)
fn push_ticket_scope(qb: &mut QueryBuilder<'_, Postgres>, user: &CurrentUser) {
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
     t.first_responded_at, t.resolved_at, t.version, t.created_at \
     FROM tickets t LEFT JOIN contacts c ON c.id = t.contact_id LEFT JOIN companies co ON co.id = t.company_id \
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
    let agents = agents(&mut tx).await?;
    tx.commit().await?;
    Ok(TicketView {
        ticket,
        messages,
        agents,
        can_work: user.role.works_tickets(),
        can_note: user.role.notes_tickets(),
    })
}

/// The active users who may be given tickets, by name.
async fn agents(conn: &mut PgConnection) -> Result<Vec<(Uuid, String)>, AppError> {
    Ok(sqlx::query_as(
        "SELECT id, display_name FROM users WHERE active AND role IN ('admin', 'manager', 'support') \
         ORDER BY lower(display_name), id",
    )
    .fetch_all(conn)
    .await?)
}

/// One page of a queue, walked by due time (then number); the resolved and closed, newest first.
pub async fn queue(
    pool: &PgPool,
    user: &CurrentUser,
    query: &QueueQuery,
) -> Result<QueuePage, AppError> {
    let queue = Queue::parse(&query.queue);
    let due = "coalesce(t.due_at, 'infinity'::timestamptz)";
    let mut qb = QueryBuilder::<Postgres>::new(format!(
        "SELECT t.id, t.number, t.subject, coalesce(c.full_name, co.name) AS customer, t.priority, t.status, \
         t.team, a.display_name AS assignee_name, t.due_at, t.created_at, \
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
    if queue == Queue::Done {
        if let Some((_, n)) = after {
            let n = n.parse::<i64>().map_err(|_| AppError::BadRequest)?;
            qb.push(" AND t.number < ").push_bind(n);
        }
        qb.push(" ORDER BY t.number DESC");
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
    qb.push(" LIMIT ").push_bind(PAGE_SIZE + 1);
    let mut rows: Vec<TicketRow> = qb.build_query_as().fetch_all(pool).await?;
    let next = (rows.len() as i64 > PAGE_SIZE).then(|| {
        rows.truncate(PAGE_SIZE as usize);
        let last = rows.last().expect("a full page");
        let key = last
            .due_at
            .map_or("infinity".to_string(), |d| d.to_rfc3339());
        format!("{key}|{}", last.number)
    });
    let teams = sqlx::query_scalar(
        "SELECT DISTINCT team FROM users WHERE active AND team IS NOT NULL AND role IN ('admin', 'manager', 'support') ORDER BY team",
    )
    .fetch_all(pool)
    .await?;
    Ok(QueuePage { rows, next, teams })
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
         t.team, a.display_name AS assignee_name, t.due_at, t.created_at FROM tickets t \
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

/// The contact the form named, in the user's reach, and its company.
async fn customer(
    conn: &mut PgConnection,
    user: &CurrentUser,
    who: &CustomerRef,
) -> Result<(Option<Uuid>, Option<Uuid>), AppError> {
    let mut qb = QueryBuilder::<Postgres>::new(
        "SELECT r.id, r.company_id FROM contacts r WHERE r.deleted_at IS NULL",
    );
    match who {
        CustomerRef::None => return Ok((None, None)),
        CustomerRef::Contact(id) => {
            qb.push(" AND r.id = ").push_bind(*id);
        }
        CustomerRef::Typed(text) => {
            let digits: String = text.chars().filter(char::is_ascii_digit).collect();
            if text.contains('@') {
                qb.push(" AND r.email_keys @> ARRAY[")
                    .push_bind(text.trim().to_lowercase())
                    .push("]");
            } else if digits.len() >= 5 && !text.chars().any(char::is_alphabetic) {
                qb.push(" AND r.phone_keys @> ARRAY[")
                    .push_bind(digits)
                    .push("]");
            } else {
                qb.push(" AND lower(r.full_name) = lower(")
                    .push_bind(text.trim().to_string())
                    .push(")");
            }
        }
    }
    push_scope(&mut qb, user, "r");
    qb.push(" ORDER BY r.created_at LIMIT 2");
    let found: Vec<(Uuid, Option<Uuid>)> = qb.build_query_as().fetch_all(&mut *conn).await?;
    match found.as_slice() {
        [] => Err(AppError::invalid("customer", Invalid::NoCustomer)),
        [(contact, company)] => Ok((Some(*contact), *company)),
        _ => Err(AppError::invalid("customer", Invalid::ManyCustomers)),
    }
}

/// The policy for a new ticket: the first by position whose channel and company tag match.
async fn choose_policy(
    conn: &mut PgConnection,
    channel: &str,
    company: Option<Uuid>,
) -> Result<Option<(Uuid, Policy)>, AppError> {
    let id: Option<Uuid> = sqlx::query_scalar(
        "SELECT p.id FROM sla_policies p WHERE (p.match_channel IS NULL OR p.match_channel = $1) \
         AND (p.match_tag IS NULL OR EXISTS (SELECT 1 FROM companies co WHERE co.id = $2 AND p.match_tag = ANY (co.tags))) \
         ORDER BY p.position, p.created_at LIMIT 1",
    )
    .bind(channel)
    .bind(company)
    .fetch_optional(&mut *conn)
    .await?;
    match id {
        Some(id) => Ok(Some((id, policy(conn, id).await?))),
        None => Ok(None),
    }
}

#[derive(sqlx::FromRow)]
struct PolicyRow {
    zone: String,
    hours: serde_json::Value,
    holidays: Vec<NaiveDate>,
    urgent_first: i32,
    urgent_resolve: i32,
    high_first: i32,
    high_resolve: i32,
    normal_first: i32,
    normal_resolve: i32,
    low_first: i32,
    low_resolve: i32,
    pause_statuses: Vec<String>,
}

/// A stored policy as the clock reads it. A policy the database holds but the clock cannot read
/// (an unknown zone, a window out of range) is an internal error: the settings refuse those.
pub async fn policy(conn: &mut PgConnection, id: Uuid) -> Result<Policy, AppError> {
    let row: PolicyRow = sqlx::query_as("SELECT * FROM sla_policies WHERE id = $1")
        .bind(id)
        .fetch_one(conn)
        .await?;
    let zone = row
        .zone
        .parse()
        .map_err(|_| AppError::internal(format!("SLA policy {id}: zone {}", row.zone)))?;
    let hours: [Option<(u16, u16)>; 7] = serde_json::from_value(row.hours)
        .map_err(|e| AppError::internal(format!("SLA policy {id}: hours: {e}")))?;
    let calendar = Calendar::new(zone, hours, row.holidays)
        .ok_or_else(|| AppError::internal(format!("SLA policy {id}: no service hours")))?;
    let m = |minutes: i32| i64::from(minutes) * 60;
    Ok(Policy {
        calendar,
        targets: [
            (m(row.urgent_first), m(row.urgent_resolve)),
            (m(row.high_first), m(row.high_resolve)),
            (m(row.normal_first), m(row.normal_resolve)),
            (m(row.low_first), m(row.low_resolve)),
        ],
        pauses: row.pause_statuses,
    })
}

/// Opens a ticket: its customer found, its policy chosen and its clock started; audited.
pub async fn create(
    conn: &mut PgConnection,
    user: &CurrentUser,
    draft: &TicketDraft,
    now: DateTime<Utc>,
) -> Result<TicketId, AppError> {
    if !user.role.works_tickets() {
        return Err(AppError::Forbidden);
    }
    let (contact, company) = customer(conn, user, &draft.customer).await?;
    let chosen = choose_policy(conn, &draft.channel, company).await?;
    let clock = Clock::started(now);
    let dues = chosen
        .as_ref()
        .map(|(_, p)| p.dues(&clock, &draft.priority, false))
        .unwrap_or_default();
    let id: Uuid = sqlx::query_scalar(
        "INSERT INTO tickets (subject, description, contact_id, company_id, channel, kind, priority, team, tags, \
         sla_policy_id, clock_since, first_response_due_at, resolution_due_at, created_at, updated_at, created_by, updated_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $11, $11, $14, $14) RETURNING id",
    )
    .bind(&draft.subject)
    .bind(&draft.description)
    .bind(contact)
    .bind(company)
    .bind(&draft.channel)
    .bind(&draft.kind)
    .bind(&draft.priority)
    .bind(&draft.team)
    .bind(&draft.tags)
    .bind(chosen.as_ref().map(|(id, _)| *id))
    .bind(now)
    .bind(dues.first_response)
    .bind(dues.resolution)
    .bind(user.id.0)
    .fetch_one(&mut *conn)
    .await?;
    let fields = serde_json::json!({
        "subject": draft.subject, "description": draft.description, "contact_id": contact,
        "company_id": company, "channel": draft.channel, "kind": draft.kind,
        "priority": draft.priority, "team": draft.team, "tags": draft.tags,
    });
    audit::record(
        conn,
        "ticket",
        id,
        user.id.0,
        "create",
        audit::diff(&serde_json::Value::Null, &fields),
    )
    .await?;
    Ok(TicketId(id))
}

/// A ticket's state as a write locks it.
#[derive(sqlx::FromRow)]
struct Locked {
    status: String,
    priority: String,
    team: Option<String>,
    assignee_id: Option<Uuid>,
    sla_policy_id: Option<Uuid>,
    clock_used: i64,
    clock_since: Option<DateTime<Utc>>,
    first_responded_at: Option<DateTime<Utc>>,
    version: i32,
}

impl Locked {
    fn audited(&self) -> serde_json::Value {
        serde_json::json!({
            "status": self.status, "priority": self.priority, "team": self.team,
            "assignee_id": self.assignee_id, "first_responded_at": self.first_responded_at,
        })
    }
}

/// Locks a ticket the user may open.
async fn lock(
    conn: &mut PgConnection,
    user: &CurrentUser,
    id: TicketId,
) -> Result<Locked, AppError> {
    let mut qb = QueryBuilder::<Postgres>::new(
        "SELECT t.status, t.priority, t.team, t.assignee_id, t.sla_policy_id, t.clock_used, t.clock_since, \
         t.first_responded_at, t.version FROM tickets t WHERE t.deleted_at IS NULL AND t.id = ",
    );
    qb.push_bind(id.0);
    push_ticket_scope(&mut qb, user);
    qb.push(" FOR UPDATE OF t");
    qb.build_query_as()
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(AppError::NotFound)
}

/// Writes a ticket's new state (its clock moved to `now` for a change of status, its due times
/// recomputed) with an audit row of what changed; returns the new version.
async fn store(
    conn: &mut PgConnection,
    user: &CurrentUser,
    id: TicketId,
    old: &Locked,
    mut new: Locked,
    now: DateTime<Utc>,
) -> Result<i32, AppError> {
    let changes = audit::diff(&old.audited(), &new.audited());
    if changes.is_empty() {
        return Ok(old.version);
    }
    let mut clock = Clock {
        used: new.clock_used,
        since: new.clock_since,
    };
    let dues = match new.sla_policy_id {
        Some(p) => {
            let policy = policy(conn, p).await?;
            if new.status != old.status {
                policy.enter(&mut clock, &new.status, now);
            }
            policy.dues(&clock, &new.priority, new.first_responded_at.is_some())
        }
        None => Default::default(),
    };
    (new.clock_used, new.clock_since) = (clock.used, clock.since);
    let resolved = |s: &str| is_done(s);
    let version: i32 = sqlx::query_scalar(
        "UPDATE tickets SET status = $2, priority = $3, team = $4, assignee_id = $5, clock_used = $6, clock_since = $7, \
         first_responded_at = $8, first_response_due_at = $9, resolution_due_at = $10, \
         resolved_at = CASE WHEN $11 THEN coalesce(resolved_at, $12) END, \
         updated_at = $12, updated_by = $13, version = version + 1 WHERE id = $1 RETURNING version",
    )
    .bind(id.0)
    .bind(&new.status)
    .bind(&new.priority)
    .bind(&new.team)
    .bind(new.assignee_id)
    .bind(new.clock_used)
    .bind(new.clock_since)
    .bind(new.first_responded_at)
    .bind(dues.first_response)
    .bind(dues.resolution)
    .bind(resolved(&new.status))
    .bind(now)
    .bind(user.id.0)
    .fetch_one(&mut *conn)
    .await?;
    audit::record(conn, "ticket", id.0, user.id.0, "update", changes).await?;
    Ok(version)
}

/// Changes a ticket's status, priority, team and assignee together, if it is still at `version`.
pub async fn triage(
    conn: &mut PgConnection,
    user: &CurrentUser,
    id: TicketId,
    version: i32,
    triage: &Triage,
    now: DateTime<Utc>,
) -> Result<i32, AppError> {
    if !user.role.works_tickets() {
        return Err(AppError::Forbidden);
    }
    let old = lock(conn, user, id).await?;
    if old.version != version {
        return Err(AppError::Conflict);
    }
    if let Some(a) = triage.assignee.filter(|a| Some(*a) != old.assignee_id) {
        let agent: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM users WHERE id = $1 AND active AND role IN ('admin', 'manager', 'support'))",
        )
        .bind(a)
        .fetch_one(&mut *conn)
        .await?;
        if !agent {
            return Err(AppError::invalid("assignee", Invalid::Choice));
        }
    }
    let new = Locked {
        status: triage.status.clone(),
        priority: triage.priority.clone(),
        team: triage.team.clone(),
        assignee_id: triage.assignee,
        ..old.clone_state()
    };
    store(conn, user, id, &old, new, now).await
}

impl Locked {
    fn clone_state(&self) -> Locked {
        Locked {
            status: self.status.clone(),
            priority: self.priority.clone(),
            team: self.team.clone(),
            ..*self
        }
    }
}

/// Adds a message to a ticket's conversation. A public reply is the first response if none came
/// before (and opens a new ticket); the customer's words reopen a ticket that waited on them or
/// was resolved. Notes change nothing else. Returns the ticket's version.
pub async fn add_message(
    conn: &mut PgConnection,
    user: &CurrentUser,
    id: TicketId,
    kind: &str,
    body: &str,
    now: DateTime<Utc>,
) -> Result<i32, AppError> {
    let allowed = match kind {
        "note" => user.role.notes_tickets(),
        _ => user.role.works_tickets(),
    };
    if !allowed {
        return Err(AppError::Forbidden);
    }
    let old = lock(conn, user, id).await?;
    sqlx::query(
        "INSERT INTO ticket_messages (ticket_id, kind, body, author_id, created_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(id.0)
    .bind(kind)
    .bind(body)
    .bind(user.id.0)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    let mut new = old.clone_state();
    match kind {
        "reply" => {
            new.first_responded_at.get_or_insert(now);
            if new.status == "new" {
                new.status = "open".into();
            }
        }
        "customer" if old.status != "new" && old.status != "open" => {
            new.status = "open".into();
        }
        _ => {}
    }
    let version = store(conn, user, id, &old, new, now).await?;
    if version == old.version {
        sqlx::query("UPDATE tickets SET updated_at = $2 WHERE id = $1")
            .bind(id.0)
            .bind(now)
            .execute(&mut *conn)
            .await?;
    }
    Ok(version)
}

#[cfg(test)]
#[path = "db_tests.rs"]
mod tests;
