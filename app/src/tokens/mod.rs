//! Personal API tokens: what lets a script, a website form or another system use `/api/v1` as a
//! user, within the grants the token names.
pub mod api;
#[cfg(feature = "ssr")]
pub mod db;
pub mod model;
pub mod views;
