//! The administrators' audit log: every change to customer records and deals, filtered by who,
//! what kind of record and when.
pub mod api;
#[cfg(feature = "ssr")]
pub mod db;
pub mod model;
pub mod views;
