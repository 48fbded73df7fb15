//! Reusable UI pieces that know no CRM domain.
mod error_message;
mod field;
pub mod url;
pub use error_message::{ErrorMessage, FieldError, RouteErrors, error_text, invalid_text};
pub use field::Field;
