//! What the merge page shows and sends, on both sides.
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::imports::model::ImportKind;
use crate::records::fields::split_list;
use crate::records::model::ListKind;

/// What can be merged.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MergeKind {
    Contacts,
    Companies,
}

impl MergeKind {
    pub fn list(self) -> ListKind {
        match self {
            MergeKind::Contacts => ListKind::Contacts,
            MergeKind::Companies => ListKind::Companies,
        }
    }

    /// The form both records fill.
    pub fn form(self) -> ImportKind {
        match self {
            MergeKind::Contacts => ImportKind::Contacts,
            MergeKind::Companies => ImportKind::Companies,
        }
    }

    pub fn of(kind: ListKind) -> Option<MergeKind> {
        match kind {
            ListKind::Contacts => Some(MergeKind::Contacts),
            ListKind::Companies => Some(MergeKind::Companies),
            ListKind::Leads => None,
        }
    }

    /// The form's fields, in the form's order.
    pub fn fields(self) -> &'static [&'static str] {
        match self {
            MergeKind::Contacts => &[
                "full_name",
                "title",
                "company",
                "emails",
                "phones",
                "tags",
                "source",
                "birthday",
                "address",
                "notes",
            ],
            MergeKind::Companies => &[
                "name", "industry", "size", "website", "phone", "address", "tags", "source",
                "notes",
            ],
        }
    }

    /// Fields that hold a list, where both records' values can be kept.
    pub fn is_list(self, field: &str) -> bool {
        matches!(
            (self, field),
            (MergeKind::Contacts, "emails" | "phones") | (_, "tags")
        )
    }
}

/// How many records hang on one side; all of them move to the record kept.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Related {
    pub timeline: i64,
    pub tasks: i64,
    pub deals: i64,
    /// A company's contacts (none for a contact).
    pub contacts: i64,
}

/// One of the two records: its form's values as typed, and what hangs on it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Side {
    pub id: Uuid,
    pub name: String,
    pub version: i32,
    pub fields: BTreeMap<String, String>,
    pub related: Related,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MergePreview {
    pub kind: MergeKind,
    pub a: Side,
    pub b: Side,
}

/// Which value a field of the merged record takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pick {
    A,
    B,
    Both,
}

impl MergePreview {
    /// The first choice offered: both lists; else A's value unless it is empty.
    pub fn default_pick(&self, field: &str) -> Pick {
        let empty = |s: &Side| s.fields.get(field).is_none_or(|v| v.trim().is_empty());
        if self.kind.is_list(field) {
            Pick::Both
        } else if empty(&self.a) && !empty(&self.b) {
            Pick::B
        } else {
            Pick::A
        }
    }

    /// The merged form: each field as picked.
    pub fn merged(&self, pick: impl Fn(&str) -> Pick) -> BTreeMap<String, String> {
        let value = |s: &Side, f: &str| s.fields.get(f).cloned().unwrap_or_default();
        self.kind
            .fields()
            .iter()
            .map(|f| {
                let v = match pick(f) {
                    Pick::A => value(&self.a, f),
                    Pick::B => value(&self.b, f),
                    Pick::Both => both(&value(&self.a, f), &value(&self.b, f)),
                };
                (f.to_string(), v)
            })
            .collect()
    }
}

/// The items of two lists, A's first, each once: emails and tags compare without case, phones by
/// their digits.
pub fn both(a: &str, b: &str) -> String {
    let key = |s: &str| {
        if s.chars().any(char::is_alphabetic) {
            s.to_lowercase()
        } else {
            s.chars().filter(char::is_ascii_digit).collect()
        }
    };
    let mut seen = Vec::new();
    let mut out = Vec::new();
    for item in split_list(a).chain(split_list(b)) {
        let k = key(item);
        if !seen.contains(&k) {
            seen.push(k);
            out.push(item);
        }
    }
    out.join(", ")
}

/// The merge page's address for two records.
pub fn merge_href(kind: MergeKind, a: Uuid, b: Uuid) -> String {
    format!("/merge?kind={}&a={a}&b={b}", kind.list().as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn side(fields: &[(&str, &str)]) -> Side {
        Side {
            id: Uuid::nil(),
            name: String::new(),
            version: 1,
            fields: fields
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            related: Related::default(),
        }
    }

    #[test]
    fn both_keeps_each_email_phone_and_tag_once() {
        assert_eq!(
            both(
                "Li@x.cn, +86 138 0000 0000",
                "li@X.cn\n8613800000000, wang@y.cn"
            ),
            "Li@x.cn, +86 138 0000 0000, wang@y.cn"
        );
        assert_eq!(both("", "vip"), "vip");
    }

    #[test]
    fn defaults_take_a_unless_empty_and_both_lists() {
        let p = MergePreview {
            kind: MergeKind::Contacts,
            a: side(&[("full_name", "Li Na"), ("title", ""), ("emails", "a@x.cn")]),
            b: side(&[
                ("full_name", "李娜"),
                ("title", "CTO"),
                ("emails", "b@x.cn"),
            ]),
        };
        assert_eq!(p.default_pick("full_name"), Pick::A);
        assert_eq!(p.default_pick("title"), Pick::B);
        assert_eq!(p.default_pick("emails"), Pick::Both);
        let m = p.merged(|f| p.default_pick(f));
        assert_eq!(m["full_name"], "Li Na");
        assert_eq!(m["title"], "CTO");
        assert_eq!(m["emails"], "a@x.cn, b@x.cn");
        assert_eq!(m["notes"], "");
        assert_eq!(m.len(), MergeKind::Contacts.fields().len());
    }
}
