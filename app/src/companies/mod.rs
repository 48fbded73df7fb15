//! Companies: the organisations our contacts work for.
pub mod api;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod list;
pub mod model;
pub mod views;
