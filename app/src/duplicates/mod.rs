//! Likely duplicates: a warning while a record is created, and the Duplicates page that lists
//! groups of records sharing an email, a phone or a name.
pub mod api;
#[cfg(feature = "ssr")]
pub mod db;
pub mod merge_with;
pub mod model;
pub mod views;
