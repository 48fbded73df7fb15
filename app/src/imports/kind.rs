//! What a file can be imported as, and the fields each kind's columns can fill.
use serde::{Deserialize, Serialize};

use super::headers::ImportField;

/// What a file can be imported as.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportKind {
    #[default]
    Contacts,
    Companies,
    Leads,
    Deals,
    /// Notes from another system, onto the timelines of the records they were about.
    Notes,
}

impl ImportKind {
    pub const ALL: [ImportKind; 5] = [
        ImportKind::Contacts,
        ImportKind::Companies,
        ImportKind::Leads,
        ImportKind::Deals,
        ImportKind::Notes,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ImportKind::Contacts => "contacts",
            ImportKind::Companies => "companies",
            ImportKind::Leads => "leads",
            ImportKind::Deals => "deals",
            ImportKind::Notes => "notes",
        }
    }

    pub fn parse(s: &str) -> Option<ImportKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The list the import fills (deals: the pipeline; notes: the contacts, on whose timelines
    /// they are).
    pub fn path(self) -> &'static str {
        match self {
            ImportKind::Contacts | ImportKind::Notes => "/contacts",
            ImportKind::Companies => "/companies",
            ImportKind::Leads => "/leads",
            ImportKind::Deals => "/pipeline",
        }
    }

    /// The fields a column can fill: the record's form first, then what only an import has
    /// (name parts, the old system's ids, the owner, the creation date).
    pub fn fields(self) -> &'static [ImportField] {
        use super::headers::*;
        match self {
            ImportKind::Contacts => CONTACT_FIELDS,
            ImportKind::Companies => COMPANY_FIELDS,
            ImportKind::Leads => LEAD_FIELDS,
            ImportKind::Deals => DEAL_FIELDS,
            ImportKind::Notes => NOTE_FIELDS,
        }
    }

    /// The field a row cannot do without (the first).
    pub fn required(self) -> &'static str {
        self.fields()[0].0
    }

    /// Whether a mapping fills the required field (a person's name may come in parts).
    pub fn mapping_complete(self, mapping: &[String]) -> bool {
        let parts: &[&str] = if self.has_name_parts() {
            &["first_name", "last_name"]
        } else {
            &[]
        };
        mapping
            .iter()
            .any(|m| m == self.required() || parts.contains(&m.as_str()))
    }

    /// Contacts and leads: a name may come as first and last.
    pub fn has_name_parts(self) -> bool {
        matches!(self, ImportKind::Contacts | ImportKind::Leads)
    }

    /// The field whose values in the file are mapped onto Keel's before the import runs: a
    /// contact's lifecycle stage becomes a tag, a lead's status one of Keel's, a deal's stage a
    /// stage of the chosen pipeline.
    pub fn valued_field(self) -> Option<&'static str> {
        match self {
            ImportKind::Contacts => Some("lifecycle"),
            ImportKind::Leads => Some("status"),
            ImportKind::Deals => Some("stage"),
            ImportKind::Companies | ImportKind::Notes => None,
        }
    }

    /// The fields the preview of the first rows shows.
    pub fn preview_fields(self) -> [&'static str; 4] {
        match self {
            ImportKind::Contacts => ["full_name", "emails", "phones", "company"],
            ImportKind::Companies => ["name", "website", "phone", "industry"],
            ImportKind::Leads => ["full_name", "emails", "phones", "company_name"],
            ImportKind::Deals => ["title", "value", "currency", "company"],
            ImportKind::Notes => ["body", "occurred_at", "author", "contact_external_id"],
        }
    }
}
