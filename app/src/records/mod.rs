//! What the customer lists share: URL-held view state parsed into a typed filter, scoped search
//! and keyset pages, saved views, bulk changes, export, and the list and record pages' parts. It is
//! handed the lists it works on (`list`), and names none.
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
#[cfg(feature = "ssr")]
pub mod list;
pub mod model;
pub mod views;
