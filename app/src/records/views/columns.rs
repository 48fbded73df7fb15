//! A list's columns: their labels and cells, the row fields every customer list shares
//! (`CommonRow`), and the columns built from them (owner, tags, source, added).
use leptos::prelude::*;

use crate::i18n::*;

/// A translated label (called inside a reactive closure, so it follows the language switch).
pub type Label = fn(Locale) -> String;

/// One column of a list.
pub struct Column<R> {
    pub key: &'static str,
    pub label: Label,
    /// Whether the list can be ordered by it (the server knows the same keys).
    pub sortable: bool,
    /// Shown before the user chooses columns.
    pub default: bool,
    pub cell: fn(&R) -> AnyView,
}

/// An optional text as a cell.
pub fn text(v: &Option<String>) -> AnyView {
    v.clone().unwrap_or_default().into_any()
}

/// What every customer list row has: the columns all three lists share are built from it.
pub trait CommonRow {
    fn record_id(&self) -> uuid::Uuid;
    fn record_name(&self) -> &str;
    fn owner_name(&self) -> &Option<String>;
    fn tags(&self) -> &[String];
    fn source(&self) -> &Option<String>;
    fn created_at(&self) -> chrono::DateTime<chrono::Utc>;
}

/// Implements `CommonRow` for a row with a typed `id`, its name field, and `owner_name`, `tags`,
/// `source` and `created_at` fields.
macro_rules! common_row {
    ($row:ty, $name:ident) => {
        impl $crate::records::views::CommonRow for $row {
            fn record_id(&self) -> uuid::Uuid {
                self.id.0
            }
            fn record_name(&self) -> &str {
                &self.$name
            }
            fn owner_name(&self) -> &Option<String> {
                &self.owner_name
            }
            fn tags(&self) -> &[String] {
                &self.tags
            }
            fn source(&self) -> &Option<String> {
                &self.source
            }
            fn created_at(&self) -> chrono::DateTime<chrono::Utc> {
                self.created_at
            }
        }
    };
}
pub(crate) use common_row;

pub fn owner_column<R: CommonRow>() -> Column<R> {
    Column {
        key: "owner",
        label: |l| td_string!(l, contacts.col_owner).to_string(),
        sortable: true,
        default: true,
        cell: |r| text(r.owner_name()),
    }
}

pub fn tags_column<R: CommonRow>() -> Column<R> {
    Column {
        key: "tags",
        label: |l| td_string!(l, contacts.tags).to_string(),
        sortable: false,
        default: false,
        cell: |r| r.tags().join(", ").into_any(),
    }
}

pub fn source_column<R: CommonRow>(default: bool) -> Column<R> {
    Column {
        key: "source",
        label: |l| td_string!(l, contacts.source).to_string(),
        sortable: true,
        default,
        cell: |r| text(r.source()),
    }
}

pub fn created_column<R: CommonRow>(default: bool) -> Column<R> {
    Column {
        key: "created",
        label: |l| td_string!(l, contacts.col_created).to_string(),
        sortable: true,
        default,
        cell: |r| {
            view! { <crate::ui::LocalDate date=r.created_at().date_naive() short=true /> }
                .into_any()
        },
    }
}
