//! The service desk: tickets with their conversation, service-level clocks and queues.
#[cfg(feature = "ssr")]
pub mod sla;
