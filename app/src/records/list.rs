//! The lists the shared machinery works on, as it is handed them: each list's kind, SQL and
//! columns (`ListDef`, declared by the domain that holds the list), and every list by kind
//! (`Lists`, filled above the domains and put in each request's context by the server).
use leptos::prelude::use_context;

use super::db::ListSql;
use super::model::ListKind;
use super::views::{Column, Label};
use crate::error::AppError;

/// A column as a file or a chooser needs it: key, label, and whether it is shown by default.
pub type ColumnHead = (&'static str, Label, bool);

/// A list page's columns without their cells.
pub fn heads<R>(columns: Vec<Column<R>>) -> Vec<ColumnHead> {
    columns
        .into_iter()
        .map(|c| (c.key, c.label, c.default))
        .collect()
}

/// One customer list as its domain hands it to the shared machinery (bulk changes, saved views,
/// export).
#[derive(Clone, Copy)]
pub struct ListDef {
    pub kind: ListKind,
    pub sql: &'static ListSql,
    /// The list page's columns, the record's name first.
    pub columns: fn() -> Vec<ColumnHead>,
}

impl ListDef {
    /// The listed table.
    pub fn table(&self) -> &'static str {
        self.kind.as_str()
    }

    /// What the list's history rows call one of its records.
    pub fn entity(&self) -> &'static str {
        self.kind.entity()
    }
}

/// Every list by its kind: what a server function that is told only a `ListKind` works on.
#[derive(Clone, Copy)]
pub struct Lists(fn(ListKind) -> ListDef);

impl Lists {
    pub const fn new(by_kind: fn(ListKind) -> ListDef) -> Lists {
        Lists(by_kind)
    }

    pub fn get(&self, kind: ListKind) -> ListDef {
        (self.0)(kind)
    }

    /// The lists the server put in this request's context.
    pub fn from_context() -> Result<Lists, AppError> {
        use_context::<Lists>().ok_or_else(|| AppError::internal("Lists missing from context"))
    }
}
