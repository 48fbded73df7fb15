//! The periods a report covers: the presets people pick (this month, last quarter, the first half…)
//! and a custom range, each resolved to local dates in the user's time zone, the end exclusive.
use chrono::{Datelike, Days, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::error::Invalid;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Preset {
    Today,
    Yesterday,
    ThisWeek,
    LastWeek,
    ThisMonth,
    LastMonth,
    ThisQuarter,
    LastQuarter,
    NextQuarter,
    ThisYear,
    LastYear,
    FirstHalf,
    SecondHalf,
    Custom,
}

impl Preset {
    pub const ALL: [Preset; 14] = [
        Preset::Today,
        Preset::Yesterday,
        Preset::ThisWeek,
        Preset::LastWeek,
        Preset::ThisMonth,
        Preset::LastMonth,
        Preset::ThisQuarter,
        Preset::LastQuarter,
        Preset::NextQuarter,
        Preset::ThisYear,
        Preset::LastYear,
        Preset::FirstHalf,
        Preset::SecondHalf,
        Preset::Custom,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Preset::Today => "today",
            Preset::Yesterday => "yesterday",
            Preset::ThisWeek => "this_week",
            Preset::LastWeek => "last_week",
            Preset::ThisMonth => "this_month",
            Preset::LastMonth => "last_month",
            Preset::ThisQuarter => "this_quarter",
            Preset::LastQuarter => "last_quarter",
            Preset::NextQuarter => "next_quarter",
            Preset::ThisYear => "this_year",
            Preset::LastYear => "last_year",
            Preset::FirstHalf => "first_half",
            Preset::SecondHalf => "second_half",
            Preset::Custom => "custom",
        }
    }

    pub fn parse(s: &str) -> Option<Preset> {
        Preset::ALL.into_iter().find(|p| p.as_str() == s)
    }
}

/// Local dates `from` (inclusive) to `to` (exclusive).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Span {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// The longest custom range: five years of months fit in a chart of at most a hundred points.
pub const MAX_DAYS: u64 = 5 * 366;

fn month_start(d: NaiveDate) -> NaiveDate {
    d.with_day(1).unwrap_or(d)
}

fn add_months(d: NaiveDate, n: u32) -> NaiveDate {
    d.checked_add_months(Months::new(n)).unwrap_or(d)
}

fn sub_months(d: NaiveDate, n: u32) -> NaiveDate {
    d.checked_sub_months(Months::new(n)).unwrap_or(d)
}

fn year_start(year: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(NaiveDate::MIN)
}

impl Span {
    /// The dates a preset names on `today` (weeks start on Monday, as in China and ISO 8601).
    /// `Custom` is resolved by `Span::custom`; here it is this month.
    pub fn of(preset: Preset, today: NaiveDate) -> Span {
        let day = |d: NaiveDate| Span {
            from: d,
            to: d + Days::new(1),
        };
        let monday = today - Days::new(u64::from(today.weekday().num_days_from_monday()));
        let month = month_start(today);
        let quarter = add_months(year_start(today.year()), 3 * (today.month0() / 3));
        let year = year_start(today.year());
        let months = |from: NaiveDate, n: u32| Span {
            from,
            to: add_months(from, n),
        };
        match preset {
            Preset::Today => day(today),
            Preset::Yesterday => day(today - Days::new(1)),
            Preset::ThisWeek => Span {
                from: monday,
                to: monday + Days::new(7),
            },
            Preset::LastWeek => Span {
                from: monday - Days::new(7),
                to: monday,
            },
            Preset::ThisMonth | Preset::Custom => months(month, 1),
            Preset::LastMonth => months(sub_months(month, 1), 1),
            Preset::ThisQuarter => months(quarter, 3),
            Preset::LastQuarter => months(sub_months(quarter, 3), 3),
            Preset::NextQuarter => months(add_months(quarter, 3), 3),
            Preset::ThisYear => months(year, 12),
            Preset::LastYear => months(year_start(today.year() - 1), 12),
            Preset::FirstHalf => months(year, 6),
            Preset::SecondHalf => months(add_months(year, 6), 6),
        }
    }

    /// A range typed as two dates, both days included; the error names the field at fault.
    pub fn custom(from: NaiveDate, to: NaiveDate) -> Result<Span, (&'static str, Invalid)> {
        if to < from {
            return Err(("to", Invalid::DateOrder));
        }
        let end = to + Days::new(1);
        if (end - from).num_days() as u64 > MAX_DAYS {
            return Err((
                "to",
                Invalid::RangeTooLong {
                    max_days: MAX_DAYS as u32,
                },
            ));
        }
        Ok(Span { from, to: end })
    }

    /// The first day of each month the span touches (at most `MAX_DAYS` worth).
    pub fn months(self) -> Vec<NaiveDate> {
        let mut out = Vec::new();
        let mut m = month_start(self.from);
        while m < self.to && out.len() < 100 {
            out.push(m);
            m = add_months(m, 1);
        }
        out
    }

    /// The last day included.
    pub fn last(self) -> NaiveDate {
        self.to - Days::new(1)
    }

    /// Whole weeks the span covers, at least one (for "per week" figures).
    pub fn weeks(self) -> f64 {
        ((self.to - self.from).num_days() as f64 / 7.0).max(1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn presets_resolve_to_the_calendar_around_today() {
        let today = d(2026, 11, 30); // a Monday
        let cases = [
            (Preset::Today, d(2026, 11, 30), d(2026, 12, 1)),
            (Preset::Yesterday, d(2026, 11, 29), d(2026, 11, 30)),
            (Preset::ThisWeek, d(2026, 11, 30), d(2026, 12, 7)),
            (Preset::LastWeek, d(2026, 11, 23), d(2026, 11, 30)),
            (Preset::ThisMonth, d(2026, 11, 1), d(2026, 12, 1)),
            (Preset::LastMonth, d(2026, 10, 1), d(2026, 11, 1)),
            (Preset::ThisQuarter, d(2026, 10, 1), d(2027, 1, 1)),
            (Preset::LastQuarter, d(2026, 7, 1), d(2026, 10, 1)),
            (Preset::NextQuarter, d(2027, 1, 1), d(2027, 4, 1)),
            (Preset::ThisYear, d(2026, 1, 1), d(2027, 1, 1)),
            (Preset::LastYear, d(2025, 1, 1), d(2026, 1, 1)),
            (Preset::FirstHalf, d(2026, 1, 1), d(2026, 7, 1)),
            (Preset::SecondHalf, d(2026, 7, 1), d(2027, 1, 1)),
        ];
        for (p, from, to) in cases {
            assert_eq!(Span::of(p, today), Span { from, to }, "{p:?}");
            assert_eq!(Preset::parse(p.as_str()), Some(p));
        }
        // A Sunday belongs to the week that began the Monday before.
        assert_eq!(
            Span::of(Preset::ThisWeek, d(2026, 11, 29)).from,
            d(2026, 11, 23)
        );
        // January's last quarter is the year before's fourth.
        assert_eq!(
            Span::of(Preset::LastQuarter, d(2027, 1, 15)).from,
            d(2026, 10, 1)
        );
        assert_eq!(Preset::parse("fortnight"), None);
    }

    #[test]
    fn a_custom_range_includes_both_days_and_refuses_a_reversed_or_overlong_one() {
        let s = Span::custom(d(2026, 1, 31), d(2026, 3, 1)).unwrap();
        assert_eq!((s.from, s.to), (d(2026, 1, 31), d(2026, 3, 2)));
        assert_eq!(
            s.months(),
            vec![d(2026, 1, 1), d(2026, 2, 1), d(2026, 3, 1)]
        );
        assert_eq!(
            Span::custom(d(2026, 2, 1), d(2026, 1, 1)),
            Err(("to", Invalid::DateOrder))
        );
        assert!(Span::custom(d(2020, 1, 1), d(2026, 1, 1)).is_err());
        assert!(Span::custom(d(2021, 1, 1), d(2025, 12, 31)).is_ok());
    }
}
