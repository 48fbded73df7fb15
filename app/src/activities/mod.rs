//! Activities: the communication history of a record (notes, calls, meetings, emails, field
//! changes) and the follow-up tasks that come out of it.
pub mod api;
pub mod listing;
pub mod model;
pub mod views;
pub mod visits;

#[cfg(feature = "ssr")]
pub mod db;
