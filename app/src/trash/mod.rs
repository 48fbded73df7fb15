//! The trash: deleted contacts, companies and leads, restorable for 30 days by their owner or an
//! administrator; a purge job that then removes them with their personal data; and "forget this
//! person" for privacy requests.
pub mod api;
#[cfg(feature = "ssr")]
pub mod db;
pub mod model;
pub mod views;
