//! The one error type that crosses the wire between server functions and the UI.
//!
//! Internal causes (SQL, I/O) are logged on the server under an id; only the id travels.
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Why a single field was refused. The UI translates each kind; the server never sends prose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum Invalid {
    Required,
    Email,
    TooShort {
        min: u32,
    },
    TooLong {
        max: u32,
    },
    /// Contains a character that text cannot hold (a NUL byte).
    Characters,
    /// Email or password wrong; deliberately the same for an unknown user.
    Credentials,
    /// The new password and its confirmation differ.
    Mismatch,
    /// A value outside the allowed set (role, locale, …).
    Choice,
    /// Not a phone number: letters, or too few digits.
    Phone,
    /// Not a date (YYYY-MM-DD), or one that cannot be right (a birthday in the future).
    Date,
    /// Not a web address.
    Url,
    /// Only a qualified lead can be converted.
    NotQualified,
    /// Not an amount of money (digits, up to two decimals).
    Amount,
    /// Not a whole percentage from 0 to 100.
    Percent,
    /// Not a whole number of days from 1 to 3650.
    Days,
    /// Not a colour such as #3366ff.
    Colour,
    /// A stage cannot be archived into itself, nor the last stage of a pipeline.
    LastStage,
    /// A record cannot be merged with itself.
    SameRecord,
    /// No contact in the user's reach matches the name, email or phone typed.
    NoCustomer,
    /// Several contacts match the name typed: an email or phone tells them apart.
    ManyCustomers,
    /// Service hours: HH:MM, the end after the start, at least one day open.
    Hours,
    /// A target: whole minutes within a year, resolution no sooner than the first response.
    Minutes,
    /// Not a whole number.
    Number,
    /// A single-use link (a rating link) was used already.
    Used,
    /// A link that expires (a rating link) has.
    Expired,
    /// Days to a return visit: 0 to 365.
    VisitDays,
    /// A range whose end comes before its start.
    DateOrder,
    /// A range longer than a report covers.
    RangeTooLong {
        max_days: u32,
    },
    /// Not a time zone such as Asia/Shanghai.
    TimeZone,
    /// A target: twelve monthly amounts, none negative.
    Target,
    /// More of something than one user may hold (live API tokens).
    TooMany {
        max: u32,
    },
    /// A web address whose host resolves to an address inside the house (loopback, private,
    /// link-local …), which only an administrator may allow.
    PrivateAddress,
    /// A web address whose host name does not resolve.
    UnknownHost,
    /// An imported note names no record in the user's reach by the old system's id.
    Unlinked,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AppError {
    #[error("not signed in")]
    Unauthorized,
    #[error("not allowed")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("invalid input")]
    Validation { fields: BTreeMap<String, Invalid> },
    #[error("changed by someone else")]
    Conflict,
    #[error("too many attempts")]
    RateLimited { retry_after_secs: u32 },
    /// The database did not answer within the request's time budget (a statement or lock
    /// timeout, or no free connection): nothing was changed, and trying again later may work.
    #[error("server busy")]
    Busy,
    #[error("malformed request")]
    BadRequest,
    #[error("server could not be reached")]
    Network,
    #[error("internal error {id}")]
    Internal { id: String },
}

impl AppError {
    /// A validation error on one field.
    pub fn invalid(field: &str, why: Invalid) -> Self {
        AppError::Validation {
            fields: BTreeMap::from([(field.to_string(), why)]),
        }
    }

    /// The refusal for `field`, if this is a validation error naming it.
    pub fn field(&self, field: &str) -> Option<Invalid> {
        match self {
            AppError::Validation { fields } => fields.get(field).copied(),
            _ => None,
        }
    }

    /// HTTP status for this error when it leaves the server.
    pub fn status(&self) -> u16 {
        match self {
            AppError::Unauthorized => 401,
            AppError::Forbidden => 403,
            AppError::NotFound => 404,
            AppError::Validation { .. } => 422,
            AppError::Conflict => 409,
            AppError::RateLimited { .. } => 429,
            AppError::Busy => 503,
            AppError::BadRequest => 400,
            AppError::Network => 503,
            AppError::Internal { .. } => 500,
        }
    }

    /// Log `cause` under a fresh id and return an error that carries only the id.
    #[cfg(feature = "ssr")]
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        let id = uuid::Uuid::new_v4().simple().to_string()[..12].to_string();
        tracing::error!(error_id = %id, cause = %cause, "internal error");
        AppError::Internal { id }
    }
}

/// SQLSTATEs that mean "try again", not "went wrong": `query_canceled` (statement_timeout),
/// `lock_not_available` (lock_timeout), and the two ways Postgres ends one of two transactions
/// that wait on each other (`deadlock_detected`, `serialization_failure`): nothing was written.
#[cfg(feature = "ssr")]
const TIMED_OUT: [&str; 4] = ["57014", "55P03", "40P01", "40001"];

/// A text longer than its column allows (a check named `<field>_max_<n>`, migration 0015), as
/// the validation error the field's own check gives.
#[cfg(feature = "ssr")]
fn length_limit(e: &sqlx::Error) -> Option<AppError> {
    let d = e.as_database_error()?;
    if d.code().as_deref() != Some("23514") {
        return None;
    }
    let (field, max) = d.constraint()?.rsplit_once("_max_")?;
    let max = max.parse().ok()?;
    Some(AppError::invalid(field, Invalid::TooLong { max }))
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        let timed_out = match &e {
            sqlx::Error::PoolTimedOut => true,
            sqlx::Error::Database(d) => d.code().is_some_and(|c| TIMED_OUT.contains(&&*c)),
            _ => false,
        };
        if timed_out {
            tracing::warn!(cause = %e, "database time budget exceeded");
            return AppError::Busy;
        }
        if let Some(refused) = length_limit(&e) {
            return refused;
        }
        AppError::internal(e)
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Request(_) => AppError::Network,
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) => AppError::BadRequest,
            // On the server, what fails to deserialize is the request's body (a JSON argument).
            #[cfg(feature = "ssr")]
            ServerFnErrorErr::Deserialization(_) => AppError::BadRequest,
            other => {
                #[cfg(feature = "ssr")]
                {
                    AppError::internal(other)
                }
                #[cfg(not(feature = "ssr"))]
                {
                    leptos::logging::warn!("server function failed: {other}");
                    AppError::Internal {
                        id: "client".into(),
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_internal_error_serialises_without_its_cause() {
        let e = AppError::Internal { id: "abc".into() };
        let json = serde_json::to_string(&e).unwrap();
        assert_eq!(json, r#"{"kind":"internal","id":"abc"}"#);
    }

    #[test]
    fn a_validation_error_names_its_field_on_the_wire() {
        let e = AppError::invalid("email", Invalid::Email);
        let json = serde_json::to_string(&e).unwrap();
        assert_eq!(
            json,
            r#"{"kind":"validation","fields":{"email":{"rule":"email"}}}"#
        );
        let back: AppError = serde_json::from_str(&json).unwrap();
        assert_eq!(back.field("email"), Some(Invalid::Email));
        assert_eq!(back.status(), 422);
    }

    #[test]
    fn transport_failures_map_to_network_and_bad_arguments_to_bad_request() {
        assert_eq!(
            AppError::from_server_fn_error(ServerFnErrorErr::Request("x".into())),
            AppError::Network
        );
        assert_eq!(
            AppError::from_server_fn_error(ServerFnErrorErr::Args("x".into())),
            AppError::BadRequest
        );
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn sqlx_errors_become_internal_with_an_id_only() {
        let e: AppError = sqlx::Error::RowNotFound.into();
        match e {
            AppError::Internal { id } => assert_eq!(id.len(), 12),
            other => panic!("expected internal, got {other:?}"),
        }
    }
}
