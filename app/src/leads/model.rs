//! Lead types shared by both sides, and the parsing of the lead and conversion forms.
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::contacts::model::ContactDraft;
use crate::error::{AppError, Invalid};
use crate::money::Money;
use crate::records::fields::Fields;

/// The longest text each field takes: checked when parsed, stated by the form (`maxlength`).
pub const FULL_NAME_MAX: u32 = 200;
pub const TITLE_MAX: u32 = 200;
pub const COMPANY_NAME_MAX: u32 = 300;
pub const SOURCE_MAX: u32 = 100;
pub const NOTES_MAX: u32 = 10_000;
pub const DEAL_TITLE_MAX: u32 = 300;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::Type), sqlx(transparent))]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct LeadId(pub Uuid);

/// A lead's progress, as stored.
pub const STATUSES: [&str; 4] = ["new", "working", "qualified", "disqualified"];

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Lead {
    pub id: LeadId,
    pub full_name: String,
    pub title: Option<String>,
    pub company_name: Option<String>,
    pub emails: Vec<String>,
    pub phones: Vec<String>,
    pub tags: Vec<String>,
    pub source: Option<String>,
    pub status: String,
    pub notes: Option<String>,
    pub owner_name: Option<String>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub converted_at: Option<DateTime<Utc>>,
    pub converted_contact_id: Option<Uuid>,
    pub converted_company_id: Option<Uuid>,
    pub converted_deal_id: Option<Uuid>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct LeadRow {
    pub id: LeadId,
    pub full_name: String,
    pub company_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub status: String,
    pub source: Option<String>,
    pub owner_name: Option<String>,
    pub tags: Vec<String>,
    pub converted: bool,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct LeadInput {
    pub full_name: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub company_name: String,
    #[serde(default)]
    pub emails: String,
    #[serde(default)]
    pub phones: String,
    #[serde(default)]
    pub tags: String,
    #[serde(default)]
    pub source: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub notes: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct LeadDraft {
    pub full_name: String,
    pub title: Option<String>,
    pub company_name: Option<String>,
    pub emails: Vec<String>,
    pub phones: Vec<String>,
    pub tags: Vec<String>,
    pub source: Option<String>,
    pub status: String,
    pub notes: Option<String>,
}

impl LeadInput {
    pub fn parse(&self) -> Result<LeadDraft, AppError> {
        let mut f = Fields::default();
        let draft = LeadDraft {
            full_name: f.required("full_name", &self.full_name, FULL_NAME_MAX),
            title: f.optional("title", &self.title, TITLE_MAX),
            company_name: f.optional("company_name", &self.company_name, COMPANY_NAME_MAX),
            emails: f.emails("emails", &self.emails),
            phones: f.phones("phones", &self.phones),
            tags: f.tags("tags", &self.tags),
            source: f.optional("source", &self.source, SOURCE_MAX),
            status: f
                .choice("status", &self.status, |s| {
                    STATUSES.contains(&s).then(|| s.to_string())
                })
                .unwrap_or_else(|| "new".into()),
            notes: f.optional("notes", &self.notes, NOTES_MAX),
        };
        f.finish(draft)
    }
}

impl From<&Lead> for LeadInput {
    fn from(l: &Lead) -> Self {
        let s = |v: &Option<String>| v.clone().unwrap_or_default();
        LeadInput {
            full_name: l.full_name.clone(),
            title: s(&l.title),
            company_name: s(&l.company_name),
            emails: l.emails.join(", "),
            phones: l.phones.join(", "),
            tags: l.tags.join(", "),
            source: s(&l.source),
            status: l.status.clone(),
            notes: s(&l.notes),
        }
    }
}

impl Lead {
    /// The contact a conversion makes of this lead.
    pub fn contact_draft(&self, company: Option<String>) -> ContactDraft {
        ContactDraft {
            full_name: self.full_name.clone(),
            title: self.title.clone(),
            company,
            emails: self.emails.clone(),
            phones: self.phones.clone(),
            tags: self.tags.clone(),
            source: self.source.clone(),
            birthday: None,
            address: None,
            notes: self.notes.clone(),
        }
    }
}

/// The conversion form as typed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ConvertInput {
    /// The company: an existing one of this name, or a new one; empty for none.
    #[serde(default)]
    pub company: String,
    /// "on" to create a deal as well.
    #[serde(default)]
    pub create_deal: String,
    #[serde(default)]
    pub deal_title: String,
    /// The deal's value in major units ("12,500.50").
    #[serde(default)]
    pub deal_value: String,
    #[serde(default)]
    pub currency: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Conversion {
    pub company: Option<String>,
    pub deal: Option<(String, Money)>,
}

impl ConvertInput {
    pub fn parse(&self) -> Result<Conversion, AppError> {
        let mut f = Fields::default();
        let company = f.optional("company", &self.company, COMPANY_NAME_MAX);
        let deal = if self.create_deal.is_empty() {
            None
        } else {
            let title = f.required("deal_title", &self.deal_title, DEAL_TITLE_MAX);
            // Only a currency the deal form offers: the deal must stay editable.
            let currency = match self.currency.trim() {
                "" => crate::money::DEFAULT_CURRENCY.to_string(),
                c => crate::money::parse_currency(c).unwrap_or_else(|| {
                    f.fail("currency", Invalid::Choice);
                    String::new()
                }),
            };
            let minor = match self.deal_value.trim() {
                "" => Some(0),
                v => {
                    let parsed = Money::parse_major(v);
                    if parsed.is_none() {
                        f.fail("deal_value", Invalid::Amount);
                    }
                    parsed
                }
            };
            minor.map(|minor| (title, Money { minor, currency }))
        };
        f.finish(Conversion { company, deal })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lead_status_must_be_one_of_the_four() {
        let e = LeadInput {
            full_name: "A".into(),
            status: "hot".into(),
            ..Default::default()
        }
        .parse()
        .unwrap_err();
        assert_eq!(e.field("status"), Some(Invalid::Choice));
        assert_eq!(
            LeadInput {
                full_name: "A".into(),
                ..Default::default()
            }
            .parse()
            .unwrap()
            .status,
            "new"
        );
    }

    #[test]
    fn a_conversion_with_a_deal_needs_its_title_and_a_real_amount() {
        let e = ConvertInput {
            create_deal: "on".into(),
            deal_value: "lots".into(),
            ..Default::default()
        }
        .parse()
        .unwrap_err();
        assert_eq!(e.field("deal_title"), Some(Invalid::Required));
        assert_eq!(e.field("deal_value"), Some(Invalid::Amount));
        let ok = ConvertInput {
            create_deal: "on".into(),
            deal_title: "Pilot".into(),
            deal_value: "12,500.50".into(),
            ..Default::default()
        }
        .parse()
        .unwrap();
        assert_eq!(
            ok.deal,
            Some((
                "Pilot".into(),
                Money {
                    minor: 1_250_050,
                    currency: "CNY".into()
                }
            ))
        );
        assert_eq!(
            ConvertInput::default().parse().unwrap(),
            Conversion {
                company: None,
                deal: None
            }
        );
    }

    #[test]
    fn a_conversion_refuses_a_currency_the_deal_form_does_not_offer() {
        let convert = |currency: &str| {
            ConvertInput {
                create_deal: "on".into(),
                deal_title: "Pilot".into(),
                currency: currency.into(),
                ..Default::default()
            }
            .parse()
        };
        assert_eq!(
            convert("XYZ").unwrap_err().field("currency"),
            Some(Invalid::Choice)
        );
        assert_eq!(convert("usd").unwrap().deal.unwrap().1.currency, "USD");
    }
}
