//! The customer lists by kind, as the domains that hold them declare them (each one's `LIST_DEF`):
//! the server hands these to the shared list machinery (`records`), which names no list, and the
//! domains that work across lists (trash, merge, duplicates) read them here. This file stands
//! above contacts, companies and leads, and below those that use it.
use crate::records::db::ListSql;
use crate::records::list::{ListDef, Lists};
use crate::records::model::ListKind;

/// The list of `kind`.
pub fn list(kind: ListKind) -> ListDef {
    match kind {
        ListKind::Contacts => crate::contacts::list::LIST_DEF,
        ListKind::Companies => crate::companies::list::LIST_DEF,
        ListKind::Leads => crate::leads::list::LIST_DEF,
    }
}

/// Every list, for the request context (`records::list::Lists::from_context`).
pub const LISTS: Lists = Lists::new(list);

/// The list's SQL, its table, and the entity its history rows name.
pub fn list_sql(kind: ListKind) -> (&'static ListSql, &'static str, &'static str) {
    let list = list(kind);
    (list.sql, list.table(), list.entity())
}
