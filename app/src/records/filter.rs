//! A list's URL query parsed into typed values before any SQL is built: the owner an id, the
//! dates in the range Postgres and people use, the status one of the list's own, the sort one of
//! its columns with its SQL type, the search term classified by how it can match, the keyset
//! cursor a value of the sort's type. The SQL builders see only this.
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use uuid::Uuid;

use super::db::ListSql;
use super::model::ListQuery;
use crate::error::{AppError, Invalid};

pub use super::fields::SEARCH_MAX;
pub use super::fields::TAG_MAX;
pub const SOURCE_MAX: u32 = 100;

/// Whose records a list shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OwnerFilter {
    /// Everyone in the user's scope.
    Anyone,
    Me,
    User(Uuid),
}

impl OwnerFilter {
    /// "" (everyone in scope), "me", or a user id; anything else is refused on `owner`.
    pub fn parse(raw: &str) -> Result<OwnerFilter, AppError> {
        match raw.trim() {
            "" => Ok(OwnerFilter::Anyone),
            "me" => Ok(OwnerFilter::Me),
            other => Uuid::parse_str(other)
                .map(OwnerFilter::User)
                .map_err(|_| AppError::invalid("owner", Invalid::Choice)),
        }
    }
}

/// `s` with LIKE's wildcards (`%`, `_`) and its escape character (`\`) taken literally.
pub fn like_escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// A LIKE pattern for text that contains `s`, literally.
pub fn like_containing(s: &str) -> String {
    format!("%{}%", like_escape(s))
}

/// A LIKE pattern for text that starts with `s`, literally.
pub fn like_prefix(s: &str) -> String {
    format!("{}%", like_escape(s))
}

/// Digits with phone punctuation only (and at least one digit).
pub(crate) fn is_phone_like(q: &str) -> bool {
    q.chars().any(|c| c.is_ascii_digit())
        && q.chars()
            .all(|c| c.is_ascii_digit() || " +-().".contains(c))
}

/// A search term, lower-cased, classified once by how it can match the search document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SearchTerm {
    /// A phone number (three digits or more, phone punctuation only): its digits, found in any
    /// punctuation.
    Phone(String),
    /// Two characters beyond ASCII (a Chinese name): its own only bigram (trigrams need three).
    Bigram(String),
    /// Under three characters: a prefix of the record's name.
    NamePrefix(String),
    /// Anything else: a substring (trigram index). When nothing contains it and it may be
    /// misspelt (three characters or more as typed, not a phone number), a word much like it.
    Substring { text: String, may_be_misspelt: bool },
}

/// A filter's text, trimmed: `None` when empty; refused when too long or holding a NUL byte.
fn checked_text(field: &str, raw: &str, max: u32) -> Result<Option<String>, AppError> {
    let t = raw.trim();
    if t.contains('\0') {
        return Err(AppError::invalid(field, Invalid::Characters));
    }
    if t.chars().count() as u32 > max {
        return Err(AppError::invalid(field, Invalid::TooLong { max }));
    }
    Ok((!t.is_empty()).then(|| t.to_string()))
}

/// A search box's term (`q`), checked and classified; `None` when empty.
pub fn search_term(raw: &str) -> Result<Option<SearchTerm>, AppError> {
    Ok(checked_text("q", raw, SEARCH_MAX)?.map(|q| SearchTerm::classify(&q)))
}

impl SearchTerm {
    /// Classifies a trimmed, non-empty term.
    pub fn classify(term: &str) -> SearchTerm {
        let may_be_misspelt = term.chars().count() >= 3 && !is_phone_like(term);
        let q = term.to_lowercase();
        let digits: String = q.chars().filter(char::is_ascii_digit).collect();
        let chars = q.chars().count();
        if is_phone_like(&q) && digits.len() >= 3 {
            SearchTerm::Phone(digits)
        } else if !q.is_ascii() && chars == 2 {
            SearchTerm::Bigram(q)
        } else if chars < 3 {
            SearchTerm::NamePrefix(q)
        } else {
            SearchTerm::Substring {
                text: q,
                may_be_misspelt,
            }
        }
    }

    /// Whether the typo-tolerant pass may run when nothing contains the term.
    pub fn may_be_misspelt(&self) -> bool {
        matches!(
            self,
            SearchTerm::Substring {
                may_be_misspelt: true,
                ..
            }
        )
    }
}

/// The SQL type of a list's sort column: what its keyset cursor reads back as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SortType {
    Text,
    Time,
    Date,
    SmallInt,
    Int,
    BigInt,
}

impl SortType {
    /// The type as a list declares it: `text`, `timestamptz`, `date`, `smallint`, `int` (or
    /// `integer`), `bigint`.
    pub fn parse(ty: &str) -> Option<SortType> {
        Some(match ty {
            "text" => SortType::Text,
            "timestamptz" => SortType::Time,
            "date" => SortType::Date,
            "smallint" => SortType::SmallInt,
            "int" | "integer" => SortType::Int,
            "bigint" => SortType::BigInt,
            _ => return None,
        })
    }

    /// The SQL type a cursor value is cast to.
    pub fn sql(self) -> &'static str {
        match self {
            SortType::Text => "text",
            SortType::Time => "timestamptz",
            SortType::Date => "date",
            SortType::SmallInt => "smallint",
            SortType::Int => "int",
            SortType::BigInt => "bigint",
        }
    }
}

/// The order a list is shown in: one of its sort columns (SQL expression, never NULL, and its
/// type), then the id, ascending or descending.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sort {
    pub expr: &'static str,
    pub ty: SortType,
    pub desc: bool,
}

/// The sort value of the last row shown, typed as the sort column is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SortValue {
    Text(String),
    Time(DateTime<Utc>),
    /// A date as Postgres writes it (`2026-11-25`, or `infinity`).
    Date(String),
    /// A whole number, in the range of its SQL type.
    Number(i64),
}

/// Where the next page starts: after this sort value and id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cursor {
    pub value: SortValue,
    pub id: Uuid,
}

/// A checked list query.
#[derive(Clone, Debug, PartialEq)]
pub struct ListFilter {
    /// `None` when not searching.
    pub search: Option<SearchTerm>,
    pub owner: OwnerFilter,
    pub tag: Option<String>,
    /// Lower case (sources are matched regardless of case).
    pub source: Option<String>,
    pub status: Option<&'static str>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// One of the list's own sort columns.
    pub sort: Sort,
    pub after: Option<Cursor>,
}

impl ListFilter {
    pub fn searching(&self) -> bool {
        self.search.is_some()
    }

    /// Parses `query` for the list `sql`, refusing each bad part with the field it came from.
    pub fn parse(query: &ListQuery, sql: &ListSql, today: NaiveDate) -> Result<Self, AppError> {
        let text = checked_text;
        let search = search_term(&query.q)?;
        let owner = OwnerFilter::parse(&query.owner)?;
        let tag = text("tag", &query.tag, TAG_MAX)?;
        let source = text("source", &query.source, SOURCE_MAX)?.map(|s| s.to_lowercase());
        let status = match query.status.trim() {
            "" => None,
            s => Some(
                *sql.statuses
                    .iter()
                    .find(|x| **x == s)
                    .ok_or_else(|| AppError::invalid("status", Invalid::Choice))?,
            ),
        };
        let (from, to) = query.created_range(today)?;
        for (field, d) in [("from", from), ("to", to)] {
            if d.is_some_and(|d| !(1..=9999).contains(&d.year())) {
                return Err(AppError::invalid(field, Invalid::Date));
            }
        }
        let (key, desc) = query.effective_sort(sql.sorts[0].0);
        let (_, expr, ty) = sql.sort(key);
        let ty = SortType::parse(ty).ok_or_else(|| {
            AppError::internal(format!("a list sorts by the unknown SQL type {ty}"))
        })?;
        let sort = Sort { expr, ty, desc };
        let after = match query.after.trim() {
            "" => None,
            raw => Some(Cursor::decode(raw, ty).ok_or(AppError::BadRequest)?),
        };
        Ok(ListFilter {
            search,
            owner,
            tag,
            source,
            status,
            from,
            to,
            sort,
            after,
        })
    }
}

/// The keyset cursor: the sort value (as Postgres writes it as text) and id of the last row
/// shown, hex-encoded JSON (URL-safe).
pub fn encode_cursor(value: &str, id: Uuid) -> String {
    serde_json::to_string(&(value, id))
        .unwrap_or_default()
        .bytes()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A cursor, its value read as the sort's SQL type `ty` as a list declares it; `None` for a type
/// no sort has, or anything this server did not make (a URL edited by hand).
pub fn decode_cursor(s: &str, ty: &str) -> Option<Cursor> {
    Cursor::decode(s, SortType::parse(ty)?)
}

impl Cursor {
    /// A cursor, its value read as `ty`; `None` for anything this server did not make.
    pub fn decode(s: &str, ty: SortType) -> Option<Cursor> {
        if s.len() % 2 != 0 || s.len() > 4096 {
            return None;
        }
        let bytes: Option<Vec<u8>> = (0..s.len())
            .step_by(2)
            .map(|i| s.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok()))
            .collect();
        let (value, id): (String, Uuid) = serde_json::from_slice(&bytes?).ok()?;
        Some(Cursor {
            value: SortValue::read(value, ty)?,
            id,
        })
    }
}

impl SortValue {
    /// A sort value as Postgres writes it as text (ISO dates, in UTC), read as the SQL type `ty`.
    pub fn read(value: String, ty: SortType) -> Option<SortValue> {
        match ty {
            SortType::Time => {
                let t = DateTime::parse_from_str(&value, "%Y-%m-%d %H:%M:%S%.f%#z")
                    .ok()?
                    .with_timezone(&Utc);
                (1..=9999).contains(&t.year()).then_some(SortValue::Time(t))
            }
            SortType::Text if !value.contains('\0') => Some(SortValue::Text(value)),
            SortType::Text => None,
            SortType::Date if value == "infinity" => Some(SortValue::Date(value)),
            SortType::Date => {
                let d = NaiveDate::parse_from_str(&value, "%Y-%m-%d").ok()?;
                (1..=9999)
                    .contains(&d.year())
                    .then(|| SortValue::Date(d.to_string()))
            }
            SortType::SmallInt => Some(SortValue::Number(value.parse::<i16>().ok()?.into())),
            SortType::Int => Some(SortValue::Number(value.parse::<i32>().ok()?.into())),
            SortType::BigInt => Some(SortValue::Number(value.parse::<i64>().ok()?)),
        }
    }
}

#[cfg(test)]
mod tests;
