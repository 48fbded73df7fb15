//! The pipeline board: stages as columns of deal cards, moved by pointer, keyboard or menu, won or
//! lost, with the move arithmetic (`moves`) and rank keys (`rank`) as pure modules.
pub mod api;
pub mod dom;
pub mod model;
pub mod moves;
pub mod rank;
pub mod views;

#[cfg(feature = "ssr")]
pub mod db;
