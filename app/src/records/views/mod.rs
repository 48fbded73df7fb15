//! The list and record pages every customer list shares: the list page (saved views, filters,
//! column chooser, sortable table, bulk bar, keyset pager, all driven by the URL), and a record's
//! page, editor, create form and related lists. Each part has its own file.
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::records::model::{ListKind, ListQuery};

mod bulk;
mod columns;
mod editor;
mod filters;
mod form;
mod list;
mod page;
mod related;
mod saved_views;
mod table;
mod trash_button;

pub(crate) use columns::common_row;
pub use columns::{
    Column, CommonRow, Label, created_column, owner_column, source_column, tags_column, text,
};
pub use editor::{RecordEditor, VersionedEdit, fact, fact_view};
pub use form::CreateForm;
pub use list::RecordList;
pub use page::{RecordPage, id_param};
pub use related::Related;
pub use table::{ListCount, Pager};
pub use trash_button::TrashButton;

/// What a list page needs to know about its records.
pub struct ListSpec<R> {
    pub kind: ListKind,
    pub title: Label,
    /// The first column names the record and links to it; it is always shown.
    pub columns: Vec<Column<R>>,
    /// Status filter values with their labels (empty: no status filter).
    pub statuses: Vec<(&'static str, Label)>,
}

/// The list's view state from the URL.
pub fn use_list_query() -> Memo<ListQuery> {
    let params = use_query_map();
    Memo::new(move |_| {
        let m = params.read();
        ListQuery::from_params(|k| m.get(k), m.get_all("col").unwrap_or_default())
    })
}
