//! Merging two contacts or two companies: the user picks each field's value; every timeline
//! entry, task, deal and linked record of the other one moves to the one kept, in one transaction
//! with an audit row on each.
pub mod api;
#[cfg(feature = "ssr")]
pub mod db;
pub mod model;
pub mod views;
