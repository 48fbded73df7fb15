//! Leads: unqualified prospects, worked until they are qualified and converted into a contact,
//! a company and optionally a deal.
pub mod api;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod list;
pub mod model;
pub mod views;
