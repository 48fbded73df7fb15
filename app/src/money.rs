//! Money as integer minor units plus an ISO 4217 currency code; never floats.
use serde::{Deserialize, Serialize};

/// The currency of a deal or a lead's expected value when none is given (and of the database's
/// column default).
pub const DEFAULT_CURRENCY: &str = "CNY";

/// The currencies a deal can be in (ISO 4217, all with two decimals).
pub const CURRENCIES: [&str; 5] = [DEFAULT_CURRENCY, "USD", "EUR", "GBP", "HKD"];

/// One of `CURRENCIES`, in any case ("usd" is USD).
pub fn parse_currency(raw: &str) -> Option<String> {
    let c = raw.trim().to_uppercase();
    CURRENCIES.contains(&c.as_str()).then_some(c)
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Money {
    pub minor: i64,
    pub currency: String,
}

impl Money {
    /// `n` with thousands separated by commas: `10,000`.
    pub fn grouped(n: i64) -> String {
        let digits = n.unsigned_abs().to_string();
        let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
        if n < 0 {
            out.push('-');
        }
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                out.push(',');
            }
            out.push(c);
        }
        out
    }

    /// Minor units from an amount typed in major units: "12500", "12,500.5", "¥12,500.50";
    /// not negative, at most two decimals, below 10^15.
    pub fn parse_major(raw: &str) -> Option<i64> {
        let t: String = raw
            .trim()
            .trim_start_matches(['¥', '$', '€', '£', '￥'])
            .chars()
            .filter(|c| *c != ',' && *c != '，' && *c != ' ')
            .collect();
        let (units, cents) = t.split_once('.').unwrap_or((&t, ""));
        if units.is_empty()
            || units.len() > 13
            || cents.len() > 2
            || !units
                .chars()
                .chain(cents.chars())
                .all(|c| c.is_ascii_digit())
        {
            return None;
        }
        let cents: i64 = format!("{cents:0<2}").parse().ok()?;
        Some(units.parse::<i64>().ok()? * 100 + cents)
    }

    fn symbol(&self) -> Option<&'static str> {
        match self.currency.as_str() {
            "CNY" => Some("¥"),
            "USD" => Some("$"),
            "EUR" => Some("€"),
            "GBP" => Some("£"),
            _ => None,
        }
    }
}

/// `¥1,234,567.89`; whole amounts drop the cents: `¥1,200`.
impl std::fmt::Display for Money {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let sign = if self.minor < 0 { "-" } else { "" };
        let abs = self.minor.unsigned_abs();
        let (units, cents) = (abs / 100, abs % 100);
        let grouped = Money::grouped(units as i64);
        match self.symbol() {
            Some(s) => write!(f, "{sign}{s}{grouped}")?,
            None => write!(f, "{sign}{} {grouped}", self.currency)?,
        }
        if cents != 0 {
            write!(f, ".{cents:02}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(minor: i64, c: &str) -> String {
        Money {
            minor,
            currency: c.into(),
        }
        .to_string()
    }

    #[test]
    fn money_is_grouped_by_thousands_with_its_symbol() {
        assert_eq!(m(123_456_789, "CNY"), "¥1,234,567.89");
        assert_eq!(m(120_000, "USD"), "$1,200");
        assert_eq!(m(-5, "EUR"), "-€0.05");
        assert_eq!(m(100, "JPY"), "JPY 1");
        assert_eq!(m(0, "CNY"), "¥0");
    }

    /// Both UI languages group with "," and mark cents with "." (so `Money` needs no locale), and
    /// an amount copied from the page into a value field reads back as the same amount.
    #[test]
    fn a_shown_amount_reads_back_as_the_same_amount() {
        for minor in [0, 5, 120_000, 123_456_789, 99_999_999_999_99] {
            for c in ["CNY", "USD", "EUR", "GBP"] {
                assert_eq!(Money::parse_major(&m(minor, c)), Some(minor), "{minor} {c}");
            }
        }
        assert_eq!(m(1_000_000_000_00, "CNY"), "¥1,000,000,000");
    }

    #[test]
    fn amounts_typed_in_major_units_become_minor_units() {
        assert_eq!(Money::parse_major("12,500.5"), Some(1_250_050));
        assert_eq!(Money::parse_major("¥ 80"), Some(8_000));
        assert_eq!(Money::parse_major("0.05"), Some(5));
        for bad in ["", "-5", "1.234", "ten", "1e5", "99999999999999"] {
            assert_eq!(Money::parse_major(bad), None, "{bad}");
        }
    }
}
