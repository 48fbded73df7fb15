//! CSV imports of contacts, companies, leads and deals: upload, column mapping with guesses,
//! preview, duplicates, written in batches with their progress in Postgres.
pub mod api;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod launch;
#[cfg(feature = "ssr")]
pub mod lines;
pub mod model;
#[cfg(feature = "ssr")]
pub mod runs;
#[cfg(feature = "ssr")]
mod upload;
pub mod views;
