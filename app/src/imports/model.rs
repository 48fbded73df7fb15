//! Imports, shared by both sides: what a file can be imported as, a row read under a mapping (names
//! joined, values mapped), a preview, the choices for duplicates and bad rows, the outcome. What
//! the columns are called is in `headers`, which product wrote a file in `shapes`.
use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::activities::model::{Interaction, InteractionInput};
use crate::companies::model::{CompanyDraft, CompanyInput};
use crate::contacts::model::{ContactDraft, ContactInput};
use crate::deals::model::{DealDraft, DealInput};
use crate::error::{AppError, Invalid};
use crate::leads::model::{LeadDraft, LeadInput};

pub use super::kind::ImportKind;
use super::shapes::join_name;
pub use super::shapes::{Shape, guess_mapping};

/// Rows a preview shows.
pub const SAMPLE_ROWS: usize = 10;

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
    // A headcount ("250", as exports write it) is a company's size band.
    if let Some(size) = input.get_mut("size") {
        let digits: String = size.chars().filter(|c| !matches!(c, ',' | ' ')).collect();
        if let Ok(n) = digits.parse::<u64>() {
            let band = match n {
                0..=10 => "1-10",
                11..=50 => "11-50",
                51..=200 => "51-200",
                201..=1000 => "201-1000",
                _ => "1000+",
            };
            *size = band.to_string();
        }
    }
    if kind.has_name_parts() && input["full_name"].is_empty() {
        let name = join_name(&input["first_name"], &input["last_name"]);
        input.insert("full_name".into(), name);
    }
    input
}

/// A value of the file's valued field and what it becomes in Keel ("" leaves it out).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValueChoice {
    pub from: String,
    pub to: String,
}

/// What an import is told besides its mapping.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportOptions {
    /// The values of the valued field, mapped; a value not listed is kept as it is.
    #[serde(default)]
    pub values: Vec<ValueChoice>,
    /// The pipeline deals go into (its stages are what `values` map onto); the first if none.
    #[serde(default)]
    pub pipeline: Option<Uuid>,
}

/// Maps the row's value of the kind's valued field as chosen: a contact's lifecycle stage joins
/// its tags (as chosen, or as written if not listed), a lead's status and a deal's stage are
/// replaced by what they map to (or their guess).
pub fn apply_values(
    kind: ImportKind,
    input: &mut BTreeMap<String, String>,
    values: &[ValueChoice],
) {
    let Some(field) = kind.valued_field() else {
        return;
    };
    let Some(raw) = input.get(field).map(|v| v.trim().to_string()) else {
        return;
    };
    if raw.is_empty() {
        return;
    }
    // A value not listed: a lead status as guessed (else as written, and refused if it is not
    // Keel's); a deal's stage is guessed when its pipeline's stages are known (`write`).
    let unlisted = || match field {
        "status" => super::values::guess_status(&raw)
            .unwrap_or(&raw)
            .to_string(),
        _ => raw.clone(),
    };
    let mapped = values
        .iter()
        .find(|c| c.from.trim() == raw)
        .map_or_else(unlisted, |c| c.to.clone());
    if field == "lifecycle" {
        input.insert(field.into(), String::new());
        let tags = input.entry("tags".into()).or_default();
        if !mapped.is_empty() {
            if !tags.is_empty() {
                tags.push_str(", ");
            }
            tags.push_str(&mapped);
        }
    } else {
        input.insert(field.into(), mapped);
    }
}

/// A row after parsing: every value valid.
#[derive(Clone, Debug, PartialEq)]
pub enum Parsed {
    Contact(ContactDraft),
    Company(CompanyDraft),
    Lead(LeadDraft),
    /// A deal, and the name of its company (found or created).
    Deal(DealDraft, Option<String>),
    Note(Interaction),
}

/// Parses a form given by field (as `row_input` makes it) the way the record's own form is.
pub fn parse_form(
    kind: ImportKind,
    fields: &BTreeMap<String, String>,
    today: NaiveDate,
) -> Result<Parsed, AppError> {
    // Read straight from the map (no JSON in between: this runs once per row of a file).
    fn read<T: serde::de::DeserializeOwned>(f: &BTreeMap<String, String>) -> Result<T, AppError> {
        use serde::de::value::{Error, MapDeserializer};
        T::deserialize(MapDeserializer::<_, Error>::new(
            f.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        ))
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
        ImportKind::Notes => {
            let get = |k: &str| fields.get(k).cloned().unwrap_or_default();
            let input = InteractionInput {
                kind: "note".into(),
                subject: get("subject"),
                body: get("body"),
                ..Default::default()
            };
            Parsed::Note(input.parse(today)?)
        }
    })
}

/// Longest id of another system's record kept.
pub const EXTERNAL_ID_MAX: u32 = 200;

/// What a row carries besides its record's form.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Extras {
    /// The record's id in the system it comes from.
    pub external_id: Option<String>,
    /// Who owns it (a note: who wrote it), by name or email.
    pub owner: Option<String>,
    /// When it was created (a note: when it was written).
    pub created_at: Option<DateTime<Utc>>,
    /// The old system's ids of the records it belongs to.
    pub company_external_id: Option<String>,
    pub contact_external_id: Option<String>,
    pub deal_external_id: Option<String>,
    /// A deal's stage: a stage's id (as mapped) or its name.
    pub stage: Option<String>,
    /// The day to get in touch next: a task on the new record, for its owner.
    pub follow_up: Option<NaiveDate>,
}

/// A row read: its record and its extras.
#[derive(Clone, Debug, PartialEq)]
pub struct ParsedRow {
    pub record: Parsed,
    pub extras: Extras,
}

/// Parses a row's form (`parse_form`) and its extras, every refusal at once. A creation date may
/// not be after `today` (a day's grace for clocks ahead); an id list ("123;456", as HubSpot
/// writes associations) gives its first id.
pub fn parse_row(
    kind: ImportKind,
    fields: &BTreeMap<String, String>,
    today: NaiveDate,
) -> Result<ParsedRow, AppError> {
    let mut errors = BTreeMap::new();
    let get = |k: &str| fields.get(k).map(|v| v.trim()).filter(|v| !v.is_empty());
    let mut text = |k: &str, max: u32, first_of_list: bool| {
        let v = get(k)?;
        let v = if first_of_list {
            v.split([';', ',']).map(str::trim).find(|s| !s.is_empty())?
        } else {
            v
        };
        if v.chars().count() > max as usize {
            errors.insert(k.to_string(), Invalid::TooLong { max });
            return None;
        }
        Some(v.to_string())
    };
    let mut extras = Extras {
        external_id: text("external_id", EXTERNAL_ID_MAX, false),
        owner: text(
            if kind == ImportKind::Notes {
                "author"
            } else {
                "owner"
            },
            300,
            false,
        ),
        company_external_id: text("company_external_id", EXTERNAL_ID_MAX, true),
        contact_external_id: text("contact_external_id", EXTERNAL_ID_MAX, true),
        deal_external_id: text("deal_external_id", EXTERNAL_ID_MAX, true),
        stage: text("stage", 200, false),
        created_at: None,
        follow_up: None,
    };
    if let Some(raw) = get("follow_up") {
        match crate::dates::parse_moment(raw) {
            Some(t) => extras.follow_up = Some(t.date_naive()),
            None => {
                errors.insert("follow_up".to_string(), Invalid::Date);
            }
        }
    }
    let at = if kind == ImportKind::Notes {
        "occurred_at"
    } else {
        "created_at"
    };
    if let Some(raw) = get(at) {
        match crate::dates::parse_moment(raw) {
            Some(t) if t.date_naive() <= today + chrono::Days::new(1) => {
                extras.created_at = Some(t)
            }
            _ => {
                errors.insert(at.to_string(), Invalid::Date);
            }
        }
    }
    match parse_form(kind, fields, today) {
        Ok(record) if errors.is_empty() => Ok(ParsedRow { record, extras }),
        Ok(_) => Err(AppError::Validation { fields: errors }),
        Err(AppError::Validation { fields }) => {
            errors.extend(fields);
            Err(AppError::Validation { fields: errors })
        }
        Err(e) => Err(e),
    }
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
    /// The product whose export it looks like.
    #[serde(default)]
    pub shape: Shape,
    /// Each column's distinct values, in the order met, `None` past `DISTINCT_MAX`: what the
    /// valued field's values are mapped from.
    #[serde(default)]
    pub distinct: Vec<Option<Vec<String>>>,
    /// A workbook's sheets (none for CSV), and the one read.
    #[serde(default)]
    pub sheets: Vec<String>,
    #[serde(default)]
    pub sheet: String,
    /// Deals: the pipelines they may go into, with their stages (what stage values map onto).
    #[serde(default)]
    pub pipelines: Vec<super::values::ImportPipeline>,
}

/// Distinct values of a column a preview lists for mapping.
pub const DISTINCT_MAX: usize = 50;

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
    /// Owners named in the file who matched no colleague the importer may give records to (at
    /// most the first 100): their rows went to the importer.
    #[serde(default)]
    pub unknown_owners: Vec<String>,
    /// Rows naming a related record by the old system's id that was not found (imported without
    /// the link; a note without any record it could go on is refused).
    #[serde(default)]
    pub unlinked: i64,
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
