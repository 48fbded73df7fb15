//! Pipelines, stages and deals. For now: the overview of each pipeline's stages.
pub mod api;
pub mod model;
pub mod views;

#[cfg(feature = "ssr")]
pub mod db;
