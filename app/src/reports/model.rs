//! Report types shared by both sides: which report, its filters as the URL carries them and as
//! parsed, and its result as a table of typed cells that the chart, the table and the CSV all draw.
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::period::{Preset, Span};
use crate::error::{AppError, Invalid};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportKind {
    Funnel,
    Forecast,
    WinRate,
    Cycle,
    Velocity,
    LostReasons,
    Revenue,
    Activities,
    NewCustomers,
    Rankings,
    Targets,
}

impl ReportKind {
    pub const ALL: [ReportKind; 11] = [
        ReportKind::Funnel,
        ReportKind::Forecast,
        ReportKind::WinRate,
        ReportKind::Cycle,
        ReportKind::Velocity,
        ReportKind::LostReasons,
        ReportKind::Revenue,
        ReportKind::Activities,
        ReportKind::NewCustomers,
        ReportKind::Rankings,
        ReportKind::Targets,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ReportKind::Funnel => "funnel",
            ReportKind::Forecast => "forecast",
            ReportKind::WinRate => "win-rate",
            ReportKind::Cycle => "cycle",
            ReportKind::Velocity => "velocity",
            ReportKind::LostReasons => "lost-reasons",
            ReportKind::Revenue => "revenue",
            ReportKind::Activities => "activities",
            ReportKind::NewCustomers => "new-customers",
            ReportKind::Rankings => "rankings",
            ReportKind::Targets => "targets",
        }
    }

    pub fn parse(s: &str) -> Option<ReportKind> {
        ReportKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The period a report opens with: the quarter for pipeline reports, the year for revenue.
    pub fn default_preset(self) -> Preset {
        match self {
            ReportKind::Revenue | ReportKind::Targets | ReportKind::NewCustomers => {
                Preset::ThisYear
            }
            ReportKind::Activities => Preset::ThisMonth,
            _ => Preset::ThisQuarter,
        }
    }

    /// The groupings a report offers (`by=`), the first its default; none for the rest.
    pub fn groupings(self) -> &'static [By] {
        match self {
            ReportKind::WinRate => &[By::Owner, By::Source, By::Month],
            ReportKind::Cycle => &[By::Stage, By::Owner],
            _ => &[],
        }
    }
}

/// How a report's rows are grouped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum By {
    Owner,
    Source,
    Month,
    Stage,
}

impl By {
    pub fn as_str(self) -> &'static str {
        match self {
            By::Owner => "owner",
            By::Source => "source",
            By::Month => "month",
            By::Stage => "stage",
        }
    }
}

/// A report's filters as the URL carries them (`?period=last_quarter&owner=…`); every field may
/// be empty (its default) and is parsed on the server.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ReportQuery {
    #[serde(default)]
    pub period: String,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    #[serde(default)]
    pub pipeline: String,
    #[serde(default)]
    pub owner: String,
    #[serde(default)]
    pub team: String,
    #[serde(default)]
    pub source: String,
    #[serde(default)]
    pub currency: String,
    #[serde(default)]
    pub by: String,
    #[serde(default)]
    pub days: String,
}

impl ReportQuery {
    /// The query's fields as URL pairs, for links and the CSV address.
    pub fn pairs(&self) -> [(&'static str, &str); 10] {
        [
            ("period", &self.period),
            ("from", &self.from),
            ("to", &self.to),
            ("pipeline", &self.pipeline),
            ("owner", &self.owner),
            ("team", &self.team),
            ("source", &self.source),
            ("currency", &self.currency),
            ("by", &self.by),
            ("days", &self.days),
        ]
    }

    /// Reads the query from a URL's pairs.
    pub fn from_pairs(get: impl Fn(&str) -> Option<String>) -> ReportQuery {
        let g = |k: &str| get(k).unwrap_or_default();
        ReportQuery {
            period: g("period"),
            from: g("from"),
            to: g("to"),
            pipeline: g("pipeline"),
            owner: g("owner"),
            team: g("team"),
            source: g("source"),
            currency: g("currency"),
            by: g("by"),
            days: g("days"),
        }
    }
}

/// Days without contact after which a customer counts as neglected, unless the query says.
pub const DEFAULT_QUIET_DAYS: i32 = 30;

/// A report's filters, parsed: past this point nothing is a raw string from the URL. Whether the
/// owner, team and pipeline exist and are in the user's reach is checked by the server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Filter {
    pub preset: Preset,
    pub span: Span,
    pub pipeline: Option<Uuid>,
    pub owner: Option<Uuid>,
    pub team: Option<String>,
    pub source: Option<String>,
    /// Amounts are never summed across currencies: a report reads the deals of one.
    pub currency: String,
    pub by: Option<By>,
    pub quiet_days: i32,
}

fn id(field: &str, raw: &str) -> Result<Option<Uuid>, AppError> {
    match raw.trim() {
        "" => Ok(None),
        s => Uuid::parse_str(s)
            .map(Some)
            .map_err(|_| AppError::invalid(field, Invalid::Choice)),
    }
}

fn text(field: &str, raw: &str) -> Result<Option<String>, AppError> {
    let t = raw.trim();
    if t.chars().count() > 100 {
        return Err(AppError::invalid(field, Invalid::TooLong { max: 100 }));
    }
    if t.contains('\0') {
        return Err(AppError::invalid(field, Invalid::Characters));
    }
    Ok((!t.is_empty()).then(|| t.to_string()))
}

impl Filter {
    /// Parses the URL's filters for `kind` on `today` (in the user's zone); `currency` is the one
    /// to use when the query names none.
    pub fn parse(
        kind: ReportKind,
        q: &ReportQuery,
        today: NaiveDate,
        currency: &str,
    ) -> Result<Filter, AppError> {
        let preset = match q.period.trim() {
            "" => kind.default_preset(),
            p => Preset::parse(p).ok_or_else(|| AppError::invalid("period", Invalid::Choice))?,
        };
        let span = if preset == Preset::Custom {
            let date = |field: &'static str, raw: &str| {
                NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d")
                    .map_err(|_| AppError::invalid(field, Invalid::Date))
            };
            let (from, to) = (date("from", &q.from)?, date("to", &q.to)?);
            Span::custom(from, to).map_err(|(f, why)| AppError::invalid(f, why))?
        } else {
            Span::of(preset, today)
        };
        let currency = match q.currency.trim() {
            "" => currency.to_string(),
            c => crate::money::parse_currency(c)
                .ok_or_else(|| AppError::invalid("currency", Invalid::Choice))?,
        };
        let by = match (kind.groupings(), q.by.trim()) {
            ([], _) => None,
            (all, "") => all.first().copied(),
            (all, b) => Some(
                all.iter()
                    .copied()
                    .find(|g| g.as_str() == b)
                    .ok_or_else(|| AppError::invalid("by", Invalid::Choice))?,
            ),
        };
        let quiet_days = match q.days.trim() {
            "" => DEFAULT_QUIET_DAYS,
            d => d
                .parse::<i32>()
                .ok()
                .filter(|d| (1..=3650).contains(d))
                .ok_or_else(|| AppError::invalid("days", Invalid::Days))?,
        };
        Ok(Filter {
            preset,
            span,
            pipeline: id("pipeline", &q.pipeline)?,
            owner: id("owner", &q.owner)?,
            team: text("team", &q.team)?,
            source: text("source", &q.source)?,
            currency,
            by,
            quiet_days,
        })
    }
}

/// What a column holds, which names its heading in each language.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Head {
    Stage,
    Month,
    Rep,
    Source,
    Reason,
    Team,
    Rank,
    Reached,
    Conversion,
    Share,
    Dropped,
    OpenDeals,
    OpenAmount,
    WonAmount,
    Weighted,
    Forecast,
    Created,
    Won,
    Lost,
    WinRate,
    AvgSize,
    Stays,
    AvgDays,
    CycleDays,
    Velocity,
    Deals,
    Amount,
    Revenue,
    MonthOnMonth,
    YearOnYear,
    Calls,
    Meetings,
    Notes,
    Emails,
    Total,
    PerWeek,
    Quiet,
    Companies,
    Contacts,
    Leads,
    NewCustomers,
    Activities,
    Target,
    Progress,
}

/// One cell. Money is in minor units of the report's currency; shares are in hundredths of a
/// per cent (basis points) and days in tenths, so the numbers stay integers on the wire.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "t", content = "v", rename_all = "snake_case")]
pub enum Cell {
    Count(i64),
    Money(i64),
    Percent(Option<i64>),
    Days(Option<i64>),
}

impl Cell {
    /// The number a chart plots.
    pub fn value(&self) -> i64 {
        match self {
            Cell::Count(n) | Cell::Money(n) => *n,
            Cell::Percent(p) | Cell::Days(p) => p.unwrap_or(0),
        }
    }
}

/// What names a row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "t", content = "v", rename_all = "snake_case")]
pub enum Label {
    Text(String),
    Month(NaiveDate),
    /// A group with no value (deals without a source, lost without a reason).
    Unset,
    /// The sum or average of all rows.
    Total,
    /// The rows past the hundredth, summed as one.
    Other,
    /// A colleague whose name the user's role may not see, by rank.
    Hidden(i64),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Line {
    pub label: Label,
    pub cells: Vec<Cell>,
    /// The list or board behind the row (a stage's deals, a rep's deals).
    pub link: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChartKind {
    /// One bar per row for each plotted column, side by side.
    Bars,
    /// The plotted columns stacked in one bar per row.
    Stacked,
    /// A line per plotted column across the rows (months).
    Line,
    /// Horizontal bars narrowing from the first row, centred.
    Funnel,
}

/// A report's result: its rows under `columns`, which of them the chart plots, and how.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    pub kind: ReportKind,
    pub span: Span,
    pub currency: String,
    /// What the first column's labels are.
    pub rows_are: Head,
    pub columns: Vec<Head>,
    pub rows: Vec<Line>,
    pub total: Option<Line>,
    pub chart: ChartKind,
    /// Indexes into `columns` of the plotted series.
    pub plotted: Vec<usize>,
}

/// The choices the filter bar offers, from the data in the user's reach.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choices {
    pub pipelines: Vec<(Uuid, String)>,
    pub owners: Vec<(Uuid, String)>,
    pub teams: Vec<String>,
    pub sources: Vec<String>,
    pub currency: String,
}

#[cfg(test)]
#[path = "model_tests.rs"]
mod tests;
