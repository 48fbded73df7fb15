//! Deal types shared by both sides: the ids (pipeline, stage, deal), a deal's detail, its editable
//! fields and contacts, and the deals table's query, page and fields.
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::{AppError, Invalid};
use crate::money::Money;
use crate::records::fields::Fields;
use crate::records::model::ListPage;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::Type), sqlx(transparent))]
pub struct PipelineId(pub Uuid);

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::Type), sqlx(transparent))]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct StageId(pub Uuid);

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::Type), sqlx(transparent))]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DealId(pub Uuid);

/// A pipeline as the board's switcher lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PipelineRef {
    pub id: PipelineId,
    pub name: String,
}

/// The longest deal title: checked when parsed, stated by the form (`maxlength`).
pub const TITLE_MAX: u32 = 300;

pub use crate::money::CURRENCIES;

/// Everything the deal page shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Deal {
    pub id: DealId,
    pub title: String,
    pub value_minor: i64,
    pub currency: String,
    pub company_id: Option<Uuid>,
    pub company_name: Option<String>,
    pub owner_name: Option<String>,
    pub pipeline_name: String,
    pub stage_id: StageId,
    pub stage_name: String,
    /// The stage's default, used unless the deal overrides it.
    pub stage_probability: i16,
    pub probability: Option<i16>,
    pub status: String,
    pub lost_reason: Option<String>,
    pub expected_close_date: Option<NaiveDate>,
    pub stage_entered_at: DateTime<Utc>,
    pub version: i32,
    pub updated_at: DateTime<Utc>,
}

impl Deal {
    pub fn value(&self) -> Money {
        Money {
            minor: self.value_minor,
            currency: self.currency.clone(),
        }
    }

    pub fn win_probability(&self) -> i16 {
        self.probability.unwrap_or(self.stage_probability)
    }
}

/// The deal form as typed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DealInput {
    pub title: String,
    #[serde(default)]
    pub value: String,
    #[serde(default)]
    pub currency: String,
    #[serde(default)]
    pub expected_close_date: String,
    /// Empty: the stage's default.
    #[serde(default)]
    pub probability: String,
}

/// A checked deal form.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct DealDraft {
    pub title: String,
    pub value_minor: i64,
    pub currency: String,
    pub expected_close_date: Option<NaiveDate>,
    pub probability: Option<i16>,
}

impl DealInput {
    pub fn parse(&self) -> Result<DealDraft, AppError> {
        let mut f = Fields::default();
        let title = f.required("title", &self.title, TITLE_MAX);
        let value_minor = match self.value.trim() {
            "" => 0,
            t => Money::parse_major(t).unwrap_or_else(|| {
                f.fail("value", Invalid::Amount);
                0
            }),
        };
        let currency = f
            .choice("currency", &self.currency, |c| {
                let c = c.to_uppercase();
                CURRENCIES.contains(&c.as_str()).then_some(c)
            })
            .unwrap_or_else(|| crate::money::DEFAULT_CURRENCY.to_string());
        let expected_close_date = f.date("expected_close_date", &self.expected_close_date, None);
        let probability = match self.probability.trim().trim_end_matches('%') {
            "" => None,
            t => match t.trim().parse::<i16>() {
                Ok(p) if (0..=100).contains(&p) => Some(p),
                _ => {
                    f.fail("probability", Invalid::Percent);
                    None
                }
            },
        };
        f.finish(DealDraft {
            title,
            value_minor,
            currency,
            expected_close_date,
            probability,
        })
    }
}

impl From<&Deal> for DealInput {
    fn from(d: &Deal) -> Self {
        let major = d.value_minor / 100;
        let cents = d.value_minor % 100;
        DealInput {
            title: d.title.clone(),
            value: if cents == 0 {
                major.to_string()
            } else {
                format!("{major}.{cents:02}")
            },
            currency: d.currency.clone(),
            expected_close_date: d
                .expected_close_date
                .map(|d| d.to_string())
                .unwrap_or_default(),
            probability: d.probability.map(|p| p.to_string()).unwrap_or_default(),
        }
    }
}

/// The columns the deals table can be ordered by; the first is its default order.
pub const TABLE_SORTS: [&str; 8] = [
    "close",
    "title",
    "company",
    "value",
    "stage",
    "owner",
    "probability",
    "updated",
];

/// What the deals table shows besides the board's filters, as the URL holds it: which deals by
/// status ("" open, "won", "lost", "all"), the order, and the keyset position.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TableQuery {
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub sort: String,
    #[serde(default)]
    pub desc: bool,
    #[serde(default)]
    pub after: String,
    /// One stage's deals only (a report's stage opened from its chart); empty for every stage.
    #[serde(default)]
    pub stage: String,
    /// Rows per page (the API's `limit`, 1 to `MAX_PAGE_SIZE`); none is `PAGE_SIZE`.
    #[serde(default)]
    pub limit: Option<u32>,
}

impl TableQuery {
    pub fn from_query(get: impl Fn(&str) -> Option<String>) -> Self {
        let g = |k| get(k).unwrap_or_default();
        TableQuery {
            status: g("status"),
            sort: g("sort"),
            desc: g("desc") == "1",
            after: g("after"),
            stage: g("stage"),
            limit: None,
        }
    }

    /// The URL parameters, in order (empty ones are left out of links).
    pub fn pairs(&self) -> [(&'static str, &str); 5] {
        [
            ("status", &self.status),
            ("sort", &self.sort),
            ("desc", if self.desc { "1" } else { "" }),
            ("stage", &self.stage),
            ("after", &self.after),
        ]
    }

    /// The one stage asked for, or a field error.
    pub fn stage_id(&self) -> Result<Option<Uuid>, AppError> {
        match self.stage.trim() {
            "" => Ok(None),
            s => Uuid::parse_str(s)
                .map(Some)
                .map_err(|_| AppError::invalid("stage", Invalid::Choice)),
        }
    }

    /// The order shown: a known column (the default for anything else) and its direction.
    pub fn order(&self) -> (&'static str, bool) {
        match TABLE_SORTS.iter().find(|k| **k == self.sort) {
            Some(k) => (k, self.desc),
            None => (TABLE_SORTS[0], self.desc),
        }
    }

    /// The first page ordered by `key`: ascending, or reversed when already ordered by it.
    pub fn sorted_by(&self, key: &str) -> TableQuery {
        let (current, desc) = self.order();
        TableQuery {
            sort: key.to_string(),
            desc: current == key && !desc,
            after: String::new(),
            ..self.clone()
        }
    }

    /// The statuses shown (`None`: all), or a field error.
    pub fn statuses(&self) -> Result<Option<&'static str>, AppError> {
        match self.status.as_str() {
            "" | "open" => Ok(Some("open")),
            "won" => Ok(Some("won")),
            "lost" => Ok(Some("lost")),
            "all" => Ok(None),
            _ => Err(AppError::invalid("status", Invalid::Choice)),
        }
    }
}

/// A page of the deals table, with what its toolbar and stage pickers need.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DealTablePage {
    pub pipeline: PipelineRef,
    pub pipelines: Vec<PipelineRef>,
    pub stages: Vec<(StageId, String)>,
    pub page: ListPage<Deal>,
}

/// One field of a deal edited in place in the table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DealField {
    Title,
    Value,
    Close,
    Probability,
}

impl DealField {
    /// The form field it is sent as (and errors come back on).
    pub fn key(self) -> &'static str {
        match self {
            DealField::Title => "title",
            DealField::Value => "value",
            DealField::Close => "expected_close_date",
            DealField::Probability => "probability",
        }
    }

    /// Its value in a deal's form.
    pub fn get(self, input: &DealInput) -> &str {
        match self {
            DealField::Title => &input.title,
            DealField::Value => &input.value,
            DealField::Close => &input.expected_close_date,
            DealField::Probability => &input.probability,
        }
    }

    /// The deal's form with this field replaced.
    pub fn with(self, deal: &Deal, raw: String) -> DealInput {
        let mut input = DealInput::from(deal);
        match self {
            DealField::Title => input.title = raw,
            DealField::Value => input.value = raw,
            DealField::Close => input.expected_close_date = raw,
            DealField::Probability => input.probability = raw,
        }
        input
    }
}

/// A contact of a deal, as its page lists them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct DealContact {
    pub id: Uuid,
    pub full_name: String,
    pub title: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_deal_form_parses_money_dates_and_an_optional_probability() {
        let d = DealInput {
            title: " Pilot ".into(),
            value: "¥12,500.50".into(),
            currency: "usd".into(),
            expected_close_date: "2027-01-31".into(),
            probability: "40%".into(),
        }
        .parse()
        .unwrap();
        assert_eq!(
            (
                d.title.as_str(),
                d.value_minor,
                d.currency.as_str(),
                d.probability
            ),
            ("Pilot", 1_250_050, "USD", Some(40))
        );
        assert_eq!(d.expected_close_date, NaiveDate::from_ymd_opt(2027, 1, 31));
    }

    #[test]
    fn the_table_orders_by_known_columns_reverses_on_a_second_click_and_checks_the_status() {
        let q = TableQuery {
            sort: "nonsense".into(),
            after: "abc".into(),
            ..Default::default()
        };
        assert_eq!(q.order(), ("close", false));
        let by_close = q.sorted_by("close");
        assert!(by_close.desc && by_close.after.is_empty());
        assert!(!by_close.sorted_by("value").desc);
        assert_eq!(q.statuses().unwrap(), Some("open"));
        let all = TableQuery {
            status: "all".into(),
            ..Default::default()
        };
        assert_eq!(all.statuses().unwrap(), None);
        let bad = TableQuery {
            status: "maybe".into(),
            ..Default::default()
        };
        assert_eq!(
            bad.statuses().unwrap_err().field("status"),
            Some(Invalid::Choice)
        );
    }

    #[test]
    fn a_deal_form_names_every_bad_field() {
        let e = DealInput {
            title: "".into(),
            value: "lots".into(),
            currency: "XYZ".into(),
            expected_close_date: "soon".into(),
            probability: "140".into(),
        }
        .parse()
        .unwrap_err();
        assert_eq!(e.field("title"), Some(Invalid::Required));
        assert_eq!(e.field("value"), Some(Invalid::Amount));
        assert_eq!(e.field("currency"), Some(Invalid::Choice));
        assert_eq!(e.field("expected_close_date"), Some(Invalid::Date));
        assert_eq!(e.field("probability"), Some(Invalid::Percent));
    }
}
