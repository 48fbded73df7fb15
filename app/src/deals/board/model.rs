//! Board types shared by both sides: the board, its cards and filters, moves, what a deal's change
//! announces, and the `/pipeline` link.
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::deals::model::{DealId, PipelineId, PipelineRef, StageId};
use crate::money::Money;

/// A deal card on the board.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct DealCard {
    pub id: DealId,
    pub stage_id: StageId,
    pub title: String,
    pub company_name: Option<String>,
    pub value_minor: i64,
    pub currency: String,
    pub owner_name: Option<String>,
    pub expected_close_date: Option<NaiveDate>,
    /// Idle in its stage past the stage's rotting limit.
    pub rotting: bool,
    /// Has an open task past its due date.
    pub overdue_task: bool,
    pub rank: String,
    pub version: i32,
    pub stage_entered_at: DateTime<Utc>,
}

impl DealCard {
    pub fn value(&self) -> Money {
        Money {
            minor: self.value_minor,
            currency: self.currency.clone(),
        }
    }
}

/// A stage column: its figures over every open deal in it, and the first cards.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BoardColumn {
    pub id: StageId,
    pub name: String,
    pub win_probability: i16,
    pub colour: Option<String>,
    pub count: i64,
    /// Open value and probability-weighted value, per currency.
    pub totals: Vec<Money>,
    pub weighted: Vec<Money>,
    pub cards: Vec<DealCard>,
    /// More cards than shown: load them after the last shown rank.
    pub more: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Board {
    pub pipeline: PipelineRef,
    pub pipelines: Vec<PipelineRef>,
    pub columns: Vec<BoardColumn>,
}

/// Where a card goes: a stage, and the cards it lands between (absent at either end).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MoveTo {
    pub stage: StageId,
    pub after: Option<DealId>,
    pub before: Option<DealId>,
}

/// What a move or close gives back: the card as stored now.
pub type Moved = DealCard;

/// What a change to a deal announces (`announce`); small on purpose (ids and versions only).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DealEvent {
    pub deal: DealId,
    pub pipeline: PipelineId,
    pub version: i32,
}

/// A deal as related records list it (on a company page).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DealSummary {
    pub id: Uuid,
    pub title: String,
    pub value: Money,
    pub stage: String,
    pub status: String,
}

/// The board's filters as the URL holds them, as typed (the server checks them): whose deals
/// ("" everyone in scope, "me", or a user id), a search in title and company, an expected close
/// date range and a value range (in major units, whatever the currency).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct BoardFilter {
    #[serde(default)]
    pub owner: String,
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub close_from: String,
    #[serde(default)]
    pub close_to: String,
    #[serde(default)]
    pub min_value: String,
    #[serde(default)]
    pub max_value: String,
}

/// The checked ranges of a `BoardFilter`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BoardRange {
    pub close_from: Option<NaiveDate>,
    pub close_to: Option<NaiveDate>,
    pub min_minor: Option<i64>,
    pub max_minor: Option<i64>,
}

impl BoardFilter {
    /// The filter's URL parameters, in order.
    pub fn pairs(&self) -> [(&'static str, &str); 6] {
        [
            ("owner", &self.owner),
            ("q", &self.q),
            ("close_from", &self.close_from),
            ("close_to", &self.close_to),
            ("min_value", &self.min_value),
            ("max_value", &self.max_value),
        ]
    }

    pub fn from_query(get: impl Fn(&str) -> Option<String>) -> Self {
        let g = |k| get(k).unwrap_or_default();
        BoardFilter {
            owner: g("owner"),
            q: g("q"),
            close_from: g("close_from"),
            close_to: g("close_to"),
            min_value: g("min_value"),
            max_value: g("max_value"),
        }
    }

    /// How many of the ranges (close dates, values) are set: the count the toolbar's "Filters"
    /// menu shows (the owner and the search are in view already).
    pub fn active_ranges(&self) -> usize {
        [
            &self.close_from,
            &self.close_to,
            &self.min_value,
            &self.max_value,
        ]
        .into_iter()
        .filter(|v| !v.trim().is_empty())
        .count()
    }

    /// The same filter without its ranges: where "Clear filters" leads.
    pub fn without_ranges(&self) -> Self {
        BoardFilter {
            owner: self.owner.clone(),
            q: self.q.clone(),
            ..Default::default()
        }
    }

    /// The ranges, or a field error for each one that is not a date or an amount.
    pub fn parse(&self) -> Result<BoardRange, crate::error::AppError> {
        use crate::error::Invalid;
        let mut f = crate::records::fields::Fields::default();
        f.optional("q", &self.q, crate::records::fields::SEARCH_MAX);
        let close_from = f.date("close_from", &self.close_from, None);
        let close_to = f.date("close_to", &self.close_to, None);
        let mut amount = |field: &str, raw: &str| match raw.trim() {
            "" => None,
            t => Money::parse_major(t).or_else(|| {
                f.fail(field, Invalid::Amount);
                None
            }),
        };
        let min_minor = amount("min_value", &self.min_value);
        let max_minor = amount("max_value", &self.max_value);
        f.finish(BoardRange {
            close_from,
            close_to,
            min_minor,
            max_minor,
        })
    }
}

/// The longest reason a deal is marked lost with: checked by the server, stated by the form.
pub const LOST_REASON_MAX: u32 = 500;

/// `/pipeline` showing `pipeline` with `filter`, as a table when `table` is given (from its first page).
pub fn board_href(
    pipeline: &str,
    filter: &BoardFilter,
    table: Option<&crate::deals::model::TableQuery>,
) -> String {
    let mut pairs = vec![("pipeline", pipeline)];
    pairs.extend(filter.pairs());
    if let Some(t) = table {
        pairs.push(("view", "table"));
        pairs.extend(t.pairs().into_iter().filter(|(k, _)| *k != "after"));
    }
    crate::ui::url::with_query("/pipeline", &pairs)
}

/// Cards a column shows before "show more".
pub const COLUMN_PAGE: i64 = 50;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_board_search_longer_than_the_search_field_takes_is_refused() {
        let long = BoardFilter {
            q: "x".repeat(crate::records::fields::SEARCH_MAX as usize + 1),
            ..Default::default()
        };
        let e = long.parse().unwrap_err();
        assert_eq!(
            e.field("q"),
            Some(crate::error::Invalid::TooLong {
                max: crate::records::fields::SEARCH_MAX
            })
        );
        let fine = BoardFilter {
            q: "acme".into(),
            ..Default::default()
        };
        assert!(fine.parse().is_ok());
    }

    #[test]
    fn the_filters_menu_counts_the_ranges_set_and_not_the_owner_or_the_search() {
        let none = BoardFilter {
            owner: "me".into(),
            q: "acme".into(),
            min_value: "  ".into(),
            ..Default::default()
        };
        assert_eq!(none.active_ranges(), 0);
        let two = BoardFilter {
            close_from: "2031-01-01".into(),
            max_value: "lots".into(),
            ..none.clone()
        };
        assert_eq!(two.active_ranges(), 2);
    }

    #[test]
    fn clearing_the_filters_keeps_whose_deals_and_the_search() {
        let f = BoardFilter {
            owner: "me".into(),
            q: "acme".into(),
            close_from: "2031-01-01".into(),
            close_to: "2031-12-31".into(),
            min_value: "10".into(),
            max_value: "20".into(),
        };
        let cleared = f.without_ranges();
        assert_eq!(cleared.active_ranges(), 0);
        assert_eq!((cleared.owner.as_str(), cleared.q.as_str()), ("me", "acme"));
    }
}
