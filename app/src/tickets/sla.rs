//! Service-level clocks in business time: a calendar of service hours per weekday in a time zone,
//! with holidays, and a ticket's clock that runs only while the ticket is not waiting. Pure: no
//! database and no "now" of its own, so that property tests can walk it through weekends, holidays
//! and daylight-saving changes.
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Offset, TimeZone, Utc};
use chrono_tz::Tz;

use super::model::{PRIORITIES, is_done};

/// Minutes in a day: a window may end at midnight.
pub const DAY_MINUTES: u16 = 1440;
/// How far ahead a due time is looked for before the calendar is taken to have no service hours.
const HORIZON_DAYS: i64 = 3 * 366;

/// Service hours: for each weekday (Monday first) the local window `[start, end)` in minutes since
/// midnight, or none; dates off in between.
#[derive(Clone, Debug, PartialEq)]
pub struct Calendar {
    pub zone: Tz,
    pub hours: [Option<(u16, u16)>; 7],
    /// Sorted.
    pub holidays: Vec<NaiveDate>,
}

impl Calendar {
    /// A calendar, or `None` when a window is empty or past midnight, or no weekday has hours.
    pub fn new(
        zone: Tz,
        hours: [Option<(u16, u16)>; 7],
        mut holidays: Vec<NaiveDate>,
    ) -> Option<Calendar> {
        let valid = |w: &Option<(u16, u16)>| w.is_none_or(|(s, e)| s < e && e <= DAY_MINUTES);
        if !hours.iter().all(valid) || hours.iter().all(Option::is_none) {
            return None;
        }
        holidays.sort_unstable();
        holidays.dedup();
        Some(Calendar {
            zone,
            hours,
            holidays,
        })
    }

    /// The instant a local date and minute name. In a daylight-saving gap, the local time is read
    /// with the offset before the change (02:30 that never happened is 03:30 after it); an hour
    /// that happens twice is its first occurrence.
    fn instant(&self, date: NaiveDate, minute: u16) -> DateTime<Utc> {
        let local = date.and_time(NaiveTime::MIN) + Duration::minutes(minute.into());
        match self.zone.from_local_datetime(&local) {
            chrono::LocalResult::Single(t) => t.with_timezone(&Utc),
            chrono::LocalResult::Ambiguous(a, _) => a.with_timezone(&Utc),
            chrono::LocalResult::None => {
                let before = self
                    .zone
                    .offset_from_utc_datetime(&(local - Duration::hours(6)))
                    .fix();
                (local - Duration::seconds(before.local_minus_utc().into())).and_utc()
            }
        }
    }

    /// The service window of a local date as instants, or `None` on a day off.
    fn window(&self, date: NaiveDate) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        if self.holidays.binary_search(&date).is_ok() {
            return None;
        }
        let (start, end) = self.hours[date.weekday().num_days_from_monday() as usize]?;
        Some((self.instant(date, start), self.instant(date, end)))
    }

    fn local_date(&self, t: DateTime<Utc>) -> NaiveDate {
        t.with_timezone(&self.zone).date_naive()
    }

    /// Business seconds between two instants (zero when `to` is not after `from`).
    pub fn business_secs(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
        if to <= from {
            return 0;
        }
        let mut date = self.local_date(from) - Duration::days(1);
        let last = self.local_date(to) + Duration::days(1);
        let mut total = 0;
        while date <= last {
            if let Some((start, end)) = self.window(date) {
                let (a, b) = (start.max(from), end.min(to));
                if b > a {
                    total += (b - a).num_seconds();
                }
            }
            date += Duration::days(1);
        }
        total
    }

    /// The instant `secs` business seconds after `from`: within a service window, or `from` itself
    /// for zero. `None` if the calendar has no service hours within three years.
    pub fn add_business(&self, from: DateTime<Utc>, secs: i64) -> Option<DateTime<Utc>> {
        if secs <= 0 {
            return Some(from);
        }
        let mut left = secs;
        let mut date = self.local_date(from) - Duration::days(1);
        let horizon = date + Duration::days(HORIZON_DAYS);
        while date <= horizon {
            if let Some((start, end)) = self.window(date) {
                let start = start.max(from);
                if end > start {
                    let open = (end - start).num_seconds();
                    if left <= open {
                        return Some(start + Duration::seconds(left));
                    }
                    left -= open;
                }
            }
            date += Duration::days(1);
        }
        None
    }

    /// Whether an instant falls within service hours.
    pub fn is_open(&self, t: DateTime<Utc>) -> bool {
        let d = self.local_date(t);
        [d - Duration::days(1), d]
            .into_iter()
            .filter_map(|d| self.window(d))
            .any(|(s, e)| s <= t && t < e)
    }
}

/// A ticket's service clock: the business time it used before `since`, and since when it runs
/// (`None` while it waits or once it is resolved).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Clock {
    pub used: i64,
    pub since: Option<DateTime<Utc>>,
}

impl Clock {
    /// A clock started at `at`.
    pub fn started(at: DateTime<Utc>) -> Clock {
        Clock {
            used: 0,
            since: Some(at),
        }
    }

    /// Business seconds used up to `now`.
    pub fn used_at(&self, cal: &Calendar, now: DateTime<Utc>) -> i64 {
        self.used + self.since.map_or(0, |s| cal.business_secs(s, now))
    }

    /// Stops the clock at `at`, keeping what it used.
    pub fn pause(&mut self, cal: &Calendar, at: DateTime<Utc>) {
        self.used = self.used_at(cal, at);
        self.since = None;
    }

    /// Runs the clock again from `at` (no change if it runs).
    pub fn resume(&mut self, at: DateTime<Utc>) {
        self.since.get_or_insert(at);
    }

    /// When a target of `target` business seconds falls due, while the clock runs. A target already
    /// used up falls due when the clock last started.
    pub fn due(&self, cal: &Calendar, target: i64) -> Option<DateTime<Utc>> {
        cal.add_business(self.since?, (target - self.used).max(0))
    }
}

/// An SLA policy: its calendar, its targets per priority, and the statuses in which it waits.
#[derive(Clone, Debug, PartialEq)]
pub struct Policy {
    pub calendar: Calendar,
    /// Business seconds to the first response and to resolution, per priority in `PRIORITIES`'
    /// order (most pressing first).
    pub targets: [(i64, i64); 4],
    pub pauses: Vec<String>,
}

/// When a ticket's next targets fall due: `None` for one met, or while the clock waits.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Dues {
    pub first_response: Option<DateTime<Utc>>,
    pub resolution: Option<DateTime<Utc>>,
}

impl Policy {
    /// Whether the clock runs in `status`.
    pub fn runs(&self, status: &str) -> bool {
        !is_done(status) && !self.pauses.iter().any(|p| p == status)
    }

    /// Moves the clock for a ticket entering `status` at `at`.
    pub fn enter(&self, clock: &mut Clock, status: &str, at: DateTime<Utc>) {
        if self.runs(status) {
            clock.resume(at);
        } else {
            clock.pause(&self.calendar, at);
        }
    }

    /// The due times of a ticket of `priority` whose clock is `clock`.
    pub fn dues(&self, clock: &Clock, priority: &str, responded: bool) -> Dues {
        let i = PRIORITIES.iter().position(|p| *p == priority).unwrap_or(2);
        let (first, resolve) = self.targets[i];
        Dues {
            first_response: (!responded)
                .then(|| clock.due(&self.calendar, first))
                .flatten(),
            resolution: clock.due(&self.calendar, resolve),
        }
    }
}

#[cfg(test)]
#[path = "sla_tests.rs"]
mod tests;
