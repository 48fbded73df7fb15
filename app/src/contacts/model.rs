//! Contact types shared by both sides, and the parsing of user input into them.
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::AppError;
use crate::records::fields::Fields;

/// The longest text each field takes: checked when parsed, stated by the form (`maxlength`).
pub const FULL_NAME_MAX: u32 = 200;
pub const TITLE_MAX: u32 = 200;
pub const COMPANY_MAX: u32 = 300;
pub const SOURCE_MAX: u32 = 100;
pub const ADDRESS_MAX: u32 = 500;
pub const NOTES_MAX: u32 = 10_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::Type), sqlx(transparent))]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ContactId(pub Uuid);

/// A contact as the detail page shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Contact {
    pub id: ContactId,
    pub full_name: String,
    pub title: Option<String>,
    pub emails: Vec<String>,
    pub phones: Vec<String>,
    pub company_id: Option<Uuid>,
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
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ContactRow {
    pub id: ContactId,
    pub full_name: String,
    pub title: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub company_id: Option<Uuid>,
    pub company_name: Option<String>,
    pub owner_name: Option<String>,
    pub tags: Vec<String>,
    pub source: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The contact form as typed: several emails or phones are separated by commas or new lines.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ContactInput {
    pub full_name: String,
    #[serde(default)]
    pub title: String,
    /// The company's name: an existing company of that name, or a new one.
    #[serde(default)]
    pub company: String,
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
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct ContactDraft {
    pub full_name: String,
    pub title: Option<String>,
    pub company: Option<String>,
    pub emails: Vec<String>,
    pub phones: Vec<String>,
    pub tags: Vec<String>,
    pub source: Option<String>,
    pub birthday: Option<NaiveDate>,
    pub address: Option<String>,
    pub notes: Option<String>,
}

impl ContactInput {
    /// Parses every field, collecting a refusal per field (all at once, not the first only).
    pub fn parse(&self, today: NaiveDate) -> Result<ContactDraft, AppError> {
        let mut f = Fields::default();
        let draft = ContactDraft {
            full_name: f.required("full_name", &self.full_name, FULL_NAME_MAX),
            title: f.optional("title", &self.title, TITLE_MAX),
            company: f.optional("company", &self.company, COMPANY_MAX),
            emails: f.emails("emails", &self.emails),
            phones: f.phones("phones", &self.phones),
            tags: f.tags("tags", &self.tags),
            source: f.optional("source", &self.source, SOURCE_MAX),
            birthday: f.date("birthday", &self.birthday, Some(today)),
            address: f.optional("address", &self.address, ADDRESS_MAX),
            notes: f.optional("notes", &self.notes, NOTES_MAX),
        };
        f.finish(draft)
    }
}

impl From<&Contact> for ContactInput {
    fn from(c: &Contact) -> Self {
        ContactInput {
            full_name: c.full_name.clone(),
            title: c.title.clone().unwrap_or_default(),
            company: c.company_name.clone().unwrap_or_default(),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Invalid;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()
    }

    fn input(name: &str) -> ContactInput {
        ContactInput {
            full_name: name.into(),
            ..Default::default()
        }
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
    fn a_birthday_typed_in_either_language_is_read_and_a_future_one_refused() {
        let born = |birthday: &str| ContactInput {
            birthday: birthday.into(),
            ..input("李娜")
        };
        for raw in [
            "Nov 20, 2026",
            "2026年11月20日",
            "2026-11-20",
            "20 November 2026",
        ] {
            let c = born(raw).parse(today()).unwrap();
            assert_eq!(c.birthday, NaiveDate::from_ymd_opt(2026, 11, 20), "{raw}");
        }
        for raw in [
            "Nov 29, 2026",
            "2026年11月29日",
            "Feb 30, 2000",
            "1899-12-31",
        ] {
            let e = born(raw).parse(today()).unwrap_err();
            assert_eq!(e.field("birthday"), Some(Invalid::Date), "{raw}");
        }
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
        assert_eq!(d.company, None);
        assert_eq!(d.tags, ["vip", "重点客户"]);
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn one_email_typed_composed_or_decomposed_is_kept_once_in_nfc() {
        let c = ContactInput {
            full_name: "José Pérez".into(),
            emails: "Jose\u{301}@example.com, jos\u{e9}@example.com".into(),
            ..Default::default()
        };
        assert_eq!(c.parse(today()).unwrap().emails, ["jos\u{e9}@example.com"]);
    }
}
