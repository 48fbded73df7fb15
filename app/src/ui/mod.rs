//! Reusable UI pieces that know no CRM domain.
mod error_message;
pub use error_message::{ErrorMessage, FieldError, RouteErrors, error_text, invalid_text};
