//! The service desk's settings, shared by both sides: SLA policies (service hours, holidays,
//! targets, the statuses that pause the clock, which tickets they apply to) and each team's
//! assignment rule; with the parsing of their forms.
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::model::{CHANNELS, PRIORITIES};
use crate::error::{AppError, Invalid};
use crate::records::fields::{Fields, split_list};

/// How a team's new tickets find an agent.
pub const RULES: [&str; 3] = ["manual", "round_robin", "least_busy"];
/// The statuses a policy may pause its clock in.
pub const PAUSABLE: [&str; 2] = ["waiting_customer", "waiting_third_party"];
/// Monday first, as the calendar counts.
pub const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
pub const NAME_MAX: u32 = 200;
/// A target of at most a year of business minutes.
pub const TARGET_MAX: i32 = 525_600;

/// A stored policy as its settings form shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PolicySettings {
    pub id: Uuid,
    pub version: i32,
    pub policy: PolicyDraft,
}

/// A team's assignment rule, with the agents it hands tickets to.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TeamRule {
    pub team: String,
    pub rule: String,
    /// Whether the team's web form (`/support/{team}`) takes tickets.
    pub web_form: bool,
    pub agents: Vec<String>,
}

/// The desk's settings page: its policies in the order they are tried, and its teams.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DeskSettings {
    pub policies: Vec<PolicySettings>,
    pub teams: Vec<TeamRule>,
    /// Days from a resolved ticket or a won deal to its return visit (0: none), and the options'
    /// version.
    pub return_visit_days: i32,
    pub options_version: i32,
}

/// The days to a return visit as typed: a whole number from 0 to 365.
pub fn parse_visit_days(raw: &str) -> Result<i32, AppError> {
    match raw.trim().parse::<i32>() {
        Ok(n @ 0..=365) => Ok(n),
        _ => Err(AppError::invalid("days", Invalid::VisitDays)),
    }
}

/// A policy's form as typed: times as HH:MM, targets in minutes, holidays as dates (YYYY-MM-DD)
/// separated by commas or lines, a pausing status as `pause_<status>=on`. A refused time or target
/// is named by its own field and by its group (`hours`, `targets`), which the form shows once.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PolicyInput {
    pub name: String,
    pub zone: String,
    pub mon_from: String,
    pub mon_to: String,
    pub tue_from: String,
    pub tue_to: String,
    pub wed_from: String,
    pub wed_to: String,
    pub thu_from: String,
    pub thu_to: String,
    pub fri_from: String,
    pub fri_to: String,
    pub sat_from: String,
    pub sat_to: String,
    pub sun_from: String,
    pub sun_to: String,
    pub holidays: String,
    pub urgent_first: String,
    pub urgent_resolve: String,
    pub high_first: String,
    pub high_resolve: String,
    pub normal_first: String,
    pub normal_resolve: String,
    pub low_first: String,
    pub low_resolve: String,
    pub pause_waiting_customer: String,
    pub pause_waiting_third_party: String,
    pub match_channel: String,
    pub match_tag: String,
    pub position: String,
}

/// A policy parsed from its form, or as stored (its zone is checked by the server, which holds the
/// zones).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PolicyDraft {
    pub name: String,
    pub zone: String,
    /// Per weekday, Monday first: the window in minutes since midnight, or closed.
    pub hours: [Option<(u16, u16)>; 7],
    pub holidays: Vec<NaiveDate>,
    /// Minutes to the first response and to resolution, per priority (most pressing first).
    pub targets: [(i32, i32); 4],
    pub pauses: Vec<String>,
    pub match_channel: Option<String>,
    pub match_tag: Option<String>,
    pub position: i32,
}

/// "09:30" as minutes since midnight; "24:00" ends a day.
pub fn parse_time(raw: &str) -> Option<u16> {
    let (h, m) = raw.trim().split_once(':')?;
    let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
    (m < 60 && (h < 24 || (h == 24 && m == 0))).then_some(h * 60 + m)
}

/// Minutes since midnight as "HH:MM".
pub fn time_text(minutes: u16) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

impl PolicyInput {
    fn day(&self, i: usize) -> (&str, &str) {
        let d = [
            (&self.mon_from, &self.mon_to),
            (&self.tue_from, &self.tue_to),
            (&self.wed_from, &self.wed_to),
            (&self.thu_from, &self.thu_to),
            (&self.fri_from, &self.fri_to),
            (&self.sat_from, &self.sat_to),
            (&self.sun_from, &self.sun_to),
        ][i];
        (d.0.as_str(), d.1.as_str())
    }

    fn targets(&self) -> [(&str, &str, &str, &str); 4] {
        [
            (
                "urgent_first",
                &self.urgent_first,
                "urgent_resolve",
                &self.urgent_resolve,
            ),
            (
                "high_first",
                &self.high_first,
                "high_resolve",
                &self.high_resolve,
            ),
            (
                "normal_first",
                &self.normal_first,
                "normal_resolve",
                &self.normal_resolve,
            ),
            (
                "low_first",
                &self.low_first,
                "low_resolve",
                &self.low_resolve,
            ),
        ]
    }

    pub fn parse(&self) -> Result<PolicyDraft, AppError> {
        let mut f = Fields::default();
        let name = f.required("name", &self.name, NAME_MAX);
        let zone = f.required("zone", &self.zone, 64);
        let mut hours = [None; 7];
        for (i, day) in WEEKDAYS.iter().enumerate() {
            let (from, to) = self.day(i);
            if from.trim().is_empty() && to.trim().is_empty() {
                continue;
            }
            match (parse_time(from), parse_time(to)) {
                (Some(a), Some(b)) if a < b => hours[i] = Some((a, b)),
                _ => {
                    f.fail(&format!("{day}_from"), Invalid::Hours);
                    f.fail("hours", Invalid::Hours);
                }
            }
        }
        if hours.iter().all(Option::is_none) {
            f.fail("mon_from", Invalid::Hours);
            f.fail("hours", Invalid::Hours);
        }
        let mut holidays = Vec::new();
        for d in split_list(&self.holidays) {
            match crate::dates::parse_iso(d) {
                Some(d) => holidays.push(d),
                None => f.fail("holidays", Invalid::Date),
            }
        }
        let mut minutes = |field: &str, raw: &str| -> i32 {
            match raw.trim().parse::<i32>() {
                Ok(m) if (1..=TARGET_MAX).contains(&m) => m,
                _ => {
                    f.fail(field, Invalid::Minutes);
                    f.fail("targets", Invalid::Minutes);
                    0
                }
            }
        };
        let targets = self
            .targets()
            .map(|(a, first, b, resolve)| (minutes(a, first), minutes(b, resolve)));
        for (i, (first, resolve)) in targets.iter().enumerate() {
            if first > resolve {
                f.fail(&format!("{}_resolve", PRIORITIES[i]), Invalid::Minutes);
                f.fail("targets", Invalid::Minutes);
            }
        }
        let on = |s: &str| !s.trim().is_empty();
        let pauses = PAUSABLE
            .into_iter()
            .zip([
                &self.pause_waiting_customer,
                &self.pause_waiting_third_party,
            ])
            .filter(|(_, v)| on(v))
            .map(|(s, _)| s.to_string())
            .collect();
        let match_channel = f.choice("match_channel", &self.match_channel, |s| {
            CHANNELS.contains(&s).then(|| s.to_string())
        });
        let match_tag = f.optional("match_tag", &self.match_tag, 100);
        let position = match self.position.trim() {
            "" => 0,
            p => p.parse::<i32>().unwrap_or_else(|_| {
                f.fail("position", Invalid::Number);
                0
            }),
        };
        f.finish(PolicyDraft {
            name,
            zone: zone.trim().to_string(),
            hours,
            holidays,
            targets,
            pauses,
            match_channel,
            match_tag,
            position,
        })
    }
}

impl From<&PolicyDraft> for PolicyInput {
    fn from(p: &PolicyDraft) -> Self {
        let day = |i: usize| {
            p.hours[i].map_or((String::new(), String::new()), |(a, b)| {
                (time_text(a), time_text(b))
            })
        };
        let t = |i: usize| (p.targets[i].0.to_string(), p.targets[i].1.to_string());
        let pause = |s: &str| {
            if p.pauses.iter().any(|x| x == s) {
                "on"
            } else {
                ""
            }
            .to_string()
        };
        let ((mon_from, mon_to), (tue_from, tue_to), (wed_from, wed_to)) = (day(0), day(1), day(2));
        let ((thu_from, thu_to), (fri_from, fri_to), (sat_from, sat_to)) = (day(3), day(4), day(5));
        let (sun_from, sun_to) = day(6);
        let ((urgent_first, urgent_resolve), (high_first, high_resolve)) = (t(0), t(1));
        let ((normal_first, normal_resolve), (low_first, low_resolve)) = (t(2), t(3));
        PolicyInput {
            name: p.name.clone(),
            zone: p.zone.clone(),
            mon_from,
            mon_to,
            tue_from,
            tue_to,
            wed_from,
            wed_to,
            thu_from,
            thu_to,
            fri_from,
            fri_to,
            sat_from,
            sat_to,
            sun_from,
            sun_to,
            holidays: p
                .holidays
                .iter()
                .map(|d| d.to_string())
                .collect::<Vec<_>>()
                .join(", "),
            urgent_first,
            urgent_resolve,
            high_first,
            high_resolve,
            normal_first,
            normal_resolve,
            low_first,
            low_resolve,
            pause_waiting_customer: pause("waiting_customer"),
            pause_waiting_third_party: pause("waiting_third_party"),
            match_channel: p.match_channel.clone().unwrap_or_default(),
            match_tag: p.match_tag.clone().unwrap_or_default(),
            position: p.position.to_string(),
        }
    }
}

/// A team's rule as its form sends it.
pub fn parse_rule(rule: &str) -> Result<String, AppError> {
    let mut f = Fields::default();
    let rule = f
        .choice("rule", rule, |s| RULES.contains(&s).then(|| s.to_string()))
        .unwrap_or_else(|| "manual".into());
    f.finish(rule)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn standard() -> PolicyInput {
        PolicyInput {
            name: "Standard".into(),
            zone: "Asia/Shanghai".into(),
            mon_from: "10:00".into(),
            mon_to: "18:00".into(),
            urgent_first: "30".into(),
            urgent_resolve: "120".into(),
            high_first: "60".into(),
            high_resolve: "240".into(),
            normal_first: "480".into(),
            normal_resolve: "1440".into(),
            low_first: "1440".into(),
            low_resolve: "4320".into(),
            pause_waiting_customer: "on".into(),
            holidays: "2026-10-01, 2026-10-02".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_policy_form_reads_its_hours_targets_and_pauses() {
        let p = standard().parse().unwrap();
        assert_eq!(p.hours[0], Some((600, 1080)));
        assert_eq!(p.hours[1], None);
        assert_eq!(p.targets[0], (30, 120));
        assert_eq!(p.pauses, ["waiting_customer"]);
        assert_eq!(p.holidays.len(), 2);
        // What the form shows of a stored policy reads back the same.
        assert_eq!(PolicyInput::from(&p).parse().unwrap(), p);
    }

    #[test]
    fn a_policy_refuses_bad_hours_targets_and_dates() {
        let e = PolicyInput {
            mon_from: "18:00".into(),
            tue_from: "25:00".into(),
            tue_to: "26:00".into(),
            urgent_first: "300".into(),
            high_first: "soon".into(),
            holidays: "next friday".into(),
            match_channel: "fax".into(),
            ..standard()
        }
        .parse()
        .unwrap_err();
        for (field, why) in [
            ("mon_from", Invalid::Hours),
            ("tue_from", Invalid::Hours),
            ("urgent_resolve", Invalid::Minutes),
            ("high_first", Invalid::Minutes),
            ("holidays", Invalid::Date),
            ("match_channel", Invalid::Choice),
        ] {
            assert_eq!(e.field(field), Some(why), "{field}");
        }
        assert_eq!(parse_time("24:00"), Some(1440));
        assert_eq!(parse_time("24:01"), None);
        assert_eq!(
            parse_rule("random").unwrap_err().field("rule"),
            Some(Invalid::Choice)
        );
    }
}
