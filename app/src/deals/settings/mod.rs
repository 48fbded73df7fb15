//! Settings for pipelines and their stages (administrators): add, rename, reorder, and archive a
//! stage with its deals moved to another.
pub mod api;
#[cfg(feature = "ssr")]
pub mod db;
pub mod model;
pub mod views;
