//! Webhooks: an administrator subscribes a URL to events; each change's events are written to an
//! outbox in the change's transaction and delivered, signed, by the server's worker.
pub mod api;
#[cfg(feature = "ssr")]
pub mod db;
pub mod model;
pub mod views;
