//! What the trash shows, on both sides.
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::records::model::ListKind;

pub use crate::records::model::KEEP_DAYS;

/// What can be in the trash: the customer lists' records, deals, tasks and tickets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TrashKind {
    Contacts,
    Companies,
    Leads,
    Deals,
    Tasks,
    Tickets,
}

impl TrashKind {
    pub const ALL: [TrashKind; 6] = [
        TrashKind::Contacts,
        TrashKind::Companies,
        TrashKind::Leads,
        TrashKind::Deals,
        TrashKind::Tasks,
        TrashKind::Tickets,
    ];

    /// The kind's table ("contacts" … "tickets"), also its name here.
    pub fn table(self) -> &'static str {
        match self {
            TrashKind::Contacts => "contacts",
            TrashKind::Companies => "companies",
            TrashKind::Leads => "leads",
            TrashKind::Deals => "deals",
            TrashKind::Tasks => "tasks",
            TrashKind::Tickets => "tickets",
        }
    }

    pub fn parse(s: &str) -> Option<TrashKind> {
        Self::ALL.into_iter().find(|k| k.table() == s)
    }

    /// What its audit rows call a record of this kind.
    pub fn entity(self) -> &'static str {
        match self {
            TrashKind::Contacts => "contact",
            TrashKind::Companies => "company",
            TrashKind::Leads => "lead",
            TrashKind::Deals => "deal",
            TrashKind::Tasks => "task",
            TrashKind::Tickets => "ticket",
        }
    }

    /// The customer list of the kind, if it is one.
    pub fn list(self) -> Option<ListKind> {
        ListKind::parse(self.table())
    }
}

impl From<ListKind> for TrashKind {
    fn from(k: ListKind) -> TrashKind {
        TrashKind::parse(k.as_str()).expect("every list is a trash kind")
    }
}

/// A deleted record, who deleted it and how long it stays restorable.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrashItem {
    pub kind: TrashKind,
    pub id: Uuid,
    pub name: String,
    pub deleted_at: DateTime<Utc>,
    pub deleted_by: Option<String>,
    pub days_left: i64,
}

/// What a purge removed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Purged {
    pub contacts: i64,
    pub companies: i64,
    pub leads: i64,
    pub deals: i64,
    pub tasks: i64,
    pub tickets: i64,
    /// Uploaded files emptied a day after their upload (never imported, or stopped).
    pub uploads: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_name_their_tables_and_entities_and_lists_map_onto_them() {
        for k in TrashKind::ALL {
            assert_eq!(TrashKind::parse(k.table()), Some(k));
            assert!(!k.entity().is_empty(), "{k:?}");
        }
        for l in ListKind::ALL {
            let k = TrashKind::from(l);
            assert_eq!((k.list(), k.entity()), (Some(l), l.entity()));
        }
        assert_eq!(TrashKind::Deals.list(), None);
    }
}
