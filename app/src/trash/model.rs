//! What the trash shows, on both sides.
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::records::model::ListKind;

/// Days a deleted record can be restored before the purge removes it.
pub const KEEP_DAYS: i64 = 30;

/// A deleted record, who deleted it and how long it stays restorable.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrashItem {
    pub kind: ListKind,
    pub id: Uuid,
    pub name: String,
    pub deleted_at: DateTime<Utc>,
    pub deleted_by: Option<String>,
    pub days_left: i64,
}

/// What a purge removed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Purged {
    pub contacts: i64,
    pub companies: i64,
    pub leads: i64,
    /// Uploaded files emptied a day after their upload (never imported, or stopped).
    pub uploads: i64,
}
