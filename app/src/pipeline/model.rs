//! Pipeline types shared by both sides: the board, its cards, moves, and live events.
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::money::Money;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::Type), sqlx(transparent))]
pub struct PipelineId(pub Uuid);

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::Type), sqlx(transparent))]
pub struct StageId(pub Uuid);

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::Type), sqlx(transparent))]
pub struct DealId(pub Uuid);

/// A pipeline as the board's switcher lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PipelineRef {
    pub id: PipelineId,
    pub name: String,
}

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

/// The live event sent when a deal changes; small on purpose (ids and versions only).
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

/// Cards a column shows before "show more".
pub const COLUMN_PAGE: i64 = 50;
