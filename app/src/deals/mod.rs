//! Deals: the board (`board/`: stages as columns, drag and drop, won/lost; kept live by `live`),
//! pipeline and stage settings (`settings/`), a deal's own page and the deals table.
pub mod api;
pub mod board;
#[cfg(feature = "ssr")]
pub mod db;
pub mod model;
pub mod settings;
pub mod table;
pub mod views;
