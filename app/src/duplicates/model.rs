//! Likely duplicates, on both sides.
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// What two records share.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Why {
    Email,
    Phone,
    Name,
}

impl Why {
    pub fn parse(s: &str) -> Option<Why> {
        match s {
            "email" => Some(Why::Email),
            "phone" => Some(Why::Phone),
            "name" => Some(Why::Name),
            _ => None,
        }
    }
}

/// A record that may be the one being typed in.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Likely {
    pub id: Uuid,
    pub name: String,
    pub why: Why,
}

/// A record another may be merged with: a likely duplicate (with what they share) or one found by
/// a search.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Candidate {
    pub id: Uuid,
    pub name: String,
    pub why: Option<Why>,
}

/// Records that share one email, phone or name.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Group {
    pub why: Why,
    /// The shared value, as stored (lower-cased email, the phone's digits, the name).
    pub key: String,
    /// Up to ten of the records: id and name, oldest first.
    pub records: Vec<(Uuid, String)>,
    pub count: i64,
}
