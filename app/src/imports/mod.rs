//! Imports of contacts, companies, leads, deals and notes from CSV or a workbook, in the shapes
//! other CRMs export: upload, column mapping with guesses, values mapped, preview, duplicates and
//! the old system's ids, written in batches with their progress in Postgres.
pub mod api;
#[cfg(feature = "ssr")]
pub mod db;
pub mod headers;
pub mod kind;
#[cfg(feature = "ssr")]
pub mod launch;
#[cfg(feature = "ssr")]
pub mod lines;
#[cfg(feature = "ssr")]
mod links;
pub mod model;
#[cfg(feature = "ssr")]
mod new_contacts;
#[cfg(feature = "ssr")]
pub mod runs;
pub mod shapes;
#[cfg(feature = "ssr")]
pub mod sheets;
#[cfg(feature = "ssr")]
mod upload;
pub mod values;
mod values_view;
pub mod views;
#[cfg(feature = "ssr")]
mod write;
