//! Timeline entries, interactions to log, and tasks, shared by both sides.
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use uuid::Uuid;

use crate::error::{AppError, Invalid};

/// The longest text each field takes: checked when parsed, stated by the form (`maxlength`).
pub const SUBJECT_MAX: u32 = 300;
pub const BODY_MAX: u32 = 20_000;
pub const FOLLOW_UP_MAX: u32 = 300;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TaskId(pub Uuid);

/// What kind of record a history belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubjectKind {
    Contact,
    Company,
    Lead,
    Deal,
}

impl SubjectKind {
    /// The column of `activities` and `tasks` that points at such a record.
    pub fn column(self) -> &'static str {
        match self {
            SubjectKind::Contact => "contact_id",
            SubjectKind::Company => "company_id",
            SubjectKind::Lead => "lead_id",
            SubjectKind::Deal => "deal_id",
        }
    }

    /// The record's name in the audit trail.
    pub fn entity(self) -> &'static str {
        match self {
            SubjectKind::Contact => "contact",
            SubjectKind::Company => "company",
            SubjectKind::Lead => "lead",
            SubjectKind::Deal => "deal",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InteractionKind {
    Note,
    Call,
    Meeting,
    Email,
}

impl InteractionKind {
    pub const ALL: [InteractionKind; 4] = [Self::Note, Self::Call, Self::Meeting, Self::Email];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Note => "note",
            Self::Call => "call",
            Self::Meeting => "meeting",
            Self::Email => "email",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CallOutcome {
    Connected,
    NoAnswer,
    Voicemail,
    Busy,
    WrongNumber,
}

impl CallOutcome {
    pub const ALL: [CallOutcome; 5] = [
        Self::Connected,
        Self::NoAnswer,
        Self::Voicemail,
        Self::Busy,
        Self::WrongNumber,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Connected => "connected",
            Self::NoAnswer => "no_answer",
            Self::Voicemail => "voicemail",
            Self::Busy => "busy",
            Self::WrongNumber => "wrong_number",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// The "log an interaction" form as typed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct InteractionInput {
    pub kind: String,
    #[serde(default)]
    pub subject: String,
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub outcome: String,
    #[serde(default)]
    pub duration: String,
    #[serde(default)]
    pub follow_up: String,
    #[serde(default)]
    pub follow_up_due: String,
    /// When it was written (RFC 3339), for one kept on a device offline and sent later; empty for
    /// now.
    #[serde(default)]
    pub written_at: String,
}

/// A parsed interaction, ready to store.
#[derive(Clone, Debug, PartialEq)]
pub struct Interaction {
    pub kind: InteractionKind,
    pub subject: Option<String>,
    pub body: Option<String>,
    pub outcome: Option<CallOutcome>,
    pub duration_minutes: Option<i32>,
    pub follow_up: Option<(String, Option<NaiveDate>)>,
    /// When it happened, if not now (written offline and sent later).
    pub occurred_at: Option<chrono::DateTime<chrono::Utc>>,
}

fn text(s: &str, max: u32, field: &str, errors: &mut BTreeMap<String, Invalid>) -> Option<String> {
    let t = s.trim();
    if t.chars().count() as u32 > max {
        errors.insert(field.into(), Invalid::TooLong { max });
    }
    (!t.is_empty()).then(|| t.to_string())
}

impl InteractionInput {
    /// Each kind needs its own essentials: a note its text, a call its outcome, a meeting or
    /// email its subject. A follow-up due date must not be in the past.
    pub fn parse(&self, today: NaiveDate) -> Result<Interaction, AppError> {
        let mut errors = BTreeMap::new();
        let kind = InteractionKind::parse(&self.kind);
        if kind.is_none() {
            errors.insert("kind".into(), Invalid::Choice);
        }
        let subject = text(&self.subject, SUBJECT_MAX, "subject", &mut errors);
        let body = text(&self.body, BODY_MAX, "body", &mut errors);
        let outcome = match self.outcome.trim() {
            "" => None,
            o => {
                let parsed = CallOutcome::parse(o);
                if parsed.is_none() {
                    errors.insert("outcome".into(), Invalid::Choice);
                }
                parsed
            }
        };
        let duration_minutes = match self.duration.trim() {
            "" => None,
            d => match d.parse::<i32>() {
                Ok(n) if (0..=1440).contains(&n) => Some(n),
                _ => {
                    errors.insert("duration".into(), Invalid::Choice);
                    None
                }
            },
        };
        match kind {
            Some(InteractionKind::Note) if body.is_none() => {
                errors.insert("body".into(), Invalid::Required);
            }
            Some(InteractionKind::Call) if outcome.is_none() => {
                errors.entry("outcome".into()).or_insert(Invalid::Required);
            }
            Some(InteractionKind::Meeting | InteractionKind::Email) if subject.is_none() => {
                errors.insert("subject".into(), Invalid::Required);
            }
            _ => {}
        }
        let follow_up_title = text(&self.follow_up, FOLLOW_UP_MAX, "follow_up", &mut errors);
        let due = match self.follow_up_due.trim() {
            "" => None,
            d => match crate::dates::parse_date(d) {
                Some(d) if d >= today => Some(d),
                _ => {
                    errors.insert("follow_up_due".into(), Invalid::Date);
                    None
                }
            },
        };
        // A device's clock may run a little ahead of the server's: up to a day is taken.
        let occurred_at = match self.written_at.trim() {
            "" => None,
            w => match chrono::DateTime::parse_from_rfc3339(w) {
                Ok(at)
                    if at.with_timezone(&chrono::Utc).date_naive()
                        <= today + chrono::Days::new(1) =>
                {
                    Some(at.with_timezone(&chrono::Utc))
                }
                _ => {
                    errors.insert("written_at".into(), Invalid::Date);
                    None
                }
            },
        };
        if due.is_some() && follow_up_title.is_none() {
            errors.insert("follow_up".into(), Invalid::Required);
        }
        match (kind, errors.is_empty()) {
            (Some(kind), true) => Ok(Interaction {
                kind,
                subject,
                body,
                outcome: if kind == InteractionKind::Call {
                    outcome
                } else {
                    None
                },
                duration_minutes,
                follow_up: follow_up_title.map(|t| (t, due)),
                occurred_at,
            }),
            _ => Err(AppError::Validation { fields: errors }),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FieldChange {
    pub field: String,
    pub old: String,
    pub new: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum EntryBody {
    Interaction {
        kind: InteractionKind,
        subject: Option<String>,
        body: Option<String>,
        outcome: Option<CallOutcome>,
        duration_minutes: Option<i32>,
    },
    Task {
        id: TaskId,
        title: String,
        due_on: Option<NaiveDate>,
        done: bool,
    },
    /// A service desk ticket of the customer was opened ("#1042 Printer jam").
    Ticket {
        id: Uuid,
        title: String,
    },
    Created,
    /// Field changes; `deal` names the deal when they are a related deal's (a stage move, won, lost).
    Changed {
        changes: Vec<FieldChange>,
        deal: Option<String>,
    },
}

/// Entries per timeline page; older ones load on request.
pub const TIMELINE_PAGE: i64 = 50;

/// Where the next (older) page of a timeline starts: just after this entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineCursor {
    pub at: DateTime<Utc>,
    /// Tells apart entries of the same instant (source and id).
    pub key: String,
}

/// One page of a record's history, and where the next one starts.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TimelinePage {
    pub entries: Vec<TimelineEntry>,
    pub next: Option<TimelineCursor>,
}

/// One line of a record's history, newest first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TimelineEntry {
    pub at: DateTime<Utc>,
    pub author: Option<String>,
    pub body: EntryBody,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Task {
    pub id: TaskId,
    pub title: String,
    pub due_on: Option<NaiveDate>,
    pub done: bool,
    /// The page of the record the task is about, and that record's name.
    pub link: Option<String>,
    pub about: Option<String>,
    /// For a return visit (回访): what the call found, once done.
    pub visit: Option<Visit>,
    pub version: i32,
}

/// A return visit's record: the call's outcome and the customer's satisfaction (1 to 5).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Visit {
    pub outcome: Option<CallOutcome>,
    pub satisfaction: Option<i16>,
}

/// The signed-in user's open tasks, and those done today.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TaskAgenda {
    pub overdue: Vec<Task>,
    pub today: Vec<Task>,
    pub upcoming: Vec<Task>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()
    }

    #[test]
    fn a_note_written_offline_keeps_its_time_but_not_one_ahead_of_the_clock() {
        let note = |written_at: &str| InteractionInput {
            kind: "note".into(),
            body: "On the train".into(),
            written_at: written_at.into(),
            ..Default::default()
        };
        assert_eq!(note("").parse(today()).unwrap().occurred_at, None);
        let written = note("2026-11-20T08:30:00+08:00").parse(today()).unwrap();
        assert_eq!(
            written.occurred_at.map(|at| at.to_rfc3339()),
            Some("2026-11-20T00:30:00+00:00".into())
        );
        // A clock a little ahead passes; days ahead, or not a time, do not.
        assert!(note("2026-11-26T01:00:00Z").parse(today()).is_ok());
        for bad in ["2026-11-28T00:00:00Z", "yesterday", "2026-11-20"] {
            assert_eq!(
                note(bad).parse(today()).unwrap_err().field("written_at"),
                Some(Invalid::Date),
                "{bad}"
            );
        }
    }

    #[test]
    fn a_call_needs_an_outcome_and_a_note_its_text() {
        let call = InteractionInput {
            kind: "call".into(),
            ..Default::default()
        };
        assert_eq!(
            call.parse(today()).unwrap_err().field("outcome"),
            Some(Invalid::Required)
        );
        let note = InteractionInput {
            kind: "note".into(),
            ..Default::default()
        };
        assert_eq!(
            note.parse(today()).unwrap_err().field("body"),
            Some(Invalid::Required)
        );
    }

    #[test]
    fn a_call_with_a_follow_up_parses_into_both() {
        let i = InteractionInput {
            kind: "call".into(),
            outcome: "connected".into(),
            duration: "15".into(),
            body: "Wants a quote".into(),
            follow_up: "Send quote".into(),
            follow_up_due: "2026-11-27".into(),
            ..Default::default()
        }
        .parse(today())
        .unwrap();
        assert_eq!(i.outcome, Some(CallOutcome::Connected));
        assert_eq!(i.duration_minutes, Some(15));
        assert_eq!(
            i.follow_up,
            Some(("Send quote".into(), NaiveDate::from_ymd_opt(2026, 11, 27)))
        );
    }

    #[test]
    fn a_follow_up_due_in_the_past_or_without_a_title_is_refused() {
        let past = InteractionInput {
            kind: "note".into(),
            body: "x".into(),
            follow_up: "Call back".into(),
            follow_up_due: "2026-11-01".into(),
            ..Default::default()
        };
        assert_eq!(
            past.parse(today()).unwrap_err().field("follow_up_due"),
            Some(Invalid::Date)
        );
        let untitled = InteractionInput {
            kind: "note".into(),
            body: "x".into(),
            follow_up_due: "2026-12-01".into(),
            ..Default::default()
        };
        assert_eq!(
            untitled.parse(today()).unwrap_err().field("follow_up"),
            Some(Invalid::Required)
        );
    }

    #[test]
    fn a_follow_up_due_date_typed_in_either_language_is_read() {
        for due in ["Nov 29, 2026", "2026年11月29日", "2026-11-29", "11/29/2026"] {
            let i = InteractionInput {
                kind: "note".into(),
                body: "x".into(),
                follow_up: "Call back".into(),
                follow_up_due: due.into(),
                ..Default::default()
            }
            .parse(today())
            .unwrap();
            assert_eq!(
                i.follow_up,
                Some(("Call back".into(), NaiveDate::from_ymd_opt(2026, 11, 29))),
                "{due}"
            );
        }
    }

    #[test]
    fn an_unknown_kind_or_a_silly_duration_is_refused() {
        let e = InteractionInput {
            kind: "fax".into(),
            duration: "9999".into(),
            ..Default::default()
        }
        .parse(today())
        .unwrap_err();
        assert_eq!(e.field("kind"), Some(Invalid::Choice));
        assert_eq!(e.field("duration"), Some(Invalid::Choice));
    }
}
