//! CSV imports, shared by both sides: the fields a file's columns map onto (with guesses from
//! English and Chinese headers), a preview, the choices for duplicates and bad rows, the outcome.
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::contacts::model::ContactInput;
use crate::error::Invalid;
use crate::i18n::*;
use crate::records::views::Label;

/// Rows a preview shows.
pub const SAMPLE_ROWS: usize = 10;

/// The contact fields a column can fill, with the headers that suggest each (compared without
/// case, spaces, dashes or underscores).
pub fn contact_fields() -> [(&'static str, Label, &'static [&'static str]); 10] {
    [
        (
            "full_name",
            |l| td_string!(l, contacts.col_name).to_string(),
            &[
                "name",
                "fullname",
                "contact",
                "contactname",
                "姓名",
                "名字",
                "联系人",
                "客户姓名",
            ],
        ),
        (
            "title",
            |l| td_string!(l, contacts.job_title).to_string(),
            &[
                "title", "jobtitle", "position", "role", "职位", "职务", "头衔",
            ],
        ),
        (
            "company",
            |l| td_string!(l, contacts.col_company).to_string(),
            &[
                "company",
                "companyname",
                "organisation",
                "organization",
                "account",
                "公司",
                "公司名称",
                "单位",
                "企业",
            ],
        ),
        (
            "emails",
            |l| td_string!(l, contacts.col_email).to_string(),
            &[
                "email",
                "emails",
                "emailaddress",
                "mail",
                "邮箱",
                "电子邮件",
                "邮件",
                "电子邮箱",
            ],
        ),
        (
            "phones",
            |l| td_string!(l, contacts.col_phone).to_string(),
            &[
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
            ],
        ),
        (
            "tags",
            |l| td_string!(l, contacts.tags).to_string(),
            &["tags", "tag", "labels", "标签"],
        ),
        (
            "source",
            |l| td_string!(l, contacts.source).to_string(),
            &["source", "leadsource", "来源", "客户来源"],
        ),
        (
            "birthday",
            |l| td_string!(l, contacts.birthday).to_string(),
            &[
                "birthday",
                "birthdate",
                "dateofbirth",
                "dob",
                "生日",
                "出生日期",
            ],
        ),
        (
            "address",
            |l| td_string!(l, contacts.address).to_string(),
            &["address", "地址", "联系地址"],
        ),
        (
            "notes",
            |l| td_string!(l, contacts.notes).to_string(),
            &[
                "notes",
                "note",
                "comments",
                "comment",
                "description",
                "备注",
                "说明",
            ],
        ),
    ]
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

/// A first mapping: each column to the field its header suggests, each field at most once
/// (phones may take several columns: "Mobile" and "Phone"); "" leaves a column out.
pub fn guess_mapping(headers: &[String]) -> Vec<String> {
    let fields = contact_fields();
    let mut used: Vec<&str> = Vec::new();
    headers
        .iter()
        .map(|h| {
            let h = squash(h);
            let found = fields
                .iter()
                .find(|(key, _, names)| {
                    names.contains(&h.as_str()) && (*key == "phones" || !used.contains(key))
                })
                .map(|(key, _, _)| *key);
            if let Some(k) = found {
                used.push(k);
            }
            found.unwrap_or("").to_string()
        })
        .collect()
}

/// The contact form a row fills under `mapping` (columns mapped to the same field are joined).
pub fn contact_input(mapping: &[String], row: &[String]) -> ContactInput {
    let mut input = ContactInput::default();
    for (key, value) in mapping.iter().zip(row) {
        let value = value.trim();
        if value.is_empty() {
            continue;
        }
        let slot = match key.as_str() {
            "full_name" => &mut input.full_name,
            "title" => &mut input.title,
            "company" => &mut input.company,
            "emails" => &mut input.emails,
            "phones" => &mut input.phones,
            "tags" => &mut input.tags,
            "source" => &mut input.source,
            "birthday" => &mut input.birthday,
            "address" => &mut input.address,
            "notes" => &mut input.notes,
            _ => continue,
        };
        if !slot.is_empty() {
            slot.push_str(", ");
        }
        slot.push_str(value);
    }
    input
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
    pub file_name: String,
    /// "UTF-8" or "GB18030" (which reads GBK).
    pub encoding: String,
    pub headers: Vec<String>,
    pub mapping: Vec<String>,
    pub sample: Vec<Vec<String>>,
    /// Data rows (the header not counted).
    pub rows: i64,
    /// Set once the import has run.
    pub result: Option<ImportResult>,
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
    /// Why it stopped, if it failed (nothing was written).
    pub error: Option<crate::error::AppError>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_in_english_and_chinese_map_to_fields() {
        let headers: Vec<String> = [
            "姓名",
            "E-mail",
            "Mobile",
            "Phone",
            "公司名称",
            "Shoe size",
            "Name",
        ]
        .map(String::from)
        .to_vec();
        assert_eq!(
            guess_mapping(&headers),
            ["full_name", "emails", "phones", "phones", "company", "", ""]
        );
        let input = contact_input(
            &guess_mapping(&headers),
            &[
                "王伟",
                "w@x.cn",
                "138 0000 0000",
                "010-1234",
                "华信",
                "42",
                "Other",
            ]
            .map(String::from),
        );
        assert_eq!(
            (
                input.full_name.as_str(),
                input.phones.as_str(),
                input.company.as_str()
            ),
            ("王伟", "138 0000 0000, 010-1234", "华信")
        );
    }
}
