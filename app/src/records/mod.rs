//! What the customer lists share: URL-held view state, scoped search and keyset pages, saved
//! views, and the list page's toolbar and table.
pub mod api;
#[cfg(feature = "ssr")]
pub mod bulk;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod export;
pub mod fields;
#[cfg(feature = "ssr")]
pub mod filter;
pub mod model;
pub mod views;
