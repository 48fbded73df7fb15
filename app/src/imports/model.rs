//! CSV imports, shared by both sides: what a file can be imported as, the fields its columns map
//! onto (with guesses from English and Chinese headers), a preview, the choices for duplicates and
//! bad rows, the outcome.
use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::companies::model::{CompanyDraft, CompanyInput};
use crate::contacts::model::{ContactDraft, ContactInput};
use crate::deals::model::{DealDraft, DealInput};
use crate::error::{AppError, Invalid};
use crate::leads::model::{LeadDraft, LeadInput};

/// Rows a preview shows.
pub const SAMPLE_ROWS: usize = 10;

/// A field a column can fill, and the headers that suggest it (compared without case, spaces,
/// dashes or underscores).
pub type ImportField = (&'static str, &'static [&'static str]);

const PERSON: &[&str] = &[
    "name",
    "fullname",
    "contact",
    "contactname",
    "姓名",
    "名字",
    "联系人",
    "客户姓名",
];
const JOB: &[&str] = &[
    "title", "jobtitle", "position", "role", "职位", "职务", "头衔",
];
const COMPANY: &[&str] = &[
    "company",
    "companyname",
    "organisation",
    "organization",
    "account",
    "公司",
    "公司名称",
    "单位",
    "企业",
    "客户名称",
];
/// A company's own name: what names the company on a contact, and plain "Name".
const COMPANY_NAME: [&str; 12] = join(COMPANY, &["name", "名称"]);

/// `a` then `b`, for a list of header names that extends another (`N` is their total length).
const fn join<const N: usize>(a: &[&'static str], b: &[&'static str]) -> [&'static str; N] {
    assert!(a.len() + b.len() == N);
    let mut out = [""; N];
    let mut i = 0;
    while i < N {
        out[i] = if i < a.len() { a[i] } else { b[i - a.len()] };
        i += 1;
    }
    out
}
const EMAILS: &[&str] = &[
    "email",
    "emails",
    "emailaddress",
    "mail",
    "邮箱",
    "电子邮件",
    "邮件",
    "电子邮箱",
];
const PHONES: &[&str] = &[
    "phone",
    "phones",
    "mobile",
    "telephone",
    "tel",
    "cell",
    "phonenumber",
    "电话",
    "手机",
    "手机号",
    "手机号码",
    "联系电话",
];
const TAGS: &[&str] = &["tags", "tag", "labels", "标签"];
const SOURCE: &[&str] = &["source", "leadsource", "来源", "客户来源", "线索来源"];
const ADDRESS: &[&str] = &["address", "地址", "联系地址", "公司地址"];
const NOTES: &[&str] = &[
    "notes",
    "note",
    "comments",
    "comment",
    "description",
    "备注",
    "说明",
];

const CONTACT_FIELDS: &[ImportField] = &[
    ("full_name", PERSON),
    ("title", JOB),
    ("company", COMPANY),
    ("emails", EMAILS),
    ("phones", PHONES),
    ("tags", TAGS),
    ("source", SOURCE),
    (
        "birthday",
        &[
            "birthday",
            "birthdate",
            "dateofbirth",
            "dob",
            "生日",
            "出生日期",
        ],
    ),
    ("address", ADDRESS),
    ("notes", NOTES),
];
const COMPANY_FIELDS: &[ImportField] = &[
    ("name", &COMPANY_NAME),
    ("industry", &["industry", "sector", "行业", "所属行业"]),
    (
        "size",
        &[
            "size",
            "companysize",
            "employees",
            "headcount",
            "规模",
            "公司规模",
            "人数",
            "员工人数",
        ],
    ),
    (
        "website",
        &[
            "website", "web", "url", "site", "homepage", "网站", "网址", "官网",
        ],
    ),
    ("phone", PHONES),
    ("address", ADDRESS),
    ("tags", TAGS),
    ("source", SOURCE),
    ("notes", NOTES),
];
const LEAD_FIELDS: &[ImportField] = &[
    ("full_name", PERSON),
    ("title", JOB),
    ("company_name", COMPANY),
    ("emails", EMAILS),
    ("phones", PHONES),
    ("tags", TAGS),
    ("source", SOURCE),
    ("status", &["status", "leadstatus", "状态", "线索状态"]),
    ("notes", NOTES),
];
const DEAL_FIELDS: &[ImportField] = &[
    (
        "title",
        &[
            "title",
            "deal",
            "dealname",
            "dealtitle",
            "opportunity",
            "name",
            "商机",
            "商机名称",
            "标题",
            "名称",
        ],
    ),
    (
        "value",
        &[
            "value",
            "amount",
            "dealvalue",
            "金额",
            "商机金额",
            "预计金额",
        ],
    ),
    ("currency", &["currency", "币种", "货币"]),
    (
        "expected_close_date",
        &[
            "closedate",
            "expectedclosedate",
            "expectedclose",
            "预计成交日期",
            "成交日期",
        ],
    ),
    (
        "probability",
        &["probability", "winprobability", "赢率", "成交概率"],
    ),
    ("company", COMPANY),
];

/// What a file can be imported as.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportKind {
    #[default]
    Contacts,
    Companies,
    Leads,
    Deals,
}

impl ImportKind {
    pub const ALL: [ImportKind; 4] = [
        ImportKind::Contacts,
        ImportKind::Companies,
        ImportKind::Leads,
        ImportKind::Deals,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ImportKind::Contacts => "contacts",
            ImportKind::Companies => "companies",
            ImportKind::Leads => "leads",
            ImportKind::Deals => "deals",
        }
    }

    pub fn parse(s: &str) -> Option<ImportKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The list the import fills (deals: the pipeline).
    pub fn path(self) -> &'static str {
        match self {
            ImportKind::Contacts => "/contacts",
            ImportKind::Companies => "/companies",
            ImportKind::Leads => "/leads",
            ImportKind::Deals => "/pipeline",
        }
    }

    /// The fields a column can fill.
    pub fn fields(self) -> &'static [ImportField] {
        match self {
            ImportKind::Contacts => CONTACT_FIELDS,
            ImportKind::Companies => COMPANY_FIELDS,
            ImportKind::Leads => LEAD_FIELDS,
            ImportKind::Deals => DEAL_FIELDS,
        }
    }

    /// The field a row cannot do without (the first).
    pub fn required(self) -> &'static str {
        self.fields()[0].0
    }

    /// The fields the preview of the first rows shows.
    pub fn preview_fields(self) -> [&'static str; 4] {
        match self {
            ImportKind::Contacts => ["full_name", "emails", "phones", "company"],
            ImportKind::Companies => ["name", "website", "phone", "industry"],
            ImportKind::Leads => ["full_name", "emails", "phones", "company_name"],
            ImportKind::Deals => ["title", "value", "currency", "company"],
        }
    }
}

fn squash(header: &str) -> String {
    header
        .trim()
        .trim_start_matches('\u{feff}')
        .chars()
        .filter(|c| !c.is_whitespace() && !"-_.".contains(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Fields that several columns may fill ("Mobile" and "Phone").
fn takes_several(field: &str) -> bool {
    matches!(field, "phones" | "emails" | "tags")
}

/// A first mapping: each column to the field its header suggests, each field at most once
/// (except lists such as phones); "" leaves a column out.
pub fn guess_mapping(kind: ImportKind, headers: &[String]) -> Vec<String> {
    let mut used: Vec<&str> = Vec::new();
    headers
        .iter()
        .map(|h| {
            let h = squash(h);
            let found = kind
                .fields()
                .iter()
                .find(|(key, names)| {
                    names.contains(&h.as_str()) && (takes_several(key) || !used.contains(key))
                })
                .map(|(key, _)| *key);
            if let Some(k) = found {
                used.push(k);
            }
            found.unwrap_or("").to_string()
        })
        .collect()
}

/// The form a row fills under `mapping`, by field (columns mapped to the same field are joined).
pub fn row_input(kind: ImportKind, mapping: &[String], row: &[String]) -> BTreeMap<String, String> {
    let mut input: BTreeMap<String, String> = kind
        .fields()
        .iter()
        .map(|(k, _)| (k.to_string(), String::new()))
        .collect();
    for (key, value) in mapping.iter().zip(row) {
        let value = value.trim();
        let Some(slot) = input.get_mut(key).filter(|_| !value.is_empty()) else {
            continue;
        };
        if !slot.is_empty() {
            slot.push_str(", ");
        }
        slot.push_str(value);
    }
    input
}

/// A row after parsing: every value valid.
#[derive(Clone, Debug, PartialEq)]
pub enum Parsed {
    Contact(ContactDraft),
    Company(CompanyDraft),
    Lead(LeadDraft),
    /// A deal, and the name of its company (found or created).
    Deal(DealDraft, Option<String>),
}

/// Parses a form given by field (as `row_input` makes it) the way the record's own form is.
pub fn parse_form(
    kind: ImportKind,
    fields: &BTreeMap<String, String>,
    today: NaiveDate,
) -> Result<Parsed, AppError> {
    fn read<T: serde::de::DeserializeOwned>(f: &BTreeMap<String, String>) -> Result<T, AppError> {
        serde_json::to_value(f)
            .and_then(serde_json::from_value)
            .map_err(|_| AppError::BadRequest)
    }
    Ok(match kind {
        ImportKind::Contacts => Parsed::Contact(read::<ContactInput>(fields)?.parse(today)?),
        ImportKind::Companies => Parsed::Company(read::<CompanyInput>(fields)?.parse()?),
        ImportKind::Leads => Parsed::Lead(read::<LeadInput>(fields)?.parse()?),
        ImportKind::Deals => {
            let company = fields
                .get("company")
                .map(|c| c.trim())
                .filter(|c| !c.is_empty());
            if company.is_some_and(|c| c.chars().count() > 300) {
                return Err(AppError::invalid("company", Invalid::TooLong { max: 300 }));
            }
            Parsed::Deal(
                read::<DealInput>(fields)?.parse()?,
                company.map(str::to_string),
            )
        }
    })
}

/// What happens to a row whose email or phone matches a contact already there (or an earlier row).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OnDuplicate {
    #[default]
    Skip,
    Update,
    Create,
}

/// An uploaded file as its import page shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Preview {
    pub id: Uuid,
    pub kind: ImportKind,
    pub file_name: String,
    /// "UTF-8" or "GB18030" (which reads GBK).
    pub encoding: String,
    pub headers: Vec<String>,
    pub mapping: Vec<String>,
    pub sample: Vec<SampleRow>,
    /// Data rows (the header not counted).
    pub rows: i64,
    /// Set once the import has run.
    pub result: Option<ImportResult>,
    /// Started (running, stopped or done): the page follows its progress.
    pub started: bool,
    /// The file's content was removed (a day after the upload) before it was imported.
    pub expired: bool,
}

/// One of the first rows of a file, with the line of the file it starts on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SampleRow {
    pub line: u64,
    pub cells: Vec<String>,
}

/// A form's values by field name (each form field is text).
#[cfg(feature = "ssr")]
pub fn form_fields<T: Serialize>(input: &T) -> Result<BTreeMap<String, String>, AppError> {
    serde_json::to_value(input)
        .and_then(serde_json::from_value)
        .map_err(AppError::internal)
}

/// A row refused, by its line in the file (the header is line 1).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowError {
    pub line: u64,
    pub field: String,
    pub why: Invalid,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportResult {
    pub created: i64,
    pub updated: i64,
    /// Duplicates left alone.
    pub skipped: i64,
    /// Refused rows (at most the first 1,000 are listed in `errors`).
    pub failed: i64,
    pub errors: Vec<RowError>,
    /// False when nothing was written because "all or nothing" met a bad row.
    pub committed: bool,
}

/// How far a running import is.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Progress {
    pub done: i64,
    pub rows: i64,
    pub result: Option<ImportResult>,
    /// Why it stopped, if it failed. Rows are written a batch at a time: the first `done` rows of
    /// the file were imported and stay, the rest were not.
    pub error: Option<crate::error::AppError>,
    /// It stopped with its server (a restart or a crash) before it finished; as with `error`, the
    /// first `done` rows stay.
    #[serde(default)]
    pub interrupted: bool,
}

#[cfg(test)]
mod tests;
