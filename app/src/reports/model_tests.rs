//! Parsing a report's filters from the URL.
use super::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn field(e: AppError) -> String {
    match e {
        AppError::Validation { fields } => fields.into_keys().collect::<Vec<_>>().join(","),
        other => panic!("{other:?}"),
    }
}

#[test]
fn an_empty_query_takes_each_reports_defaults() {
    let f = Filter::parse(
        ReportKind::WinRate,
        &ReportQuery::default(),
        d(2026, 11, 30),
        "CNY",
    )
    .unwrap();
    assert_eq!(f.preset, Preset::ThisQuarter);
    assert_eq!(f.span.from, d(2026, 10, 1));
    assert_eq!(
        (f.by, f.currency.as_str(), f.quiet_days),
        (Some(By::Owner), "CNY", 30)
    );
    let r = Filter::parse(
        ReportKind::Revenue,
        &ReportQuery::default(),
        d(2026, 11, 30),
        "USD",
    )
    .unwrap();
    assert_eq!(
        (r.preset, r.by, r.currency.as_str()),
        (Preset::ThisYear, None, "USD")
    );
}

#[test]
fn each_malformed_filter_is_refused_naming_its_field() {
    let today = d(2026, 11, 30);
    let bad =
        |q: ReportQuery| field(Filter::parse(ReportKind::Cycle, &q, today, "CNY").unwrap_err());
    let q = ReportQuery::default;
    assert_eq!(
        bad(ReportQuery {
            period: "fortnight".into(),
            ..q()
        }),
        "period"
    );
    assert_eq!(
        bad(ReportQuery {
            period: "custom".into(),
            from: "2026-13-01".into(),
            ..q()
        }),
        "from"
    );
    assert_eq!(
        bad(ReportQuery {
            period: "custom".into(),
            from: "2026-02-01".into(),
            to: "2026-01-01".into(),
            ..q()
        }),
        "to"
    );
    assert_eq!(
        bad(ReportQuery {
            owner: "nobody".into(),
            ..q()
        }),
        "owner"
    );
    assert_eq!(
        bad(ReportQuery {
            pipeline: "1".into(),
            ..q()
        }),
        "pipeline"
    );
    assert_eq!(
        bad(ReportQuery {
            currency: "XYZ".into(),
            ..q()
        }),
        "currency"
    );
    assert_eq!(
        bad(ReportQuery {
            by: "source".into(),
            ..q()
        }),
        "by"
    );
    assert_eq!(
        bad(ReportQuery {
            days: "0".into(),
            ..q()
        }),
        "days"
    );
    assert_eq!(
        bad(ReportQuery {
            team: "x".repeat(101),
            ..q()
        }),
        "team"
    );
    assert_eq!(
        bad(ReportQuery {
            source: "a\0b".into(),
            ..q()
        }),
        "source"
    );
    let ok = Filter::parse(
        ReportKind::Cycle,
        &ReportQuery {
            period: "custom".into(),
            from: "2026-01-01".into(),
            to: "2026-01-31".into(),
            currency: "usd".into(),
            by: "owner".into(),
            ..q()
        },
        today,
        "CNY",
    )
    .unwrap();
    assert_eq!(
        (ok.span.to, ok.currency.as_str(), ok.by),
        (d(2026, 2, 1), "USD", Some(By::Owner))
    );
}

#[test]
fn every_report_is_named_by_its_path() {
    for k in ReportKind::ALL {
        assert_eq!(ReportKind::parse(k.as_str()), Some(k));
    }
    assert_eq!(ReportKind::parse("pie"), None);
}
