//! Companies: the organisations our contacts work for.
pub mod api;
#[cfg(feature = "ssr")]
pub mod db;
pub mod model;
pub mod views;
