//! Company types shared by both sides, and the parsing of the company form.
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::{AppError, Invalid};
use crate::records::fields::Fields;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::Type), sqlx(transparent))]
pub struct CompanyId(pub Uuid);

/// Head-count bands, as stored.
pub const SIZES: [&str; 5] = ["1-10", "11-50", "51-200", "201-1000", "1000+"];

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct Company {
    pub id: CompanyId,
    pub name: String,
    pub industry: Option<String>,
    pub size: Option<String>,
    pub website: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub tags: Vec<String>,
    pub source: Option<String>,
    pub notes: Option<String>,
    pub owner_name: Option<String>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// One row of the companies list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct CompanyRow {
    pub id: CompanyId,
    pub name: String,
    pub industry: Option<String>,
    pub size: Option<String>,
    pub website: Option<String>,
    pub phone: Option<String>,
    pub owner_name: Option<String>,
    pub tags: Vec<String>,
    pub source: Option<String>,
    pub contact_count: i64,
    pub created_at: DateTime<Utc>,
}

/// The company form as typed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CompanyInput {
    pub name: String,
    #[serde(default)]
    pub industry: String,
    #[serde(default)]
    pub size: String,
    #[serde(default)]
    pub website: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub tags: String,
    #[serde(default)]
    pub source: String,
    #[serde(default)]
    pub notes: String,
}

/// A company's fields after parsing: every value is valid.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct CompanyDraft {
    pub name: String,
    pub industry: Option<String>,
    pub size: Option<String>,
    pub website: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub tags: Vec<String>,
    pub source: Option<String>,
    pub notes: Option<String>,
}

/// A web address: a host with a dot and no spaces, with or without its scheme.
fn parse_website(f: &mut Fields, raw: &str) -> Option<String> {
    let site = f.optional("website", raw, 300)?;
    let host = site
        .trim_start_matches("https://")
        .trim_start_matches("http://");
    let host = host.split('/').next().unwrap_or_default();
    if host.contains('.')
        && !host.starts_with('.')
        && !host.ends_with('.')
        && !site.contains(char::is_whitespace)
    {
        Some(site)
    } else {
        f.fail("website", Invalid::Url);
        None
    }
}

impl CompanyInput {
    pub fn parse(&self) -> Result<CompanyDraft, AppError> {
        let mut f = Fields::default();
        let phone = f.phones("phone", &self.phone).into_iter().next();
        let draft = CompanyDraft {
            name: f.required("name", &self.name, 300),
            industry: f.optional("industry", &self.industry, 100),
            size: f.choice("size", &self.size, |s| {
                SIZES.contains(&s).then(|| s.to_string())
            }),
            website: parse_website(&mut f, &self.website),
            phone,
            address: f.optional("address", &self.address, 500),
            tags: f.tags("tags", &self.tags),
            source: f.optional("source", &self.source, 100),
            notes: f.optional("notes", &self.notes, 10_000),
        };
        f.finish(draft)
    }
}

impl From<&Company> for CompanyInput {
    fn from(c: &Company) -> Self {
        let s = |v: &Option<String>| v.clone().unwrap_or_default();
        CompanyInput {
            name: c.name.clone(),
            industry: s(&c.industry),
            size: s(&c.size),
            website: s(&c.website),
            phone: s(&c.phone),
            address: s(&c.address),
            tags: c.tags.join(", "),
            source: s(&c.source),
            notes: s(&c.notes),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_company_needs_a_name_and_a_real_website_size_and_phone() {
        let bad = CompanyInput {
            name: " ".into(),
            website: "not a site".into(),
            size: "huge".into(),
            phone: "call us".into(),
            ..Default::default()
        };
        let e = bad.parse().unwrap_err();
        assert_eq!(e.field("name"), Some(Invalid::Required));
        assert_eq!(e.field("website"), Some(Invalid::Url));
        assert_eq!(e.field("size"), Some(Invalid::Choice));
        assert_eq!(e.field("phone"), Some(Invalid::Phone));
        let good = CompanyInput {
            name: "华信科技".into(),
            website: "https://huaxin.cn/about".into(),
            size: "51-200".into(),
            ..Default::default()
        };
        assert_eq!(
            good.parse().unwrap().website.as_deref(),
            Some("https://huaxin.cn/about")
        );
    }
}
