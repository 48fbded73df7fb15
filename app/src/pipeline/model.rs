//! Pipeline types shared by both sides.
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::money::Money;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PipelineId(pub Uuid);

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct StageId(pub Uuid);

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StageSummary {
    pub id: StageId,
    pub name: String,
    pub win_probability: i16,
    pub open_deals: i64,
    /// Open deal value per currency, largest first.
    pub totals: Vec<Money>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PipelineSummary {
    pub id: PipelineId,
    pub name: String,
    pub stages: Vec<StageSummary>,
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
