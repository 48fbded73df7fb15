//! Insight: reports (funnel, forecast, win rate, cycle, velocity, lost reasons, revenue,
//! activities, new customers, rankings, targets), the home dashboard and sales targets.
pub mod api;
#[cfg(feature = "ssr")]
pub mod db;
pub mod figures;
pub mod home;
pub mod model;
pub mod period;
pub mod targets;
pub mod views;
