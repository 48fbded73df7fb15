//! The reports' pages: the index, a report with its filters, chart, table and CSV, the home
//! dashboard, and the targets page; and how a report's cells and headings read in each language.
use crate::i18n::*;
use crate::money::Money;
use crate::reports::model::{Cell, ChartKind, Head, Label, Report, ReportKind};
use crate::reports::period::Preset;
use crate::ui::chart::{self, ChartData, Series};

mod dashboard;
mod page;
mod targets;
pub use dashboard::HomePage;
pub use page::{ReportPage, ReportsIndex};
pub use targets::TargetsPage;

pub fn kind_title(l: Locale, k: ReportKind) -> &'static str {
    match k {
        ReportKind::Funnel => td_string!(l, reports.funnel),
        ReportKind::Forecast => td_string!(l, reports.forecast),
        ReportKind::WinRate => td_string!(l, reports.win_rate),
        ReportKind::Cycle => td_string!(l, reports.cycle),
        ReportKind::Velocity => td_string!(l, reports.velocity),
        ReportKind::LostReasons => td_string!(l, reports.lost_reasons),
        ReportKind::Revenue => td_string!(l, reports.revenue),
        ReportKind::Activities => td_string!(l, reports.activities),
        ReportKind::NewCustomers => td_string!(l, reports.new_customers),
        ReportKind::Rankings => td_string!(l, reports.rankings),
        ReportKind::Targets => td_string!(l, reports.targets),
    }
}

pub fn kind_hint(l: Locale, k: ReportKind) -> &'static str {
    match k {
        ReportKind::Funnel => td_string!(l, reports.funnel_hint),
        ReportKind::Forecast => td_string!(l, reports.forecast_hint),
        ReportKind::WinRate => td_string!(l, reports.win_rate_hint),
        ReportKind::Cycle => td_string!(l, reports.cycle_hint),
        ReportKind::Velocity => td_string!(l, reports.velocity_hint),
        ReportKind::LostReasons => td_string!(l, reports.lost_reasons_hint),
        ReportKind::Revenue => td_string!(l, reports.revenue_hint),
        ReportKind::Activities => td_string!(l, reports.activities_hint),
        ReportKind::NewCustomers => td_string!(l, reports.new_customers_hint),
        ReportKind::Rankings => td_string!(l, reports.rankings_hint),
        ReportKind::Targets => td_string!(l, reports.targets_hint),
    }
}

pub fn preset_name(l: Locale, p: Preset) -> &'static str {
    match p {
        Preset::Today => td_string!(l, reports.today),
        Preset::Yesterday => td_string!(l, reports.yesterday),
        Preset::ThisWeek => td_string!(l, reports.this_week),
        Preset::LastWeek => td_string!(l, reports.last_week),
        Preset::ThisMonth => td_string!(l, reports.this_month),
        Preset::LastMonth => td_string!(l, reports.last_month),
        Preset::ThisQuarter => td_string!(l, reports.this_quarter),
        Preset::LastQuarter => td_string!(l, reports.last_quarter),
        Preset::NextQuarter => td_string!(l, reports.next_quarter),
        Preset::ThisYear => td_string!(l, reports.this_year),
        Preset::LastYear => td_string!(l, reports.last_year),
        Preset::FirstHalf => td_string!(l, reports.first_half),
        Preset::SecondHalf => td_string!(l, reports.second_half),
        Preset::Custom => td_string!(l, reports.custom),
    }
}

pub fn head_name(l: Locale, h: Head) -> &'static str {
    match h {
        Head::Stage => td_string!(l, reports.h_stage),
        Head::Month => td_string!(l, reports.h_month),
        Head::Rep => td_string!(l, reports.h_rep),
        Head::Source => td_string!(l, reports.h_source),
        Head::Reason => td_string!(l, reports.h_reason),
        Head::Team => td_string!(l, reports.h_team),
        Head::Rank => td_string!(l, reports.h_rank),
        Head::Reached => td_string!(l, reports.h_reached),
        Head::Conversion => td_string!(l, reports.h_conversion),
        Head::Share => td_string!(l, reports.h_share),
        Head::Dropped => td_string!(l, reports.h_dropped),
        Head::OpenDeals => td_string!(l, reports.h_open_deals),
        Head::OpenAmount => td_string!(l, reports.h_open_amount),
        Head::WonAmount => td_string!(l, reports.h_won_amount),
        Head::Weighted => td_string!(l, reports.h_weighted),
        Head::Forecast => td_string!(l, reports.h_forecast),
        Head::Created => td_string!(l, reports.h_created),
        Head::Won => td_string!(l, reports.h_won),
        Head::Lost => td_string!(l, reports.h_lost),
        Head::WinRate => td_string!(l, reports.h_win_rate),
        Head::AvgSize => td_string!(l, reports.h_avg_size),
        Head::Stays => td_string!(l, reports.h_stays),
        Head::AvgDays => td_string!(l, reports.h_avg_days),
        Head::CycleDays => td_string!(l, reports.h_cycle_days),
        Head::Velocity => td_string!(l, reports.h_velocity),
        Head::Deals => td_string!(l, reports.h_deals),
        Head::Amount => td_string!(l, reports.h_amount),
        Head::Revenue => td_string!(l, reports.h_revenue),
        Head::MonthOnMonth => td_string!(l, reports.h_mom),
        Head::YearOnYear => td_string!(l, reports.h_yoy),
        Head::Calls => td_string!(l, reports.h_calls),
        Head::Meetings => td_string!(l, reports.h_meetings),
        Head::Notes => td_string!(l, reports.h_notes),
        Head::Emails => td_string!(l, reports.h_emails),
        Head::Total => td_string!(l, reports.h_total),
        Head::PerWeek => td_string!(l, reports.h_per_week),
        Head::Quiet => td_string!(l, reports.h_quiet),
        Head::Companies => td_string!(l, reports.h_companies),
        Head::Contacts => td_string!(l, reports.h_contacts),
        Head::Leads => td_string!(l, reports.h_leads),
        Head::NewCustomers => td_string!(l, reports.h_new_customers),
        Head::Activities => td_string!(l, reports.h_activities),
        Head::Target => td_string!(l, reports.h_target),
        Head::Progress => td_string!(l, reports.h_progress),
    }
}

/// A month as a heading: en "Nov 2026", zh-CN "2026年11月".
pub fn month_name(l: Locale, m: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    match l {
        Locale::en => {
            let full = crate::dates::format_date(l, m);
            format!("{} {}", &full[..3], m.year())
        }
        Locale::zh_CN => format!("{}年{}月", m.year(), m.month()),
    }
}

pub fn label_text(l: Locale, label: &Label) -> String {
    match label {
        Label::Text(s) => s.clone(),
        Label::Month(m) => month_name(l, *m),
        Label::Unset => td_string!(l, reports.unset).to_string(),
        Label::Total => td_string!(l, reports.total).to_string(),
        Label::Other => td_string!(l, reports.other).to_string(),
        Label::Hidden(r) => format!("#{r}"),
    }
}

/// A row's label under a chart: months short ("Nov", "11月"; "11/26" when the chart spans more
/// than a year), the rest as in the table.
fn axis_text(l: Locale, label: &Label, years: bool) -> String {
    use chrono::Datelike;
    match (label, years) {
        (Label::Month(m), true) => format!("{}/{:02}", m.month(), m.year() % 100),
        (Label::Month(m), false) => match l {
            Locale::en => month_name(l, *m)[..3].to_string(),
            Locale::zh_CN => format!("{}月", m.month()),
        },
        _ => label_text(l, label),
    }
}

/// Tenths or hundredths as a decimal: `fixed(1234, 2)` is "12.34".
fn fixed(v: i64, places: u32) -> String {
    let d = 10i64.pow(places);
    let sign = if v < 0 { "-" } else { "" };
    let (w, f) = (v.abs() / d, v.abs() % d);
    format!("{sign}{w}.{f:0width$}", width = places as usize)
}

/// Basis points as a per cent with one decimal, rounded half away from zero: 3333 is "33.3".
fn percent(bp: i64) -> String {
    let tenths = (bp.abs() + 5) / 10;
    fixed(if bp < 0 { -tenths } else { tenths }, 1)
}

/// A cell as the table shows it.
pub fn cell_text(currency: &str, c: &Cell) -> String {
    match c {
        Cell::Count(n) => Money::grouped(*n),
        Cell::Money(m) => Money {
            minor: *m,
            currency: currency.to_string(),
        }
        .to_string(),
        Cell::Percent(Some(bp)) => format!(
            "{}%",
            fixed(*bp / 10 + if *bp % 10 >= 5 { 1 } else { 0 }, 1)
        ),
        Cell::Days(Some(t)) => fixed(*t, 1),
        Cell::Percent(None) | Cell::Days(None) => "—".into(),
    }
}

/// A cell as the CSV holds it: plain numbers (amounts in major units), empty for none.
pub fn cell_csv(c: &Cell) -> String {
    match c {
        Cell::Count(n) => n.to_string(),
        Cell::Money(m) => fixed(*m, 2),
        Cell::Percent(Some(bp)) => percent(*bp),
        Cell::Days(Some(t)) => fixed(*t, 1),
        Cell::Percent(None) | Cell::Days(None) => String::new(),
    }
}

/// The headings of a report's table, amounts with their currency.
pub fn headings(l: Locale, r: &Report) -> Vec<String> {
    let money: Vec<bool> = (0..r.columns.len())
        .map(|i| {
            r.rows
                .iter()
                .chain(r.total.iter())
                .any(|x| matches!(x.cells.get(i), Some(Cell::Money(_))))
        })
        .collect();
    std::iter::once(head_name(l, r.rows_are).to_string())
        .chain(r.columns.iter().zip(money).map(|(h, m)| {
            if m {
                format!("{} ({})", head_name(l, *h), r.currency)
            } else {
                head_name(l, *h).to_string()
            }
        }))
        .collect()
}

/// The first plotted cell, which says what the chart's axis counts.
fn sample_of(r: &Report) -> Option<&Cell> {
    r.plotted
        .first()
        .and_then(|&c| r.rows.first().map(|x| &x.cells[c]))
}

/// The chart of a report: its plotted columns over its rows (a hundred at most).
pub fn chart_data(l: Locale, r: &Report) -> ChartData {
    let rows: Vec<_> = r.rows.iter().take(chart::MAX_POINTS).collect();
    let series: Vec<Series> = r
        .plotted
        .iter()
        .map(|&c| Series {
            name: head_name(l, r.columns[c]).to_string(),
            values: rows.iter().map(|x| x.cells[c].value()).collect(),
            shown: rows
                .iter()
                .map(|x| cell_text(&r.currency, &x.cells[c]))
                .collect(),
        })
        .collect();
    let top = match r.chart {
        ChartKind::Stacked => (0..rows.len())
            .map(|i| series.iter().map(|s| s.values[i].max(0)).sum::<i64>())
            .max(),
        _ => series.iter().flat_map(|s| s.values.iter().copied()).max(),
    }
    .unwrap_or(0);
    // Shares read against at least a tenth (a chart of zeros is not drawn to 0.01 %).
    let floor = match sample_of(r) {
        Some(Cell::Percent(_)) => 1_000,
        _ => 0,
    };
    let max = chart::nice_max(top.max(floor));
    let sample = r
        .plotted
        .first()
        .and_then(|&c| rows.first().map(|x| &x.cells[c]));
    let tick = |v: i64| match sample {
        Some(Cell::Money(_)) => Money {
            minor: v,
            currency: r.currency.clone(),
        }
        .to_string(),
        Some(Cell::Percent(_)) => format!(
            "{}%",
            fixed(v, 2).trim_end_matches('0').trim_end_matches('.')
        ),
        Some(Cell::Days(_)) => fixed(v, 1),
        _ => Money::grouped(v),
    };
    ChartData {
        kind: match r.chart {
            ChartKind::Bars => chart::ChartKind::Bars,
            ChartKind::Stacked => chart::ChartKind::Stacked,
            ChartKind::Line => chart::ChartKind::Line,
            ChartKind::Funnel => chart::ChartKind::Funnel,
        },
        labels: rows.iter().map(|x| label_text(l, &x.label)).collect(),
        axis: rows
            .iter()
            .map(|x| axis_text(l, &x.label, rows.len() > 12))
            .collect(),
        links: rows.iter().map(|x| x.link.clone()).collect(),
        series,
        max,
        ticks: (1..=4).map(|i| tick(max * i / 4)).collect(),
    }
}

/// A report as CSV text: headings in the user's language, then each row and the total.
#[cfg(feature = "ssr")]
pub fn csv(l: Locale, r: &Report) -> String {
    let esc = |s: &str| {
        let s = crate::records::export::safe_cell(s);
        if s.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s.into_owned()
        }
    };
    let mut out = String::from("\u{feff}");
    let line =
        |cells: Vec<String>| cells.iter().map(|c| esc(c)).collect::<Vec<_>>().join(",") + "\r\n";
    out.push_str(&line(headings(l, r)));
    for x in r.rows.iter().chain(r.total.iter()) {
        out.push_str(&line(
            std::iter::once(label_text(l, &x.label))
                .chain(x.cells.iter().map(cell_csv))
                .collect(),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_read_as_the_table_shows_them_and_as_plain_numbers_in_the_csv() {
        assert_eq!(cell_text("CNY", &Cell::Money(123_456)), "¥1,234.56");
        assert_eq!(cell_text("CNY", &Cell::Percent(Some(3333))), "33.3%");
        assert_eq!(cell_text("CNY", &Cell::Percent(Some(6667))), "66.7%");
        assert_eq!(cell_text("CNY", &Cell::Days(Some(15))), "1.5");
        assert_eq!(cell_text("CNY", &Cell::Days(None)), "—");
        assert_eq!(cell_csv(&Cell::Money(123_456)), "1234.56");
        assert_eq!(cell_csv(&Cell::Percent(Some(-505))), "-5.1");
        assert_eq!(cell_csv(&Cell::Percent(None)), "");
        assert_eq!(
            month_name(
                Locale::en,
                chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap()
            ),
            "Nov 2026"
        );
        assert_eq!(
            month_name(
                Locale::zh_CN,
                chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap()
            ),
            "2026年11月"
        );
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn a_report_writes_as_csv_with_its_total_and_no_formula() {
        let r = Report {
            kind: ReportKind::LostReasons,
            span: crate::reports::period::Span::of(
                Preset::ThisYear,
                chrono::NaiveDate::from_ymd_opt(2026, 1, 2).unwrap(),
            ),
            currency: "CNY".into(),
            rows_are: Head::Reason,
            columns: vec![Head::Lost, Head::Amount],
            rows: vec![crate::reports::model::Line {
                label: Label::Text("=cheaper, elsewhere".into()),
                cells: vec![Cell::Count(2), Cell::Money(150)],
                link: None,
            }],
            total: Some(crate::reports::model::Line {
                label: Label::Total,
                cells: vec![Cell::Count(2), Cell::Money(150)],
                link: None,
            }),
            chart: ChartKind::Bars,
            plotted: vec![0],
        };
        assert_eq!(
            csv(Locale::en, &r),
            "\u{feff}Reason,Lost,Amount (CNY)\r\n\"'=cheaper, elsewhere\",2,1.50\r\nTotal,2,1.50\r\n"
        );
    }
}
