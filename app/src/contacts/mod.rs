//! Contacts: the people we deal with, their details, search and edits.
pub mod api;
pub mod model;
pub mod views;

#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod list;
