use super::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

#[test]
fn english_dates_read_month_day_year() {
    assert_eq!(format_date(Locale::en, d(2026, 11, 29)), "Nov 29, 2026");
    assert_eq!(format_date(Locale::en, d(2027, 1, 5)), "Jan 5, 2027");
    assert_eq!(format_date_short(Locale::en, d(2026, 12, 1)), "Dec 1, 2026");
}

#[test]
fn chinese_dates_read_year_month_day_with_their_characters_or_dashes_when_short() {
    assert_eq!(
        format_date(Locale::zh_CN, d(2026, 11, 29)),
        "2026年11月29日"
    );
    assert_eq!(format_date(Locale::zh_CN, d(2027, 1, 5)), "2027年1月5日");
    assert_eq!(
        format_date_short(Locale::zh_CN, d(2027, 1, 5)),
        "2027-01-05"
    );
}

#[test]
fn instants_keep_utc_written_out() {
    let at = d(2026, 11, 29).and_hms_opt(14, 5, 59).unwrap().and_utc();
    assert_eq!(format_datetime(Locale::en, at), "Nov 29, 2026, 14:05 UTC");
    assert_eq!(
        format_datetime(Locale::zh_CN, at),
        "2026年11月29日 14:05 UTC"
    );
}

#[test]
fn a_date_field_shows_the_locale_form_and_nothing_for_no_date() {
    assert_eq!(
        input_value(Locale::en, Some(d(2026, 11, 29))),
        "Nov 29, 2026"
    );
    assert_eq!(
        input_value(Locale::zh_CN, Some(d(2026, 11, 29))),
        "2026-11-29"
    );
    assert_eq!(input_value(Locale::en, None), "");
    assert_eq!(shown_value(Locale::en, "2026-11-29"), "Nov 29, 2026");
    assert_eq!(shown_value(Locale::zh_CN, "Nov 29, 2026"), "2026-11-29");
    assert_eq!(shown_value(Locale::en, "someday"), "someday");
    assert_eq!(iso(d(33, 2, 3)), "0033-02-03");
}

#[test]
fn every_accepted_way_of_writing_a_date_reads_the_same_day() {
    let want = Some(d(2026, 11, 29));
    for raw in [
        "2026-11-29",
        " 2026-11-29 ",
        "2026/11/29",
        "2026.11.29",
        "2026年11月29日",
        "2026年11月29",
        "2026 年 11 月 29 日",
        "２０２６年１１月２９日",
        "２０２６－１１－２９",
        "Nov 29, 2026",
        "nov 29 2026",
        "November 29 2026",
        "November 29, 2026",
        "Nov. 29th, 2026",
        "29 Nov 2026",
        "29 November, 2026",
        "11/29/2026",
    ] {
        assert_eq!(parse_date(raw), want, "{raw}");
    }
    assert_eq!(parse_date("2027-01-05"), Some(d(2027, 1, 5)));
    assert_eq!(parse_date("1/5/2027"), Some(d(2027, 1, 5)));
    assert_eq!(parse_date("Sept 3, 2026"), Some(d(2026, 9, 3)));
    assert_eq!(parse_date("May 1 2026"), Some(d(2026, 5, 1)));
}

#[test]
fn what_a_locale_writes_reads_back_as_the_same_date() {
    for date in [
        d(2026, 11, 29),
        d(2028, 2, 29),
        d(1900, 1, 1),
        d(9999, 12, 31),
    ] {
        for locale in [Locale::en, Locale::zh_CN] {
            for shown in [
                format_date(locale, date),
                format_date_short(locale, date),
                input_value(locale, Some(date)),
            ] {
                assert_eq!(parse_date(&shown), Some(date), "{shown}");
            }
        }
    }
}

#[test]
fn a_leap_day_is_read_only_in_a_leap_year() {
    assert_eq!(parse_date("2028-02-29"), Some(d(2028, 2, 29)));
    assert_eq!(parse_date("Feb 29, 2000"), Some(d(2000, 2, 29)));
    assert_eq!(parse_date("2026-02-29"), None);
    assert_eq!(parse_date("Feb 29, 1900"), None);
    assert_eq!(parse_date("2100年2月29日"), None);
}

#[test]
fn impossible_days_and_months_are_refused() {
    for raw in [
        "2026-02-30",
        "2026-13-01",
        "2026-00-10",
        "2026-11-00",
        "2026-11-31",
        "13/29/2026",
        "Nov 31, 2026",
        "Nov 0, 2026",
        "2026年13月1日",
    ] {
        assert_eq!(parse_date(raw), None, "{raw}");
    }
}

#[test]
fn years_outside_0001_to_9999_are_refused() {
    for raw in [
        "0000-01-01",
        "10000-01-01",
        "+2026-11-29",
        "-2026-11-29",
        "26-11-29",
        "11/29/26",
        "Nov 29, 26",
        "Nov 29, 20266",
    ] {
        assert_eq!(parse_date(raw), None, "{raw}");
    }
    assert_eq!(parse_date("0001-01-01"), Some(d(1, 1, 1)));
    assert_eq!(parse_date("9999-12-31"), Some(d(9999, 12, 31)));
}

#[test]
fn nonsense_mixed_separators_and_ambiguous_orders_are_refused() {
    for raw in [
        "",
        "   ",
        "someday",
        "today",
        "2026",
        "2026-11",
        "2026-11-29-01",
        "2026-11/29",
        "29.11.2026",
        "29-11-2026",
        "2026-11-29T10:00",
        "Nov Dec 2026",
        "Novem 29 2026",
        "29 2026 Nov",
        "2026年11月",
        "年月日",
        "1e3-01-01",
        "2026-1a-01",
    ] {
        assert_eq!(parse_date(raw), None, "{raw:?}");
    }
}

#[test]
fn text_longer_than_forty_characters_is_refused_without_reading_it() {
    let padded = format!("{}2026-11-29", " ".repeat(DATE_INPUT_MAX));
    assert_eq!(parse_date(&padded), None);
    assert_eq!(parse_date(&"9".repeat(10_000)), None);
    let fits = format!("{}2026-11-29", " ".repeat(DATE_INPUT_MAX - 10));
    assert_eq!(parse_date(&fits), Some(d(2026, 11, 29)));
}

#[test]
fn only_an_exact_iso_date_is_read_as_a_stored_date() {
    assert_eq!(parse_iso("2026-11-29"), Some(d(2026, 11, 29)));
    for raw in [
        "Nov 29, 2026",
        "2026/11/29",
        "2026-1-29 ",
        "2026-02-30",
        "12345-6789",
        "",
    ] {
        assert_eq!(parse_iso(raw), None, "{raw}");
    }
}

#[test]
fn moments_are_read_as_exports_write_them() {
    let at = |s: &str| parse_moment(s).map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string());
    let cases = [
        ("2024-01-05T10:22:33.000Z", "2024-01-05 10:22:33"),
        ("2024-01-05T18:22:33+08:00", "2024-01-05 10:22:33"),
        ("2024-01-05 10:22", "2024-01-05 10:22:00"),
        ("2024-01-05 10:22:33", "2024-01-05 10:22:33"),
        ("1/5/2024, 10:22 PM", "2024-01-05 22:22:00"),
        ("1/5/2024 12:05 AM", "2024-01-05 00:05:00"),
        ("Jan 5, 2024 10:22 AM", "2024-01-05 10:22:00"),
        ("2024年1月5日 10:22:33", "2024-01-05 10:22:33"),
        ("2024/01/05", "2024-01-05 00:00:00"),
    ];
    for (raw, want) in cases {
        assert_eq!(at(raw).as_deref(), Some(want), "{raw}");
    }
    for raw in [
        "",
        "soon",
        "2024-01-05 25:00",
        "2024-13-05",
        "10:22",
        "2024-01-05 10:61:00",
    ] {
        assert_eq!(at(raw), None, "{raw}");
    }
}
