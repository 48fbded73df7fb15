use super::*;
use proptest::prelude::*;

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn date(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// frappe/helpdesk's default: Monday to Friday, 10:00 to 18:00.
fn office(zone: Tz, holidays: Vec<NaiveDate>) -> Calendar {
    let day = Some((600, 1080));
    Calendar::new(zone, [day, day, day, day, day, None, None], holidays).unwrap()
}

#[test]
fn a_target_shorter_than_a_day_runs_over_the_weekend() {
    let cal = office(chrono_tz::Asia::Shanghai, vec![]);
    // Friday 17:45 in Shanghai (09:45 UTC); 30 business minutes: 15 on Friday, 15 on Monday.
    let due = cal
        .add_business(utc("2026-11-27T09:45:00Z"), 30 * 60)
        .unwrap();
    assert_eq!(due, utc("2026-11-30T02:15:00Z"), "Monday 10:15 in Shanghai");
    // Saturday morning: the clock starts on Monday at 10:00.
    let due = cal
        .add_business(utc("2026-11-28T01:00:00Z"), 2 * 3600)
        .unwrap();
    assert_eq!(due, utc("2026-11-30T04:00:00Z"));
}

#[test]
fn a_holiday_is_skipped() {
    let cal = office(chrono_tz::Asia::Shanghai, vec![date("2026-11-30")]);
    let due = cal
        .add_business(utc("2026-11-27T09:45:00Z"), 30 * 60)
        .unwrap();
    assert_eq!(due, utc("2026-12-01T02:15:00Z"), "Tuesday 10:15");
    assert_eq!(
        cal.business_secs(utc("2026-11-29T00:00:00Z"), utc("2026-12-01T00:00:00Z")),
        0
    );
}

#[test]
fn business_time_follows_the_zone_across_a_daylight_saving_change() {
    // Berlin moves to summer time on Sunday 29 March 2026; a seven-day week makes the Sunday count.
    let day = Some((0, DAY_MINUTES));
    let cal = Calendar::new(chrono_tz::Europe::Berlin, [day; 7], vec![]).unwrap();
    // That Sunday has 23 hours.
    let sunday = cal.business_secs(utc("2026-03-28T23:00:00Z"), utc("2026-03-29T22:00:00Z"));
    assert_eq!(sunday, 23 * 3600);
    // And 01:00 to 04:00 local that night is two hours of service.
    let night = Calendar::new(chrono_tz::Europe::Berlin, [Some((60, 240)); 7], vec![]).unwrap();
    assert_eq!(
        night.business_secs(utc("2026-03-29T00:00:00Z"), utc("2026-03-29T02:00:00Z")),
        2 * 3600
    );
    // An office hour that starts in the gap (02:30) starts when the clocks have moved (03:30).
    let gap = Calendar::new(chrono_tz::Europe::Berlin, [Some((150, 300)); 7], vec![]).unwrap();
    assert_eq!(
        gap.add_business(utc("2026-03-28T22:00:00Z"), 60).unwrap(),
        utc("2026-03-29T01:31:00Z")
    );
}

#[test]
fn a_paused_clock_keeps_what_it_used_and_resumes_from_there() {
    let cal = office(chrono_tz::Asia::Shanghai, vec![]);
    // Opened Monday 10:00, waiting on the customer from 11:00 until Tuesday 10:00.
    let mut clock = Clock::started(utc("2026-11-30T02:00:00Z"));
    clock.pause(&cal, utc("2026-11-30T03:00:00Z"));
    assert_eq!(clock.used, 3600);
    assert_eq!(clock.due(&cal, 4 * 3600), None, "no due time while waiting");
    clock.resume(utc("2026-12-01T02:00:00Z"));
    assert_eq!(
        clock.due(&cal, 4 * 3600).unwrap(),
        utc("2026-12-01T05:00:00Z"),
        "the three hours left, from Tuesday 10:00"
    );
    // A target already used up is due when the clock started again.
    assert_eq!(clock.due(&cal, 1800).unwrap(), utc("2026-12-01T02:00:00Z"));
}

#[test]
fn a_calendar_without_hours_or_with_an_empty_window_is_refused() {
    let zone = chrono_tz::UTC;
    assert!(Calendar::new(zone, [None; 7], vec![]).is_none());
    assert!(Calendar::new(zone, [Some((600, 600)); 7], vec![]).is_none());
    assert!(Calendar::new(zone, [Some((600, 1500)); 7], vec![]).is_none());
}

#[test]
fn all_holidays_never_fall_due() {
    let zone = chrono_tz::UTC;
    let holidays = (0..5 * 366)
        .map(|d| date("2026-01-01") + Duration::days(d))
        .collect();
    let cal = Calendar::new(zone, [Some((0, 60)); 7], holidays).unwrap();
    assert_eq!(cal.add_business(utc("2026-01-01T00:00:00Z"), 60), None);
}

const ZONES: [Tz; 5] = [
    chrono_tz::Asia::Shanghai,
    chrono_tz::Europe::Berlin,
    chrono_tz::America::New_York,
    chrono_tz::Australia::Lord_Howe,
    chrono_tz::UTC,
];

/// Calendars of any zone, any windows (at least one weekday open) and up to 30 holidays in
/// 2026–2027; instants in 2026 (both daylight-saving changes of the northern and southern zones).
fn calendars() -> impl Strategy<Value = Calendar> {
    let window = prop_oneof![
        1 => Just(None),
        3 => (0u16..DAY_MINUTES, 1u16..=DAY_MINUTES)
            .prop_filter("non-empty", |(s, e)| s < e)
            .prop_map(Some),
    ];
    (
        0..ZONES.len(),
        proptest::array::uniform7(window),
        proptest::collection::vec(0i64..730, 0..30),
    )
        .prop_filter_map("one weekday open", |(z, hours, days)| {
            let holidays = days
                .into_iter()
                .map(|d| date("2026-01-01") + Duration::days(d))
                .collect();
            Calendar::new(ZONES[z], hours, holidays)
        })
}

fn instants() -> impl Strategy<Value = DateTime<Utc>> {
    (0i64..365 * 24 * 60).prop_map(|m| utc("2026-01-01T00:00:00Z") + Duration::minutes(m))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Adding business time and measuring it back gives the same amount.
    #[test]
    fn adding_then_measuring_gives_the_same_time(cal in calendars(), from in instants(), secs in 0i64..40 * 3600) {
        let due = cal.add_business(from, secs).unwrap();
        prop_assert!(due >= from);
        prop_assert_eq!(cal.business_secs(from, due), secs);
    }

    /// A positive target falls due inside service hours, or at a window's end.
    #[test]
    fn a_due_time_falls_in_service_hours(cal in calendars(), from in instants(), secs in 1i64..40 * 3600) {
        let due = cal.add_business(from, secs).unwrap();
        prop_assert!(cal.is_open(due - Duration::seconds(1)));
    }

    /// Business time splits at any instant between two others.
    #[test]
    fn business_time_adds_up_across_a_split(cal in calendars(), a in instants(), b in instants(), c in instants()) {
        let mut t = [a, b, c];
        t.sort();
        prop_assert_eq!(
            cal.business_secs(t[0], t[1]) + cal.business_secs(t[1], t[2]),
            cal.business_secs(t[0], t[2])
        );
        prop_assert!(cal.business_secs(t[0], t[2]) <= (t[2] - t[0]).num_seconds());
    }

    /// More business time is never due earlier.
    #[test]
    fn due_times_never_go_back(cal in calendars(), from in instants(), a in 0i64..30 * 3600, b in 0i64..30 * 3600) {
        let (small, big) = (a.min(b), a.max(b));
        prop_assert!(cal.add_business(from, small).unwrap() <= cal.add_business(from, big).unwrap());
    }

    /// No business time passes on a holiday, in any zone.
    #[test]
    fn a_holiday_counts_nothing(cal in calendars(), day in 0i64..365) {
        let d = date("2026-01-01") + Duration::days(day);
        let mut cal = cal;
        cal.holidays.push(d);
        cal.holidays.sort_unstable();
        let from = cal.instant(d, 0);
        let to = cal.instant(d + Duration::days(1), 0);
        prop_assert_eq!(cal.business_secs(from, to), 0);
    }

    /// However a clock is paused and resumed, its due time leaves exactly the target's business
    /// time to run, counted over the stretches it ran.
    #[test]
    fn pauses_only_move_the_due_time_by_the_waiting(cal in calendars(), start in instants(), steps in proptest::collection::vec((0i64..3 * 24 * 60, any::<bool>()), 0..8), target in 60i64..20 * 3600) {
        let mut clock = Clock::started(start);
        let mut now = start;
        let mut ran = 0;
        for (minutes, run) in steps {
            let next = now + Duration::minutes(minutes);
            if clock.since.is_some() {
                ran += cal.business_secs(now, next);
            }
            now = next;
            if run { clock.resume(now) } else { clock.pause(&cal, now) }
        }
        prop_assert_eq!(clock.used_at(&cal, now), ran);
        clock.resume(now);
        let due = clock.due(&cal, target).unwrap();
        let left = (target - ran).max(0);
        prop_assert_eq!(cal.business_secs(now, due), left);
    }
}
