//! A deal as a record: its page (facts, inline edit, contacts, history) and the deals of a contact.
pub mod api;
#[cfg(feature = "ssr")]
pub mod db;
pub mod model;
pub mod table;
pub mod views;
