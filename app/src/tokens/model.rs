//! Personal API tokens: a name, what the token may do with each kind of record, an expiry. The
//! secret is shown once; only its hash is kept. A token acts as its user, never as more.
use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::{AppError, Invalid};

/// The kinds of record the API serves, each granted on its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Entity {
    Companies,
    Contacts,
    Leads,
    Deals,
    Activities,
    Tasks,
    Tickets,
    Pipelines,
    Users,
}

impl Entity {
    pub const ALL: [Entity; 9] = [
        Entity::Companies,
        Entity::Contacts,
        Entity::Leads,
        Entity::Deals,
        Entity::Activities,
        Entity::Tasks,
        Entity::Tickets,
        Entity::Pipelines,
        Entity::Users,
    ];

    /// Served for reading only: pipelines are set up in Settings, users by an administrator.
    pub fn read_only(self) -> bool {
        matches!(self, Entity::Pipelines | Entity::Users)
    }

    /// The field a refused grant is named by in a validation error.
    pub fn field(self) -> &'static str {
        match self {
            Entity::Companies => "scopes.companies",
            Entity::Contacts => "scopes.contacts",
            Entity::Leads => "scopes.leads",
            Entity::Deals => "scopes.deals",
            Entity::Activities => "scopes.activities",
            Entity::Tasks => "scopes.tasks",
            Entity::Tickets => "scopes.tickets",
            Entity::Pipelines => "scopes.pipelines",
            Entity::Users => "scopes.users",
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            Entity::Companies => "companies",
            Entity::Contacts => "contacts",
            Entity::Leads => "leads",
            Entity::Deals => "deals",
            Entity::Activities => "activities",
            Entity::Tasks => "tasks",
            Entity::Tickets => "tickets",
            Entity::Pipelines => "pipelines",
            Entity::Users => "users",
        }
    }
}

/// What a token may do with one kind of record.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Access {
    #[default]
    None,
    Read,
    Write,
}

impl Access {
    fn parse(s: &str) -> Option<Access> {
        match s {
            "" | "none" => Some(Access::None),
            "read" => Some(Access::Read),
            "write" => Some(Access::Write),
            _ => None,
        }
    }
}

/// A token's grants; a kind it does not name is not granted.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scopes(pub BTreeMap<Entity, Access>);

impl Scopes {
    pub fn get(&self, e: Entity) -> Access {
        self.0.get(&e).copied().unwrap_or_default()
    }

    pub fn allows(&self, e: Entity, write: bool) -> bool {
        let a = self.get(e);
        if write {
            a == Access::Write
        } else {
            a >= Access::Read
        }
    }
}

/// The expiries offered, in days; a token lives a year at most.
pub const EXPIRY_DAYS: [u32; 4] = [7, 30, 90, 365];

/// The form that creates a token: its name, its days to live and one access per kind.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TokenInput {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub days: String,
    #[serde(default)]
    pub scopes: BTreeMap<String, String>,
}

/// A token ready to be made.
#[derive(Clone, Debug, PartialEq)]
pub struct TokenDraft {
    pub name: String,
    pub days: u32,
    pub scopes: Scopes,
}

impl TokenDraft {
    pub const NAME_MAX: u32 = 100;
}

impl TokenInput {
    pub fn parse(&self) -> Result<TokenDraft, AppError> {
        let mut errors = BTreeMap::new();
        let name = self.name.trim();
        if name.is_empty() {
            errors.insert("name".to_string(), Invalid::Required);
        } else if name.chars().count() > TokenDraft::NAME_MAX as usize {
            errors.insert(
                "name".to_string(),
                Invalid::TooLong {
                    max: TokenDraft::NAME_MAX,
                },
            );
        } else if name.contains('\0') {
            errors.insert("name".to_string(), Invalid::Characters);
        }
        let days = self.days.trim().parse::<u32>().ok();
        if !days.is_some_and(|d| EXPIRY_DAYS.contains(&d)) {
            errors.insert("days".to_string(), Invalid::Choice);
        }
        let mut scopes = BTreeMap::new();
        for (key, value) in &self.scopes {
            let entity = Entity::ALL.into_iter().find(|e| e.key() == key);
            match (entity, Access::parse(value)) {
                (Some(e), Some(Access::Write)) if e.read_only() => {
                    errors.insert(e.field().to_string(), Invalid::Choice);
                }
                (Some(e), Some(a)) => {
                    if a != Access::None {
                        scopes.insert(e, a);
                    }
                }
                _ => {
                    errors.insert(format!("scopes.{key}"), Invalid::Choice);
                }
            }
        }
        if scopes.is_empty() && !errors.keys().any(|k| k.starts_with("scopes.")) {
            errors.insert("scopes".to_string(), Invalid::Required);
        }
        if !errors.is_empty() {
            return Err(AppError::Validation { fields: errors });
        }
        Ok(TokenDraft {
            name: name.to_string(),
            days: days.unwrap_or_default(),
            scopes: Scopes(scopes),
        })
    }
}

/// A token as its list shows it (never its secret).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TokenRow {
    pub id: Uuid,
    pub name: String,
    /// The secret's last four characters, to tell tokens apart.
    pub hint: String,
    pub owner: String,
    pub scopes: Scopes,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub last_used_from: Option<String>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// A token just made: the only time its secret is seen.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NewToken {
    pub id: Uuid,
    pub secret: String,
}

/// Every secret starts so, which lets a secret scanner find leaked ones.
pub const SECRET_PREFIX: &str = "keel_";

#[cfg(test)]
mod tests {
    use super::*;

    fn input(name: &str, days: &str, scopes: &[(&str, &str)]) -> TokenInput {
        TokenInput {
            name: name.into(),
            days: days.into(),
            scopes: scopes
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        }
    }

    #[test]
    fn a_token_needs_a_name_an_offered_expiry_and_one_grant() {
        let d = input(
            " Website form ",
            "30",
            &[("contacts", "write"), ("deals", "read"), ("leads", "none")],
        )
        .parse()
        .unwrap();
        assert_eq!(d.name, "Website form");
        assert_eq!(d.days, 30);
        assert!(d.scopes.allows(Entity::Contacts, true));
        assert!(d.scopes.allows(Entity::Deals, false));
        assert!(!d.scopes.allows(Entity::Deals, true));
        assert!(!d.scopes.allows(Entity::Leads, false));

        let e = input("", "31", &[]).parse().unwrap_err();
        assert_eq!(e.field("name"), Some(Invalid::Required));
        assert_eq!(e.field("days"), Some(Invalid::Choice));
        assert_eq!(e.field("scopes"), Some(Invalid::Required));
        let e = input(
            "x",
            "7",
            &[("users", "write"), ("planets", "read"), ("deals", "all")],
        )
        .parse()
        .unwrap_err();
        assert_eq!(e.field("scopes.users"), Some(Invalid::Choice));
        assert_eq!(e.field("scopes.planets"), Some(Invalid::Choice));
        assert_eq!(e.field("scopes.deals"), Some(Invalid::Choice));
        assert_eq!(
            input(&"n".repeat(101), "7", &[("deals", "read")])
                .parse()
                .unwrap_err()
                .field("name"),
            Some(Invalid::TooLong { max: 100 })
        );
    }
}
