//! CSV imports of contacts: upload, column mapping with guesses, preview, duplicates, one transaction.
pub mod api;
#[cfg(feature = "ssr")]
pub mod db;
pub mod model;
pub mod views;
