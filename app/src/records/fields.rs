//! Parsing of customer-record forms: every field checked, every refusal collected at once.
use chrono::{Datelike, NaiveDate};
use std::collections::BTreeMap;

use crate::error::{AppError, Invalid};
use crate::users::model::Email;

/// Several values typed in one field: separated by commas, semicolons or new lines (also the
/// full-width comma and semicolon of Chinese input methods).
pub fn split_list(s: &str) -> impl Iterator<Item = &str> {
    s.split([',', '\n', ';', '，', '；'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
}

/// Email keys as the database derives them (to find duplicates): trimmed, lower case.
pub fn email_keys(raw: &str) -> Vec<String> {
    split_list(raw)
        .map(|e| e.to_lowercase())
        .filter(|e| e.contains('@'))
        .collect()
}

/// Phone keys as the database derives them (to find duplicates): the digits only.
pub fn phone_keys(raw: &str) -> Vec<String> {
    split_list(raw)
        .map(|p| p.chars().filter(char::is_ascii_digit).collect::<String>())
        .filter(|p| p.len() >= 5)
        .collect()
}

/// A phone number: digits with the usual punctuation, at least five digits, no letters.
pub fn parse_phone(raw: &str) -> Result<String, Invalid> {
    let t = raw.trim();
    let allowed = |c: char| c.is_ascii_digit() || " +-().".contains(c);
    let digits = t.chars().filter(char::is_ascii_digit).count();
    if !t.chars().all(allowed) || !(5..=20).contains(&digits) {
        return Err(Invalid::Phone);
    }
    Ok(t.to_string())
}

/// The longest search term (a name, an email, a phone number, with room to spare): checked by the
/// list and board filters, stated by their search fields.
pub const SEARCH_MAX: u32 = 200;

/// The longest tag: checked by the forms, the bulk "add tag" and the list filter.
pub const TAG_MAX: u32 = 40;

/// The longest text a list field (emails, phones, tags) takes, all its values together: checked when
/// parsed, stated by the form (`maxlength`).
pub const LIST_MAX: u32 = 2_000;

/// Collects the refusal of each field (the first per field) while values are parsed.
#[derive(Default)]
pub struct Fields {
    errors: BTreeMap<String, Invalid>,
}

impl Fields {
    pub fn fail(&mut self, field: &str, why: Invalid) {
        self.errors.entry(field.to_string()).or_insert(why);
    }

    pub fn optional(&mut self, field: &str, raw: &str, max: u32) -> Option<String> {
        let t = raw.trim();
        if t.contains('\0') {
            self.fail(field, Invalid::Characters);
            return None;
        }
        if t.chars().count() as u32 > max {
            self.fail(field, Invalid::TooLong { max });
            return None;
        }
        (!t.is_empty()).then(|| t.to_string())
    }

    pub fn required(&mut self, field: &str, raw: &str, max: u32) -> String {
        let v = self.optional(field, raw, max);
        if v.is_none() && raw.trim().is_empty() {
            self.fail(field, Invalid::Required);
        }
        v.unwrap_or_default()
    }

    /// The values of a list field, or none (and a refusal) when the field is longer than `LIST_MAX`.
    fn list<'a>(&mut self, field: &str, raw: &'a str) -> Vec<&'a str> {
        let too_long = raw.chars().count() as u32 > LIST_MAX;
        if too_long {
            self.fail(field, Invalid::TooLong { max: LIST_MAX });
        }
        split_list(if too_long { "" } else { raw }).collect()
    }

    pub fn emails(&mut self, field: &str, raw: &str) -> Vec<String> {
        let mut out = Vec::new();
        for e in self.list(field, raw) {
            match Email::parse(e) {
                Ok(e) if !out.iter().any(|x: &String| x == e.as_str()) => {
                    out.push(e.as_str().to_string())
                }
                Ok(_) => {}
                Err(why) => self.fail(field, why),
            }
        }
        out
    }

    pub fn phones(&mut self, field: &str, raw: &str) -> Vec<String> {
        let mut out = Vec::new();
        for p in self.list(field, raw) {
            match parse_phone(p) {
                Ok(p) => out.push(p),
                Err(why) => self.fail(field, why),
            }
        }
        out
    }

    /// Tags: at most `TAG_MAX` characters each, duplicates dropped.
    pub fn tags(&mut self, field: &str, raw: &str) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for t in self.list(field, raw) {
            if t.chars().count() > TAG_MAX as usize {
                self.fail(field, Invalid::TooLong { max: TAG_MAX });
            } else if !out.iter().any(|x| x == t) {
                out.push(t.to_string());
            }
        }
        out
    }

    /// A date (as `dates::parse_date` reads it, in either language's way) from 1900 on and, if
    /// given, not after `latest`.
    pub fn date(&mut self, field: &str, raw: &str, latest: Option<NaiveDate>) -> Option<NaiveDate> {
        match raw.trim() {
            "" => None,
            t => match crate::dates::parse_date(t) {
                Some(d) if latest.is_none_or(|l| d <= l) && (1900..=9999).contains(&d.year()) => {
                    Some(d)
                }
                _ => {
                    self.fail(field, Invalid::Date);
                    None
                }
            },
        }
    }

    /// One of a fixed set of values; empty gives `None`.
    pub fn choice<T>(
        &mut self,
        field: &str,
        raw: &str,
        parse: impl Fn(&str) -> Option<T>,
    ) -> Option<T> {
        match raw.trim() {
            "" => None,
            t => {
                let v = parse(t);
                if v.is_none() {
                    self.fail(field, Invalid::Choice);
                }
                v
            }
        }
    }

    /// `value` if no field was refused, else a validation error naming each refused field.
    pub fn finish<T>(self, value: T) -> Result<T, AppError> {
        if self.errors.is_empty() {
            Ok(value)
        } else {
            Err(AppError::Validation {
                fields: self.errors,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_match_what_the_database_stores() {
        assert_eq!(
            email_keys(" Li.Na@Example.CN ; x@y.cn, nope"),
            ["li.na@example.cn", "x@y.cn"]
        );
        assert_eq!(
            phone_keys("+86 138-0013-8000，(021) 1234"),
            ["8613800138000", "0211234"]
        );
    }

    #[test]
    fn a_list_field_longer_than_its_stated_limit_is_refused_whole() {
        let mut f = Fields::default();
        let many = "a@b.cn, ".repeat(300);
        assert!(f.emails("emails", &many).is_empty());
        assert!(f.tags("tags", &"t,".repeat(1_001)).is_empty());
        let err = f.finish(()).unwrap_err();
        let AppError::Validation { fields } = err else {
            panic!("{err:?}")
        };
        assert_eq!(fields["emails"], Invalid::TooLong { max: LIST_MAX });
        assert_eq!(fields["tags"], Invalid::TooLong { max: LIST_MAX });
        let mut f = Fields::default();
        assert_eq!(
            f.phones("phones", "+86 138 0000 0000; 010-1234567").len(),
            2
        );
    }

    #[test]
    fn a_phone_of_letters_or_too_few_digits_is_refused() {
        assert_eq!(parse_phone("abc"), Err(Invalid::Phone));
        assert_eq!(parse_phone("12"), Err(Invalid::Phone));
        assert!(parse_phone("+86 138 0013 8000").is_ok());
    }

    #[test]
    fn the_first_refusal_of_a_field_is_kept_and_all_fields_are_reported() {
        let mut f = Fields::default();
        assert_eq!(f.required("name", "  ", 10), "");
        f.emails("emails", "a@b.cn, nope, also-bad");
        f.date(
            "birthday",
            "2030-01-01",
            NaiveDate::from_ymd_opt(2026, 1, 1),
        );
        let e = f.finish(()).unwrap_err();
        assert_eq!(e.field("name"), Some(Invalid::Required));
        assert_eq!(e.field("emails"), Some(Invalid::Email));
        assert_eq!(e.field("birthday"), Some(Invalid::Date));
    }
}
