//! Which product wrote a file (its "shape"), what each header means for the kind of record being
//! imported, and a first mapping of the columns from that.
use serde::{Deserialize, Serialize};

use super::kind::ImportKind;

/// The product whose export a file looks like; external ids are kept per shape.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Shape {
    /// A spreadsheet of one's own (or a product not recognised).
    #[default]
    Spreadsheet,
    HubSpot,
    Salesforce,
    Pipedrive,
    Twenty,
    Zoho,
    Wukong,
}

impl Shape {
    pub const ALL: [Shape; 7] = [
        Shape::Spreadsheet,
        Shape::HubSpot,
        Shape::Salesforce,
        Shape::Pipedrive,
        Shape::Twenty,
        Shape::Zoho,
        Shape::Wukong,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Shape::Spreadsheet => "spreadsheet",
            Shape::HubSpot => "hubspot",
            Shape::Salesforce => "salesforce",
            Shape::Pipedrive => "pipedrive",
            Shape::Twenty => "twenty",
            Shape::Zoho => "zoho",
            Shape::Wukong => "wukong",
        }
    }

    pub fn parse(s: &str) -> Option<Shape> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The product's name as it writes it (the same in every language).
    pub fn product(self) -> &'static str {
        match self {
            Shape::Spreadsheet => "",
            Shape::HubSpot => "HubSpot",
            Shape::Salesforce => "Salesforce",
            Shape::Pipedrive => "Pipedrive",
            Shape::Twenty => "Twenty",
            Shape::Zoho => "Zoho CRM",
            Shape::Wukong => "WukongCRM",
        }
    }
}

/// A header without case, spaces, dashes, underscores or dots (and a byte-order mark).
pub fn squash(header: &str) -> String {
    header
        .trim()
        .trim_start_matches('\u{feff}')
        .chars()
        .filter(|c| !c.is_whitespace() && !"-_.".contains(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

/// The record a prefixed header ("Person - Email - Work", Pipedrive) is about, as a qualifier.
fn entity(segment: &str) -> Option<&'static str> {
    Some(match segment {
        "person" | "contact" | "people" => "person",
        "organization" | "organisation" | "org" | "account" | "company" => "org",
        "deal" | "opportunity" => "deal",
        "lead" => "lead",
        "note" | "activity" => "note",
        _ => return None,
    })
}

/// The qualifier a kind of record has for itself: its own headers are read unqualified.
fn own(kind: ImportKind) -> &'static str {
    match kind {
        ImportKind::Contacts => "person",
        ImportKind::Companies => "org",
        ImportKind::Leads => "lead",
        ImportKind::Deals => "deal",
        ImportKind::Notes => "note",
    }
}

/// What a Pipedrive header adds after a field: which email or phone it is.
const QUALIFIERS: &[&str] = &["work", "home", "mobile", "other", "primary", "value"];

/// The keys a header may be known by when importing `kind`, most specific first: the whole header
/// squashed; for "Entity - Field - Qualifier" (Pipedrive) the field, qualified by the entity when
/// it is another record's (`org:name`); for "Field / Part" (Twenty) the part.
pub fn header_keys(kind: ImportKind, header: &str) -> Vec<String> {
    let whole = squash(header);
    let segments: Vec<String> = header
        .split(" - ")
        .flat_map(|s| s.split(" / "))
        .map(squash)
        .filter(|s| !s.is_empty())
        .collect();
    let mut keys = vec![whole];
    if segments.len() > 1 {
        match entity(&segments[0]) {
            Some(of) => {
                let mut rest = &segments[1..];
                if rest.len() > 1 && QUALIFIERS.contains(&rest[rest.len() - 1].as_str()) {
                    rest = &rest[..rest.len() - 1];
                }
                let field = rest.concat();
                keys.insert(
                    0,
                    if of == own(kind) {
                        field
                    } else {
                        format!("{of}:{field}")
                    },
                );
            }
            None => keys.push(segments[segments.len() - 1].clone()),
        }
    }
    keys
}

/// Fields that several columns may fill ("Mobile" and "Phone"; street and city).
pub fn takes_several(field: &str) -> bool {
    matches!(field, "phones" | "emails" | "tags" | "address")
}

/// A first mapping: each column to the field its header suggests, each field at most once
/// (except lists such as phones); "" leaves a column out.
pub fn guess_mapping(kind: ImportKind, headers: &[String]) -> Vec<String> {
    let mut used: Vec<&str> = Vec::new();
    headers
        .iter()
        .map(|h| {
            let found = header_keys(kind, h).iter().find_map(|key| {
                kind.fields()
                    .iter()
                    .find(|(field, names)| {
                        names.contains(&key.as_str())
                            && (takes_several(field) || !used.contains(field))
                    })
                    .map(|(field, _)| *field)
            });
            if let Some(f) = found {
                used.push(f);
            }
            found.unwrap_or("").to_string()
        })
        .collect()
}

/// The product whose export the headers look like, from the headers only it writes.
pub fn detect(headers: &[String]) -> Shape {
    let keys: Vec<String> = headers.iter().map(|h| squash(h)).collect();
    let any = |names: &[&str]| keys.iter().any(|k| names.contains(&k.as_str()));
    let prefixed = headers.iter().any(|h| {
        h.trim_start_matches('\u{feff}')
            .split_once(" - ")
            .is_some_and(|(e, _)| entity(&squash(e)).is_some())
    });
    if prefixed {
        Shape::Pipedrive
    } else if headers.iter().any(|h| h.contains(" / ")) {
        Shape::Twenty
    } else if any(&[
        "createdtime",
        "modifiedtime",
        "accountnameid",
        "contactnameid",
    ]) {
        Shape::Zoho
    } else if any(&[
        "recordid",
        "createdate",
        "lifecyclestage",
        "associatedcompanyids",
        "associatedcontactids",
        "dealstage",
        "lastactivitydate",
    ]) {
        Shape::HubSpot
    } else if any(&[
        "accountid",
        "contactid",
        "opportunityid",
        "leadid",
        "accountname",
        "opportunityname",
        "mailingcity",
        "mailingstreet",
        "billingcity",
        "createddate",
    ]) {
        Shape::Salesforce
    } else if any(&[
        "负责人",
        "下次联系时间",
        "客户名称",
        "创建人",
        "客户级别",
        "成交状态",
    ]) {
        Shape::Wukong
    } else {
        Shape::Spreadsheet
    }
}

/// A person's name from its parts, as the language writes it: "Ada Lovelace"; 王 + 伟 → 王伟, the
/// family name first and no space, when either part is written in Chinese, Japanese or Korean.
pub fn join_name(first: &str, last: &str) -> String {
    let (first, last) = (first.trim(), last.trim());
    if first.is_empty() || last.is_empty() {
        return format!("{first}{last}");
    }
    let cjk = |s: &str| {
        s.chars().any(|c| {
            matches!(c as u32, 0x3040..=0x30ff | 0x3400..=0x4dbf | 0x4e00..=0x9fff | 0xac00..=0xd7af)
        })
    };
    if cjk(first) || cjk(last) {
        format!("{last}{first}")
    } else {
        format!("{first} {last}")
    }
}

#[cfg(test)]
mod tests;
