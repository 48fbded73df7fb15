//! The audit log's filters, as the URL holds them, and its entries.
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::activities::model::FieldChange;
use crate::error::{AppError, Invalid};
use crate::records::fields::Fields;

/// The kinds of record with history.
pub const ENTITIES: [&str; 6] = ["contact", "company", "lead", "deal", "ticket", "task"];

/// Entries a page shows.
pub const AUDIT_PAGE: i64 = 50;

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct AuditFilter {
    /// A user id, or "" for anyone.
    #[serde(default)]
    pub actor: String,
    /// One of `ENTITIES`, or "" for all.
    #[serde(default)]
    pub entity: String,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    /// Entries older than this one (the keyset position).
    #[serde(default)]
    pub before: String,
}

/// A checked filter.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AuditQuery {
    pub actor: Option<Uuid>,
    pub entity: Option<&'static str>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub before: Option<i64>,
}

impl AuditFilter {
    pub fn from_query(get: impl Fn(&str) -> Option<String>) -> Self {
        let g = |k| get(k).unwrap_or_default();
        AuditFilter {
            actor: g("actor"),
            entity: g("entity"),
            from: g("from"),
            to: g("to"),
            before: g("before"),
        }
    }

    pub fn pairs(&self) -> [(&'static str, &str); 5] {
        [
            ("actor", &self.actor),
            ("entity", &self.entity),
            ("from", &self.from),
            ("to", &self.to),
            ("before", &self.before),
        ]
    }

    /// The filter checked, with a field error for each part that is not what it should be.
    pub fn parse(&self) -> Result<AuditQuery, AppError> {
        let mut f = Fields::default();
        let actor = match self.actor.trim() {
            "" => None,
            a => Uuid::parse_str(a).ok().or_else(|| {
                f.fail("actor", Invalid::Choice);
                None
            }),
        };
        let entity = f.choice("entity", &self.entity, |e| {
            ENTITIES.iter().find(|x| **x == e).copied()
        });
        let from = f.date("from", &self.from, None);
        let to = f.date("to", &self.to, None);
        let before = self.before.trim().parse::<i64>().ok();
        f.finish(AuditQuery {
            actor,
            entity,
            from,
            to,
            before,
        })
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor: Option<String>,
    pub entity: String,
    pub entity_id: Uuid,
    /// The record's name now (it may have been renamed or purged since).
    pub record: Option<String>,
    pub action: String,
    pub changes: Vec<FieldChange>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    /// Where the next (older) page starts.
    pub next: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_filter_names_each_bad_part() {
        let e = AuditFilter {
            actor: "someone".into(),
            entity: "invoice".into(),
            from: "last week".into(),
            ..Default::default()
        }
        .parse()
        .unwrap_err();
        assert_eq!(e.field("actor"), Some(Invalid::Choice));
        assert_eq!(e.field("entity"), Some(Invalid::Choice));
        assert_eq!(e.field("from"), Some(Invalid::Date));
        let ok = AuditFilter {
            entity: "deal".into(),
            to: "2026-11-26".into(),
            before: "42".into(),
            ..Default::default()
        }
        .parse()
        .unwrap();
        assert_eq!((ok.entity, ok.before), (Some("deal"), Some(42)));
    }
}
