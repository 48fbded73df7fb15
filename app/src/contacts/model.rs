//! Contact types shared by both sides, and the parsing of user input into them.
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use uuid::Uuid;

use crate::error::{AppError, Invalid};
use crate::users::model::Email;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ContactId(pub Uuid);

/// A contact as the detail page shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Contact {
    pub id: ContactId,
    pub full_name: String,
    pub title: Option<String>,
    pub emails: Vec<String>,
    pub phones: Vec<String>,
    pub company_name: Option<String>,
    pub tags: Vec<String>,
    pub source: Option<String>,
    pub birthday: Option<NaiveDate>,
    pub address: Option<String>,
    pub notes: Option<String>,
    pub owner_name: Option<String>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// One row of the contacts list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ContactRow {
    pub id: ContactId,
    pub full_name: String,
    pub title: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub company_name: Option<String>,
    pub owner_name: Option<String>,
    pub tags: Vec<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContactSort {
    #[default]
    Name,
    Created,
    Updated,
}

impl ContactSort {
    pub fn parse(s: &str) -> ContactSort {
        match s {
            "created" => ContactSort::Created,
            "updated" => ContactSort::Updated,
            _ => ContactSort::Name,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            ContactSort::Name => "name",
            ContactSort::Created => "created",
            ContactSort::Updated => "updated",
        }
    }
}

/// What the list shows: search, filters, sort and the keyset position. Lives in the URL.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ContactQuery {
    pub q: String,
    /// "" (everyone in scope), "me", or an owner's user id.
    pub owner: String,
    pub tag: String,
    pub sort: ContactSort,
    pub desc: bool,
    /// Opaque keyset cursor from the previous page's `next`.
    pub after: String,
}

/// Counting stops here: beyond it the list says "10,000+".
pub const COUNT_LIMIT: i64 = 10_000;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ContactPage {
    pub rows: Vec<ContactRow>,
    pub next: Option<String>,
    /// Matching contacts, capped: `COUNT_LIMIT + 1` means "more than COUNT_LIMIT".
    pub total: i64,
}

/// The contact form as typed: several emails or phones are separated by commas or new lines.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ContactInput {
    pub full_name: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub emails: String,
    #[serde(default)]
    pub phones: String,
    #[serde(default)]
    pub tags: String,
    #[serde(default)]
    pub source: String,
    #[serde(default)]
    pub birthday: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub notes: String,
}

/// A contact's fields after parsing: every value is valid.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ContactDraft {
    pub full_name: String,
    pub title: Option<String>,
    pub emails: Vec<String>,
    pub phones: Vec<String>,
    pub tags: Vec<String>,
    pub source: Option<String>,
    pub birthday: Option<NaiveDate>,
    pub address: Option<String>,
    pub notes: Option<String>,
}

fn split_list(s: &str) -> impl Iterator<Item = &str> {
    s.split([',', '\n', ';', '，', '；']).map(str::trim).filter(|p| !p.is_empty())
}

fn optional(s: &str, max: u32) -> Result<Option<String>, Invalid> {
    let t = s.trim();
    if t.chars().count() as u32 > max {
        Err(Invalid::TooLong { max })
    } else {
        Ok((!t.is_empty()).then(|| t.to_string()))
    }
}

/// A phone number: digits with the usual punctuation, at least five digits, no letters.
pub fn parse_phone(raw: &str) -> Result<String, Invalid> {
    let t = raw.trim();
    let allowed = |c: char| c.is_ascii_digit() || " +-().".contains(c);
    let digits = t.chars().filter(char::is_ascii_digit).count();
    if !t.chars().all(allowed) || !(5..=20).contains(&digits) {
        return Err(Invalid::Phone);
    }
    Ok(t.to_string())
}

impl ContactInput {
    /// Parses every field, collecting a refusal per field (all at once, not the first only).
    pub fn parse(&self, today: NaiveDate) -> Result<ContactDraft, AppError> {
        let mut errors = BTreeMap::new();
        let mut check = |field: &str, r: Result<(), Invalid>| {
            if let Err(why) = r {
                errors.entry(field.to_string()).or_insert(why);
            }
        };
        let name = self.full_name.trim();
        check("full_name", if name.is_empty() { Err(Invalid::Required) } else { Ok(()) });
        check("full_name", if name.chars().count() > 200 { Err(Invalid::TooLong { max: 200 }) } else { Ok(()) });
        let title = optional(&self.title, 200);
        check("title", title.as_ref().map(|_| ()).map_err(|e| *e));
        let mut emails = Vec::new();
        for e in split_list(&self.emails) {
            match Email::parse(e) {
                Ok(e) => emails.push(e.as_str().to_string()),
                Err(why) => check("emails", Err(why)),
            }
        }
        let mut phones = Vec::new();
        for p in split_list(&self.phones) {
            match parse_phone(p) {
                Ok(p) => phones.push(p),
                Err(why) => check("phones", Err(why)),
            }
        }
        let mut tags: Vec<String> = Vec::new();
        for t in split_list(&self.tags) {
            if t.chars().count() > 40 {
                check("tags", Err(Invalid::TooLong { max: 40 }));
            } else if !tags.iter().any(|x| x == t) {
                tags.push(t.to_string());
            }
        }
        let source = optional(&self.source, 100);
        check("source", source.as_ref().map(|_| ()).map_err(|e| *e));
        let birthday = match self.birthday.trim() {
            "" => None,
            b => match NaiveDate::parse_from_str(b, "%Y-%m-%d") {
                Ok(d) if d <= today && d.year_ce().1 >= 1900 => Some(d),
                _ => {
                    check("birthday", Err(Invalid::Date));
                    None
                }
            },
        };
        let address = optional(&self.address, 500);
        check("address", address.as_ref().map(|_| ()).map_err(|e| *e));
        let notes = optional(&self.notes, 10_000);
        check("notes", notes.as_ref().map(|_| ()).map_err(|e| *e));
        if !errors.is_empty() {
            return Err(AppError::Validation { fields: errors });
        }
        Ok(ContactDraft {
            full_name: name.to_string(),
            title: title.unwrap_or_default(),
            emails,
            phones,
            tags,
            source: source.unwrap_or_default(),
            birthday,
            address: address.unwrap_or_default(),
            notes: notes.unwrap_or_default(),
        })
    }
}

impl From<&Contact> for ContactInput {
    fn from(c: &Contact) -> Self {
        ContactInput {
            full_name: c.full_name.clone(),
            title: c.title.clone().unwrap_or_default(),
            emails: c.emails.join(", "),
            phones: c.phones.join(", "),
            tags: c.tags.join(", "),
            source: c.source.clone().unwrap_or_default(),
            birthday: c.birthday.map(|d| d.to_string()).unwrap_or_default(),
            address: c.address.clone().unwrap_or_default(),
            notes: c.notes.clone().unwrap_or_default(),
        }
    }
}

use chrono::Datelike as _;

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()
    }

    fn input(name: &str) -> ContactInput {
        ContactInput { full_name: name.into(), ..Default::default() }
    }

    #[test]
    fn a_contact_without_a_name_is_refused_on_that_field() {
        let e = input("  ").parse(today()).unwrap_err();
        assert_eq!(e.field("full_name"), Some(Invalid::Required));
    }

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let c = ContactInput {
            full_name: "王伟".into(),
            emails: "wang@example.cn, not-an-email".into(),
            phones: "call me maybe".into(),
            birthday: "2030-01-01".into(),
            ..Default::default()
        };
        let e = c.parse(today()).unwrap_err();
        assert_eq!(e.field("emails"), Some(Invalid::Email));
        assert_eq!(e.field("phones"), Some(Invalid::Phone));
        assert_eq!(e.field("birthday"), Some(Invalid::Date));
        assert_eq!(e.field("full_name"), None);
    }

    #[test]
    fn lists_split_on_commas_and_new_lines_and_tags_are_deduplicated() {
        let c = ContactInput {
            full_name: "Sarah Miller".into(),
            emails: "Sarah@Example.com\nsarah.m@example.org".into(),
            phones: "+1 (415) 555-0100， 021 5555 0101".into(),
            tags: "vip, vip, 重点客户".into(),
            ..Default::default()
        };
        let d = c.parse(today()).unwrap();
        assert_eq!(d.emails, ["sarah@example.com", "sarah.m@example.org"]);
        assert_eq!(d.phones.len(), 2);
        assert_eq!(d.tags, ["vip", "重点客户"]);
    }

    #[test]
    fn a_phone_of_letters_or_too_few_digits_is_refused() {
        assert_eq!(parse_phone("abc"), Err(Invalid::Phone));
        assert_eq!(parse_phone("12"), Err(Invalid::Phone));
        assert!(parse_phone("+86 138 0013 8000").is_ok());
    }
}
