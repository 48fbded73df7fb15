//! The home dashboard: what each role opens the day with. Sales: their open deals by stage, won
//! this month against their target, tasks due today, deals going stale. Managers (and admins and
//! viewers): the funnel, the forecast for the next three months, win rates and the ranking.
//! Support: their breached tickets and the age of their backlog.
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::model::Report;

/// A deal past its stage's rotting days.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaleDeal {
    pub id: Uuid,
    pub title: String,
    pub days: i64,
}

/// Won value this month against the month's target, in one currency.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    pub won: i64,
    pub target: i64,
    pub currency: String,
}

/// A support agent's queue: breached tickets, and open tickets by age (under a day, 1–3 days,
/// 3–7 days, older).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Backlog {
    pub breached: i64,
    pub ages: [i64; 4],
}

/// The cards of one user's dashboard; a card a role does not have is absent, not empty.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dashboard {
    pub pipeline: Option<Report>,
    pub progress: Option<Progress>,
    pub tasks_today: Option<i64>,
    pub stale: Option<(i64, Vec<StaleDeal>)>,
    pub funnel: Option<Report>,
    pub forecast: Option<Report>,
    pub win_rate: Option<Report>,
    pub ranking: Option<Report>,
    pub backlog: Option<Backlog>,
}
