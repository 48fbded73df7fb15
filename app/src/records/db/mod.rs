//! SQL shared by the customer lists: how a list maps onto SQL (`ListSql`), data scope, the typed
//! filter as conditions, keyset pages, saved views, and scoped, audited record writes.
mod filters;
mod keyset;
mod page;
mod saved_views;
mod scope;
mod write;

pub use filters::push_owner_filter;
pub(crate) use filters::{Match, push_filters, push_search, search_mode};
pub(crate) use keyset::{Keyed, keyed_page, push_keyset, push_keyset_filter};
pub use page::page;
pub use saved_views::{SAVED_VIEW_NAME_MAX, delete_view, owners, save_view, saved_views};
pub use scope::{push_scope, require_edit, scope_sql, user_sees_sql};
pub(crate) use write::draft_columns;
pub use write::{Draft, Scalar, fetch_visible, insert, lock_changes, save, set_deleted};

/// How one list maps onto SQL. The listed table's alias is `r`.
pub struct ListSql {
    /// The selected columns (`r.id` among them).
    pub columns: &'static str,
    /// `table r LEFT JOIN …`: what the page reads from.
    pub from: &'static str,
    /// `table r`: what the count reads from (filters only touch `r`).
    pub count_from: &'static str,
    /// The record's name column, for prefix search on very short terms.
    pub name: &'static str,
    /// Sortable columns: key, SQL expression (never NULL), and the expression's SQL type (one
    /// `filter::SortType` reads).
    pub sorts: &'static [(&'static str, &'static str, &'static str)],
    /// Exported columns: key (as the list's columns) and SQL text expression (may be NULL).
    pub export: &'static [(&'static str, &'static str)],
    /// The values of the list's `status` column; empty when it has none (no status filter).
    pub statuses: &'static [&'static str],
}

impl ListSql {
    /// The sort column `key` (the list's first when it has none of that key): its key, SQL
    /// expression and SQL type as declared.
    pub(crate) fn sort(&self, key: &str) -> (&'static str, &'static str, &'static str) {
        *self
            .sorts
            .iter()
            .find(|(k, _, _)| *k == key)
            .unwrap_or(&self.sorts[0])
    }
}
