//! The service desk: tickets with their conversation, service-level clocks and queues.
pub mod api;
#[cfg(feature = "ssr")]
pub mod db;
pub mod desk;
pub mod model;
#[cfg(feature = "ssr")]
pub mod sla;
pub mod views;
