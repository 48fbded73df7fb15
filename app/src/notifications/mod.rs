//! In-app notifications: a ticket given to the user, a breach on their ticket, a reply on it, an
//! @mention of them in a note on a ticket, customer or deal. Each links to its record; the bell in
//! the shell counts the unread ones and is kept live by the event stream.
pub mod api;
#[cfg(feature = "ssr")]
pub mod db;
pub mod model;
pub mod views;
