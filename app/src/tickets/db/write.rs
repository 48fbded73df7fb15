//! Ticket writes: opening one (its customer found, its policy chosen), its triage and its
//! conversation, each moving the service clock and audited.
use chrono::{DateTime, Utc};
use sqlx::{PgConnection, Postgres, QueryBuilder};
use uuid::Uuid;

use super::desk::{assignee, choose_policy, policy};
use super::notify::{Named, assigned, changed, wrote};
use super::{AGENT, push_ticket_scope};
use crate::audit;
use crate::error::{AppError, Invalid};
use crate::records::db::push_scope;
use crate::tickets::model::{Bulk, CustomerRef, TicketDraft, TicketId, Triage, is_done};
use crate::tickets::sla::Clock;
use crate::users::model::CurrentUser;

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

/// Opens a ticket: its customer found, its policy chosen, its agent found by its team's rule, and
/// its clock started; audited.
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
    insert(conn, Some(user.id.0), (contact, company), draft, now).await
}

/// Stores a new ticket of `contact` and `company` opened by `actor` (`None`: the customer, through
/// the web form): its policy chosen, its agent found by its team's rule, its clock started;
/// audited, its agent told, open queues told.
pub(super) async fn insert(
    conn: &mut PgConnection,
    actor: Option<Uuid>,
    (contact, company): (Option<Uuid>, Option<Uuid>),
    draft: &TicketDraft,
    now: DateTime<Utc>,
) -> Result<TicketId, AppError> {
    let chosen = choose_policy(conn, &draft.channel, company).await?;
    let agent = match &draft.team {
        Some(team) => assignee(conn, team).await?,
        None => None,
    };
    let clock = Clock::started(now);
    let dues = chosen
        .as_ref()
        .map(|(_, p)| p.dues(&clock, &draft.priority, false))
        .unwrap_or_default();
    let (id, number): (Uuid, i64) = sqlx::query_as(
        "INSERT INTO tickets (subject, description, contact_id, company_id, channel, kind, priority, team, tags, \
         sla_policy_id, clock_since, first_response_due_at, resolution_due_at, created_at, updated_at, created_by, updated_by, assignee_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $11, $11, $14, $14, $15) RETURNING id, number",
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
    .bind(actor)
    .bind(agent)
    .fetch_one(&mut *conn)
    .await?;
    let fields = serde_json::json!({
        "subject": draft.subject, "description": draft.description, "contact_id": contact,
        "company_id": company, "channel": draft.channel, "kind": draft.kind,
        "priority": draft.priority, "team": draft.team, "tags": draft.tags, "assignee_id": agent,
    });
    audit::record(
        conn,
        "ticket",
        id,
        actor,
        "create",
        audit::diff(&serde_json::Value::Null, &fields),
    )
    .await?;
    let named = Named {
        id: TicketId(id),
        number,
        subject: &draft.subject,
    };
    assigned(conn, &named, agent, actor).await?;
    changed(conn, named.id).await?;
    Ok(TicketId(id))
}

/// A ticket's state as a write locks it.
#[derive(Clone, sqlx::FromRow)]
pub(super) struct Locked {
    number: i64,
    subject: String,
    contact_id: Option<Uuid>,
    company_id: Option<Uuid>,
    deal_id: Option<Uuid>,
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
    fn named(&self, id: TicketId) -> Named<'_> {
        Named {
            id,
            number: self.number,
            subject: &self.subject,
        }
    }

    fn audited(&self) -> serde_json::Value {
        serde_json::json!({
            "status": self.status, "priority": self.priority, "team": self.team,
            "assignee_id": self.assignee_id, "first_responded_at": self.first_responded_at,
            "deal_id": self.deal_id,
        })
    }
}

/// Locks a ticket the user may open (`None`: any ticket, for the customer's signed link).
pub(super) async fn lock(
    conn: &mut PgConnection,
    user: Option<&CurrentUser>,
    id: TicketId,
) -> Result<Locked, AppError> {
    let mut qb = QueryBuilder::<Postgres>::new(
        "SELECT t.number, t.subject, t.contact_id, t.company_id, t.deal_id, t.status, t.priority, t.team, t.assignee_id, t.sla_policy_id, t.clock_used, t.clock_since, \
         t.first_responded_at, t.version FROM tickets t WHERE t.deleted_at IS NULL AND t.id = ",
    );
    qb.push_bind(id.0);
    if let Some(user) = user {
        push_ticket_scope(&mut qb, user);
    }
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
    actor: Option<Uuid>,
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
    let version: i32 = sqlx::query_scalar(
        "UPDATE tickets SET status = $2, priority = $3, team = $4, assignee_id = $5, clock_used = $6, clock_since = $7, deal_id = $14, \
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
    .bind(is_done(&new.status))
    .bind(now)
    .bind(actor)
    .bind(new.deal_id)
    .fetch_one(&mut *conn)
    .await?;
    audit::record(conn, "ticket", id.0, actor, "update", changes).await?;
    if is_done(&new.status) && !is_done(&old.status) {
        visit_after(conn, id, &new, actor, now).await?;
    }
    Ok(version)
}

/// `assignee` refused unless the user works tickets.
async fn require_agent(conn: &mut PgConnection, id: Uuid) -> Result<(), AppError> {
    let agent: bool = sqlx::query_scalar(&format!(
        "SELECT EXISTS (SELECT 1 FROM users u WHERE u.id = $1 AND {AGENT})"
    ))
    .bind(id)
    .fetch_one(&mut *conn)
    .await?;
    match agent {
        true => Ok(()),
        false => Err(AppError::invalid("assignee", Invalid::Choice)),
    }
}

/// `deal` refused unless the user may open it.
async fn require_deal(
    conn: &mut PgConnection,
    user: &CurrentUser,
    deal: Uuid,
) -> Result<(), AppError> {
    let mut qb = QueryBuilder::<Postgres>::new(
        "SELECT EXISTS (SELECT 1 FROM deals d WHERE d.deleted_at IS NULL AND d.id = ",
    );
    qb.push_bind(deal);
    push_scope(&mut qb, user, "d");
    qb.push(")");
    let visible: bool = qb.build_query_scalar().fetch_one(&mut *conn).await?;
    match visible {
        true => Ok(()),
        false => Err(AppError::invalid("deal", Invalid::Choice)),
    }
}

/// Sets the status, priority and/or assignee of several tickets the user may open, all or none
/// (`NotFound` if any is out of reach); each audited, its clock moved, its new assignee told.
/// Returns how many changed.
pub async fn bulk_triage(
    conn: &mut PgConnection,
    user: &CurrentUser,
    bulk: &Bulk,
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    if !user.role.works_tickets() {
        return Err(AppError::Forbidden);
    }
    if let Some(Some(a)) = bulk.assignee {
        require_agent(conn, a).await?;
    }
    let mut changed_count = 0;
    // In id order (`Bulk` sorts them), so two bulk changes lock in the same order.
    for &id in &bulk.ids {
        let old = lock(conn, Some(user), id).await?;
        let new = Locked {
            status: bulk.status.clone().unwrap_or_else(|| old.status.clone()),
            priority: bulk
                .priority
                .clone()
                .unwrap_or_else(|| old.priority.clone()),
            assignee_id: bulk.assignee.unwrap_or(old.assignee_id),
            ..old.clone()
        };
        if store(conn, Some(user.id.0), id, &old, new.clone(), now).await? != old.version {
            changed_count += 1;
            if new.assignee_id != old.assignee_id {
                assigned(conn, &old.named(id), new.assignee_id, Some(user.id.0)).await?;
            }
            changed(conn, id).await?;
        }
    }
    Ok(changed_count)
}

/// Schedules the return visit to the customer of a ticket just resolved (or closed), for its
/// assignee (else whoever resolved it); none for a ticket without a customer.
async fn visit_after(
    conn: &mut PgConnection,
    id: TicketId,
    t: &Locked,
    actor: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    use crate::activities::model::SubjectKind;
    use crate::activities::visits::db::{Due, schedule};
    let about = match (t.contact_id, t.company_id) {
        (Some(c), _) => (SubjectKind::Contact, c),
        (None, Some(co)) => (SubjectKind::Company, co),
        (None, None) => return Ok(()),
    };
    let Some(assignee) = t.assignee_id.or(actor) else {
        return Ok(());
    };
    let title = format!("#{} {}", t.number, t.subject);
    let due = Due {
        about: about.0,
        record: about.1,
        ticket: Some(id.0),
        title: &title,
        assignee,
    };
    schedule(conn, due, now).await
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
    let old = lock(conn, Some(user), id).await?;
    if old.version != version {
        return Err(AppError::Conflict);
    }
    if let Some(a) = triage.assignee.filter(|a| Some(*a) != old.assignee_id) {
        require_agent(conn, a).await?;
    }
    if let Some(d) = triage.deal.filter(|d| Some(*d) != old.deal_id) {
        require_deal(conn, user, d).await?;
    }
    let new = Locked {
        status: triage.status.clone(),
        priority: triage.priority.clone(),
        team: triage.team.clone(),
        assignee_id: triage.assignee,
        deal_id: triage.deal,
        ..old.clone()
    };
    let version = store(conn, Some(user.id.0), id, &old, new, now).await?;
    if triage.assignee != old.assignee_id {
        assigned(conn, &old.named(id), triage.assignee, Some(user.id.0)).await?;
    }
    changed(conn, id).await?;
    Ok(version)
}

/// Moves a ticket to the trash if it is still at `version`: those who work tickets may.
pub async fn delete(
    conn: &mut PgConnection,
    user: &CurrentUser,
    id: TicketId,
    version: i32,
) -> Result<(), AppError> {
    if !user.role.works_tickets() {
        return Err(AppError::Forbidden);
    }
    if lock(conn, Some(user), id).await?.version != version {
        return Err(AppError::Conflict);
    }
    crate::records::db::set_deleted(conn, ("tickets", "ticket"), id.0, user.id.0, true).await?;
    changed(conn, id).await
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
    let old = lock(conn, Some(user), id).await?;
    write_message(conn, Some(user), id, old, kind, body, now).await
}

/// Adds a message to the locked ticket `old`, written by `by` (`None`: the customer, through their
/// signed link); see `add_message`.
pub(super) async fn write_message(
    conn: &mut PgConnection,
    by: Option<&CurrentUser>,
    id: TicketId,
    old: Locked,
    kind: &str,
    body: &str,
    now: DateTime<Utc>,
) -> Result<i32, AppError> {
    let actor = by.map(|u| u.id.0);
    sqlx::query(
        "INSERT INTO ticket_messages (ticket_id, kind, body, author_id, created_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(id.0)
    .bind(kind)
    .bind(body)
    .bind(actor)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    let mut new = old.clone();
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
    let version = store(conn, actor, id, &old, new, now).await?;
    if version == old.version {
        sqlx::query("UPDATE tickets SET updated_at = $2 WHERE id = $1")
            .bind(id.0)
            .bind(now)
            .execute(&mut *conn)
            .await?;
    }
    wrote(conn, by, &old.named(id), old.assignee_id, kind, body).await?;
    changed(conn, id).await?;
    Ok(version)
}
