//! Company types shared by both sides, and the parsing of the company form.
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::{AppError, Invalid};
use crate::records::fields::Fields;

/// The longest text each field takes: checked when parsed, stated by the form (`maxlength`).
pub const NAME_MAX: u32 = 300;
pub const INDUSTRY_MAX: u32 = 100;
pub const WEBSITE_MAX: u32 = 300;
pub const ADDRESS_MAX: u32 = 500;
pub const SOURCE_MAX: u32 = 100;
pub const NOTES_MAX: u32 = 10_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::Type), sqlx(transparent))]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CompanyId(pub Uuid);

/// Head-count bands, as stored.
pub const SIZES: [&str; 5] = ["1-10", "11-50", "51-200", "201-1000", "1000+"];

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
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

/// A web address: http or https only (no `javascript:` or other schemes), a host with a dot and
/// at most a numeric port, no spaces or control characters. Without a scheme it is kept as typed.
fn parse_website(f: &mut Fields, raw: &str) -> Option<String> {
    let site = f.optional("website", raw, WEBSITE_MAX)?;
    if website_host(&site).is_some() {
        Some(site)
    } else {
        f.fail("website", Invalid::Url);
        None
    }
}

fn website_host(site: &str) -> Option<&str> {
    if site
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || c == '\\')
    {
        return None;
    }
    let rest = match site.split_once("://") {
        Some((scheme, rest))
            if scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https") =>
        {
            rest
        }
        Some(_) => return None,
        None => site,
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    // "javascript:alert(1)//x" has no "://": its "scheme" reads as a host with a port that is
    // not a number.
    let host = match authority.rsplit_once(':') {
        Some((host, port)) if !port.is_empty() && port.chars().all(|c| c.is_ascii_digit()) => host,
        Some(_) => return None,
        None => authority,
    };
    let label_ok = |l: &str| !l.is_empty() && l.chars().all(|c| c.is_alphanumeric() || c == '-');
    (host.contains('.') && host.split('.').all(label_ok)).then_some(host)
}

impl CompanyInput {
    pub fn parse(&self) -> Result<CompanyDraft, AppError> {
        let mut f = Fields::default();
        let phone = f.phones("phone", &self.phone).into_iter().next();
        let draft = CompanyDraft {
            name: f.required("name", &self.name, NAME_MAX),
            industry: f.optional("industry", &self.industry, INDUSTRY_MAX),
            size: f.choice("size", &self.size, |s| {
                SIZES.contains(&s).then(|| s.to_string())
            }),
            website: parse_website(&mut f, &self.website),
            phone,
            address: f.optional("address", &self.address, ADDRESS_MAX),
            tags: f.tags("tags", &self.tags),
            source: f.optional("source", &self.source, SOURCE_MAX),
            notes: f.optional("notes", &self.notes, NOTES_MAX),
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

    #[test]
    fn a_website_is_http_or_https_only() {
        for bad in [
            "javascript:alert(1)//x",
            "javascript:alert(1)//x.com",
            "JavaScript://x.com/%0aalert(1)",
            "data:text/html,x.com",
            "ftp://files.example.com",
            "http:evil.example.com",
            "https://exa mple.com",
            "https://example.com:80x",
            "https://.example.com",
            "https://example..com",
            "https://example.com\\@evil.com",
            "https://exa\u{0}mple.com",
        ] {
            assert_eq!(website_host(bad), None, "{bad:?}");
        }
        for good in [
            "https://huaxin.cn/about",
            "HTTP://Example.com:8080/x?y#z",
            "acme.com",
            "www.华信.中国",
        ] {
            assert!(website_host(good).is_some(), "{good:?}");
        }
    }
}
