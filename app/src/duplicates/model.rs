//! Likely duplicates, on both sides.
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::records::fields::split_list;

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

/// Email keys as the database derives them: trimmed, lower case.
pub fn email_keys(raw: &str) -> Vec<String> {
    split_list(raw)
        .map(|e| e.to_lowercase())
        .filter(|e| e.contains('@'))
        .collect()
}

/// Phone keys as the database derives them: the digits only.
pub fn phone_keys(raw: &str) -> Vec<String> {
    split_list(raw)
        .map(|p| p.chars().filter(char::is_ascii_digit).collect::<String>())
        .filter(|p| p.len() >= 5)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_match_what_the_database_stores() {
        assert_eq!(
            email_keys(" Li.Na@Example.CN ; x@y.cn, nope"),
            ["li.na@example.cn", "x@y.cn"]
        );
        assert_eq!(
            phone_keys("+86 138-0013-8000，(021) 1234"),
            ["8613800138000", "0211234"]
        );
    }
}
