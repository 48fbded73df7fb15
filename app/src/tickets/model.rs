//! Ticket types shared by both sides, the queues, and the parsing of the ticket forms.
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::{AppError, Invalid};
use crate::records::fields::Fields;

pub const SUBJECT_MAX: u32 = 300;
pub const DESCRIPTION_MAX: u32 = 20_000;
pub const MESSAGE_MAX: u32 = 20_000;
pub const CUSTOMER_MAX: u32 = 254;
pub const TEAM_MAX: u32 = 100;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::Type), sqlx(transparent))]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TicketId(pub Uuid);

/// What a change to a ticket announces: open queues reload.
#[cfg(feature = "ssr")]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketChanged {
    pub ticket: TicketId,
}

#[cfg(feature = "ssr")]
impl crate::announce::Announcement for TicketChanged {
    const KIND: &'static str = "ticket";
}

/// How the customer reached us, as stored.
pub const CHANNELS: [&str; 5] = ["phone", "email", "web", "walk_in", "chat"];
pub const KINDS: [&str; 4] = ["question", "incident", "problem", "request"];
/// Most pressing first: the order of a policy's targets.
pub const PRIORITIES: [&str; 4] = ["urgent", "high", "normal", "low"];
pub const STATUSES: [&str; 6] = [
    "new",
    "open",
    "waiting_customer",
    "waiting_third_party",
    "resolved",
    "closed",
];

/// Whether a ticket in this status is done with (its clocks stopped for good).
pub fn is_done(status: &str) -> bool {
    matches!(status, "resolved" | "closed")
}

/// A ticket as its page shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow, utoipa::ToSchema))]
pub struct Ticket {
    pub id: TicketId,
    pub number: i64,
    pub subject: String,
    pub description: Option<String>,
    pub contact_id: Option<Uuid>,
    pub contact_name: Option<String>,
    pub company_id: Option<Uuid>,
    pub company_name: Option<String>,
    pub channel: String,
    pub kind: String,
    pub priority: String,
    pub status: String,
    pub team: Option<String>,
    pub assignee_id: Option<Uuid>,
    pub assignee_name: Option<String>,
    pub tags: Vec<String>,
    pub sla_name: Option<String>,
    pub first_response_due_at: Option<DateTime<Utc>>,
    pub resolution_due_at: Option<DateTime<Utc>>,
    pub first_responded_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    /// The deal the ticket is about, if any.
    pub deal_id: Option<Uuid>,
    pub deal_title: Option<String>,
    /// The customer's rating (1 to 5) and comment, once given.
    pub rating: Option<i16>,
    pub rating_comment: Option<String>,
}

/// One message of a ticket's conversation: a public reply, an internal note, or the customer's words.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow, utoipa::ToSchema))]
pub struct Message {
    pub id: Uuid,
    pub kind: String,
    pub body: String,
    pub author_name: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// What a ticket page loads: the ticket, its conversation, the agents it may be given to, and what
/// the user may do with it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TicketView {
    pub ticket: Ticket,
    pub messages: Vec<Message>,
    pub agents: Vec<(Uuid, String)>,
    /// Change status, priority, assignee; reply to the customer.
    pub can_work: bool,
    /// Add internal notes.
    pub can_note: bool,
    /// The customer's signed link to the ticket (for those who work it, to hand on).
    pub customer_link: Option<String>,
    /// The deals the ticket may be related to: its contact's (or company's) that the user may
    /// open, for those who work it.
    pub deals: Vec<(Uuid, String)>,
}

/// A row of a queue.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow, utoipa::ToSchema))]
pub struct TicketRow {
    pub id: TicketId,
    pub number: i64,
    pub subject: String,
    pub customer: Option<String>,
    pub priority: String,
    pub status: String,
    pub team: Option<String>,
    pub assignee_name: Option<String>,
    pub due_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub rating: Option<i16>,
}

/// The queues of the service desk, by their key in the address (`/tickets?queue=mine`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Queue {
    /// Open tickets assigned to me.
    Mine,
    Unassigned,
    /// Due within the next hour, not yet breached.
    Breaching,
    Breached,
    /// Waiting on the customer or a third party.
    Waiting,
    /// Every ticket not resolved or closed.
    Open,
    /// Resolved and closed, newest first.
    Done,
}

impl Queue {
    pub const ALL: [Queue; 7] = [
        Queue::Mine,
        Queue::Unassigned,
        Queue::Breaching,
        Queue::Breached,
        Queue::Waiting,
        Queue::Open,
        Queue::Done,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Queue::Mine => "mine",
            Queue::Unassigned => "unassigned",
            Queue::Breaching => "breaching",
            Queue::Breached => "breached",
            Queue::Waiting => "waiting",
            Queue::Open => "open",
            Queue::Done => "done",
        }
    }

    /// The queue named `s`; the open tickets for anything else.
    pub fn parse(s: &str) -> Queue {
        Self::ALL
            .into_iter()
            .find(|q| q.as_str() == s)
            .unwrap_or(Queue::Open)
    }
}

/// A queue page asked for: the queue, a team ("" for all), and the cursor of the page before.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct QueueQuery {
    #[serde(default)]
    pub queue: String,
    #[serde(default)]
    pub team: String,
    #[serde(default)]
    pub after: String,
    /// The order: the queue's own when empty (by due time; the waiting oldest first, the done
    /// newest first), `number` (oldest first), `-number` (newest first) or `due_at`.
    #[serde(default)]
    pub sort: String,
    /// Rows per page (`PAGE_SIZE` when absent).
    #[serde(default)]
    pub limit: Option<u32>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QueuePage {
    pub rows: Vec<TicketRow>,
    /// The cursor of the next page, if there is one.
    pub next: Option<String>,
    /// The teams tickets or agents belong to, for the team filter.
    pub teams: Vec<String>,
    /// Whom tickets may be given to (for those who may give them): the bulk bar's choices.
    pub agents: Vec<(Uuid, String)>,
}

/// The new-ticket form as typed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TicketInput {
    pub subject: String,
    #[serde(default)]
    pub description: String,
    /// The customer: a contact's email, phone or name.
    #[serde(default)]
    pub customer: String,
    /// A contact chosen already (the ticket was opened from the contact's page).
    #[serde(default)]
    pub contact_id: String,
    #[serde(default)]
    pub channel: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub priority: String,
    #[serde(default)]
    pub team: String,
    #[serde(default)]
    pub tags: String,
}

/// Who the ticket is for, as the form named them.
#[derive(Clone, Debug, PartialEq)]
pub enum CustomerRef {
    None,
    Contact(Uuid),
    /// An email, a phone or a name, found on the server among the contacts in the user's reach.
    Typed(String),
}

#[derive(Clone, Debug, PartialEq)]
pub struct TicketDraft {
    pub subject: String,
    pub description: Option<String>,
    pub customer: CustomerRef,
    pub channel: String,
    pub kind: String,
    pub priority: String,
    pub team: Option<String>,
    pub tags: Vec<String>,
}

fn one_of(f: &mut Fields, field: &str, value: &str, set: &[&str], default: &str) -> String {
    f.choice(field, value, |s| set.contains(&s).then(|| s.to_string()))
        .unwrap_or_else(|| default.to_string())
}

impl TicketInput {
    pub fn parse(&self) -> Result<TicketDraft, AppError> {
        let mut f = Fields::default();
        let customer = match (self.contact_id.trim(), self.customer.trim()) {
            ("", "") => CustomerRef::None,
            ("", _) => f
                .optional("customer", &self.customer, CUSTOMER_MAX)
                .map_or(CustomerRef::None, CustomerRef::Typed),
            (id, _) => match Uuid::parse_str(id) {
                Ok(id) => CustomerRef::Contact(id),
                Err(_) => {
                    f.fail("customer", Invalid::NoCustomer);
                    CustomerRef::None
                }
            },
        };
        let draft = TicketDraft {
            subject: f.required("subject", &self.subject, SUBJECT_MAX),
            description: f.optional("description", &self.description, DESCRIPTION_MAX),
            customer,
            channel: one_of(&mut f, "channel", &self.channel, &CHANNELS, "phone"),
            kind: one_of(&mut f, "kind", &self.kind, &KINDS, "question"),
            priority: one_of(&mut f, "priority", &self.priority, &PRIORITIES, "normal"),
            team: f.optional("team", &self.team, TEAM_MAX),
            tags: f.tags("tags", &self.tags),
        };
        f.finish(draft)
    }
}

/// The triage of a ticket as its page submits it: status, priority, team and assignee together.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TriageInput {
    pub status: String,
    pub priority: String,
    #[serde(default)]
    pub team: String,
    /// A user id, or "" for nobody.
    #[serde(default)]
    pub assignee: String,
    /// The related deal's id, or "" for none.
    #[serde(default)]
    pub deal: String,
}

/// The triage form as a ticket stands: what a partial change is laid over.
impl From<&Ticket> for TriageInput {
    fn from(t: &Ticket) -> Self {
        let text = |id: Option<Uuid>| id.map(|i| i.to_string()).unwrap_or_default();
        TriageInput {
            status: t.status.clone(),
            priority: t.priority.clone(),
            team: t.team.clone().unwrap_or_default(),
            assignee: text(t.assignee_id),
            deal: text(t.deal_id),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Triage {
    pub status: String,
    pub priority: String,
    pub team: Option<String>,
    pub assignee: Option<Uuid>,
    pub deal: Option<Uuid>,
}

impl TriageInput {
    pub fn parse(&self) -> Result<Triage, AppError> {
        let mut f = Fields::default();
        let assignee = match self.assignee.trim() {
            "" => None,
            id => Uuid::parse_str(id).ok().or_else(|| {
                f.fail("assignee", Invalid::Choice);
                None
            }),
        };
        let deal = match self.deal.trim() {
            "" => None,
            id => Uuid::parse_str(id).ok().or_else(|| {
                f.fail("deal", Invalid::Choice);
                None
            }),
        };
        let triage = Triage {
            deal,
            status: one_of(&mut f, "status", &self.status, &STATUSES, "open"),
            priority: one_of(&mut f, "priority", &self.priority, &PRIORITIES, "normal"),
            team: f.optional("team", &self.team, TEAM_MAX),
            assignee,
        };
        f.finish(triage)
    }
}

/// The most tickets one bulk change takes: a queue's page.
pub const BULK_MAX: usize = 50;

/// A change to the tickets chosen on a queue page, as its bulk bar sends it; each field "" to
/// leave it as it is (the assignee "none" for nobody).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct BulkInput {
    pub ids: Vec<TicketId>,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub priority: String,
    #[serde(default)]
    pub assignee: String,
}

/// A bulk change, checked: what to set on every ticket (`None` leaves it).
#[derive(Clone, Debug, PartialEq)]
pub struct Bulk {
    pub ids: Vec<TicketId>,
    pub status: Option<String>,
    pub priority: Option<String>,
    pub assignee: Option<Option<Uuid>>,
}

impl BulkInput {
    pub fn parse(&self) -> Result<Bulk, AppError> {
        if self.ids.len() > BULK_MAX {
            return Err(AppError::BadRequest);
        }
        let mut f = Fields::default();
        if self.ids.is_empty() {
            f.fail("ids", Invalid::Required);
        }
        let pick = |f: &mut Fields, field: &str, value: &str, set: &[&str]| {
            (!value.trim().is_empty()).then(|| one_of(f, field, value, set, ""))
        };
        let status = pick(&mut f, "status", &self.status, &STATUSES);
        let priority = pick(&mut f, "priority", &self.priority, &PRIORITIES);
        let assignee = match self.assignee.trim() {
            "" => None,
            "none" => Some(None),
            id => Some(Uuid::parse_str(id).ok().or_else(|| {
                f.fail("assignee", Invalid::Choice);
                None
            })),
        };
        if status.is_none() && priority.is_none() && assignee.is_none() {
            f.fail("status", Invalid::Required);
        }
        let mut ids = self.ids.clone();
        ids.sort_by_key(|i| i.0);
        ids.dedup();
        f.finish(Bulk {
            ids,
            status,
            priority,
            assignee,
        })
    }
}

/// A message typed on a ticket page: its kind ("reply", "note", or "customer" for the customer's
/// words taken down by an agent) and body.
pub fn parse_message(kind: &str, body: &str) -> Result<(String, String), AppError> {
    let mut f = Fields::default();
    let kind = one_of(&mut f, "kind", kind, &["reply", "note", "customer"], "note");
    let body = f.required("body", body, MESSAGE_MAX);
    f.finish((kind, body))
}

#[cfg(test)]
#[path = "model_tests.rs"]
mod tests;
