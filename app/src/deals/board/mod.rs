//! Pipelines, stages and deals: the drag-and-drop board, moves, won/lost, live events.
pub mod api;
pub mod dom;
pub mod model;
pub mod rank;
pub mod views;

#[cfg(feature = "ssr")]
pub mod db;
