//! Dates in the UI's language: how a date or an instant is written for each locale, what a date
//! field shows, and `parse_date`, which reads a date typed in either language's way.
//!
//! English writes "Nov 29, 2026"; Chinese writes "2026年11月29日" in running text and
//! "2026-11-29" where space is short (table cells, board cards) and in date fields, where it is
//! also the quickest form to type. Instants keep "UTC" written out: there is no user time zone yet.
use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};

use crate::i18n::Locale;

/// The longest text `parse_date` reads (the date fields say the same to the browser).
pub const DATE_INPUT_MAX: usize = 40;

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

const MONTH_NAMES: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

fn month_abbr(d: NaiveDate) -> &'static str {
    MONTHS[d.month0() as usize]
}

/// A date in running text: en "Nov 29, 2026", zh-CN "2026年11月29日".
pub fn format_date(locale: Locale, d: NaiveDate) -> String {
    match locale {
        Locale::en => format!("{} {}, {:04}", month_abbr(d), d.day(), d.year()),
        Locale::zh_CN => format!("{:04}年{}月{}日", d.year(), d.month(), d.day()),
    }
}

/// A date where space is short (table cells, board cards): en "Nov 29, 2026", zh-CN "2026-11-29".
pub fn format_date_short(locale: Locale, d: NaiveDate) -> String {
    match locale {
        Locale::en => format_date(locale, d),
        Locale::zh_CN => iso(d),
    }
}

/// An instant, in UTC: en "Nov 29, 2026, 14:05 UTC", zh-CN "2026年11月29日 14:05 UTC".
pub fn format_datetime(locale: Locale, at: DateTime<Utc>) -> String {
    let (date, time) = (
        format_date(locale, at.date_naive()),
        format!("{:02}:{:02}", at.hour(), at.minute()),
    );
    match locale {
        Locale::en => format!("{date}, {time} UTC"),
        Locale::zh_CN => format!("{date} {time} UTC"),
    }
}

/// What a date field shows for a stored date: en "Nov 29, 2026", zh-CN "2026-11-29"; nothing for none.
pub fn input_value(locale: Locale, d: Option<NaiveDate>) -> String {
    d.map(|d| format_date_short(locale, d)).unwrap_or_default()
}

/// What a date field shows for `raw` (a stored ISO date or whatever was typed): the date in the
/// locale's form when it reads as one, else `raw` as it is (so a refused value stays in view).
pub fn shown_value(locale: Locale, raw: &str) -> String {
    match parse_date(raw) {
        Some(d) => input_value(locale, Some(d)),
        None => raw.to_string(),
    }
}

/// `2026-11-29`: the machine-readable form (`<time datetime>`, `<input type=date>`, CSV).
pub fn iso(d: NaiveDate) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
}

/// Exactly `2026-11-29` (how dates are stored in a record's history), else `None`.
pub fn parse_iso(raw: &str) -> Option<NaiveDate> {
    let b = raw.as_bytes();
    (b.len() == 10 && b[4] == b'-' && b[7] == b'-')
        .then(|| parse_date(raw))
        .flatten()
}

/// A date typed in either language's way: `2026-11-29`, `2026/11/29`, `2026.11.29`,
/// `2026年11月29日` (the 日 optional, full-width digits too), `Nov 29, 2026`, `November 29 2026`,
/// `29 Nov 2026`, and the US `11/29/2026`. Years have four digits (0001 to 9999); anything else,
/// an impossible day (Feb 30), or more than `DATE_INPUT_MAX` characters gives `None`.
pub fn parse_date(raw: &str) -> Option<NaiveDate> {
    if raw.chars().count() > DATE_INPUT_MAX {
        return None;
    }
    let text: String = raw.trim().chars().map(half_width).collect();
    let text = text.trim();
    if text.contains('年') {
        return chinese(text);
    }
    if text.chars().any(|c| c.is_ascii_alphabetic()) {
        return english(text);
    }
    numeric(text)
}

/// A moment as exports write it, read as UTC (exports rarely say their zone): RFC 3339
/// (`2026-11-29T10:22:33.000Z`), a date and a time (`2026-11-29 10:22`, `11/29/2026, 10:22 AM`,
/// `2026年11月29日 10:22:33`), or a date alone (`parse_date`'s forms, at midnight).
pub fn parse_moment(raw: &str) -> Option<DateTime<Utc>> {
    let raw = raw.trim();
    if raw.chars().count() > DATE_INPUT_MAX {
        return None;
    }
    if let Ok(at) = DateTime::parse_from_rfc3339(raw) {
        return Some(at.with_timezone(&Utc));
    }
    let raw = raw.replacen('T', " ", usize::from(raw.as_bytes().get(10) == Some(&b'T')));
    let words: Vec<&str> = raw.split_whitespace().collect();
    let at = words.iter().position(|w| w.contains(':'));
    let (date, time) = match at {
        Some(i) => (words[..i].join(" "), Some(&words[i..])),
        None => (raw.to_string(), None),
    };
    let day = parse_date(date.trim().trim_end_matches(','))?;
    let Some(time) = time else {
        return day.and_hms_opt(0, 0, 0).map(|t| t.and_utc());
    };
    let clock = time[0].split(['.', 'Z', '+']).next()?;
    let mut parts = clock.split(':');
    let (h, m) = (number(parts.next()?, 2)?, number(parts.next()?, 2)?);
    let sec = parts.next().map_or(Some(0), |s| number(s, 2))?;
    let h = match time.get(1).map(|s| s.to_ascii_uppercase()) {
        Some(p) if p == "PM" && h < 12 => h + 12,
        Some(p) if p == "AM" && h == 12 => 0,
        _ => h,
    };
    day.and_hms_opt(h, m, sec).map(|t| t.and_utc())
}

/// Full-width digits and punctuation as their ASCII twins; the ideographic space as a space.
fn half_width(c: char) -> char {
    match c {
        '０'..='９' | '／' | '－' | '．' | '，' => {
            char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
        }
        '\u{3000}' => ' ',
        _ => c,
    }
}

/// A number of one to `max` ASCII digits.
fn number(s: &str, max: usize) -> Option<u32> {
    let s = s.trim();
    if s.is_empty() || s.len() > max || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// A four-digit year from 0001.
fn year(s: &str) -> Option<i32> {
    let s = s.trim();
    if s.len() != 4 {
        return None;
    }
    number(s, 4).filter(|y| *y >= 1).map(|y| y as i32)
}

fn ymd(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

/// `2026年11月29日`, `2026年11月29`.
fn chinese(text: &str) -> Option<NaiveDate> {
    let (y, rest) = text.split_once('年')?;
    let (m, d) = rest.split_once('月')?;
    let d = d.trim();
    let d = d.strip_suffix('日').unwrap_or(d);
    ymd(year(y)?, number(m, 2)?, number(d, 2)?)
}

/// `2026-11-29`, `2026/11/29`, `2026.11.29`, `11/29/2026`: one separator, used twice.
fn numeric(text: &str) -> Option<NaiveDate> {
    let sep = text.chars().find(|c| matches!(c, '-' | '/' | '.'))?;
    let parts: Vec<&str> = text.split(sep).collect();
    let [a, b, c] = parts.as_slice() else {
        return None;
    };
    if a.trim().len() == 4 {
        ymd(year(a)?, number(b, 2)?, number(c, 2)?)
    } else if sep == '/' && c.trim().len() == 4 {
        ymd(year(c)?, number(a, 2)?, number(b, 2)?)
    } else {
        None
    }
}

/// `Nov 29, 2026`, `November 29 2026`, `29 Nov 2026`, `Sept. 3rd, 2026`.
fn english(text: &str) -> Option<NaiveDate> {
    let words: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .collect();
    let [a, b, c] = words.as_slice() else {
        return None;
    };
    let (month, day) = match (month(a), month(b)) {
        (Some(m), None) => (m, day(b)?),
        (None, Some(m)) => (m, day(a)?),
        _ => return None,
    };
    ymd(year(c)?, month, day)
}

/// A month by its English name or its first three letters (a trailing dot and "Sept" allowed).
fn month(word: &str) -> Option<u32> {
    let w = word.trim_end_matches('.').to_ascii_lowercase();
    if w.len() < 3 {
        return None;
    }
    let w = if w == "sept" { "sep".to_string() } else { w };
    MONTH_NAMES
        .iter()
        .position(|name| *name == w || (w.len() == 3 && name.starts_with(&w)))
        .map(|i| i as u32 + 1)
}

/// A day of the month, bare or with its English ordinal ending ("29th").
fn day(word: &str) -> Option<u32> {
    let w = word.to_ascii_lowercase();
    let w = ["st", "nd", "rd", "th"]
        .iter()
        .find_map(|end| w.strip_suffix(end))
        .unwrap_or(&w);
    number(w, 2)
}

#[cfg(test)]
#[path = "dates_tests.rs"]
mod tests;
