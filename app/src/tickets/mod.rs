//! The service desk: tickets with their conversation, service-level clocks and queues.
pub mod api;
pub mod customer;
#[cfg(feature = "ssr")]
pub mod db;
pub mod desk;
#[cfg(feature = "ssr")]
pub mod links;
pub mod model;
pub mod public;
#[cfg(feature = "ssr")]
pub mod sla;
pub mod views;
