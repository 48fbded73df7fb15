//! Keel's shared crate: the app shell and router on top, one folder per CRM domain below.
#![recursion_limit = "512"]

pub mod activities;
#[cfg(feature = "ssr")]
pub mod announce;
#[cfg(feature = "ssr")]
pub mod audit;
pub mod companies;
pub mod contacts;
pub mod dates;
pub mod deals;
pub mod duplicates;
pub mod error;
pub mod history;
pub mod i18n;
#[cfg(feature = "ssr")]
pub mod idempotency;
pub mod imports;
pub mod labels;
#[cfg(test)]
mod layering_tests;
pub mod leads;
#[cfg(feature = "ssr")]
pub mod lists;
pub mod live;
pub mod merge;
pub mod money;
pub mod notifications;
pub mod offline;
pub mod pwa;
pub mod records;
pub mod reports;
mod shell;
pub mod tickets;
pub mod tokens;
pub mod trash;
pub mod ui;
pub mod users;
pub mod webhooks;

#[cfg(feature = "hydrate")]
pub use shell::started;
pub use shell::{App, FrontEnd, shell};
