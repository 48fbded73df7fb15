//! The companies list as the shared list machinery is handed it (bulk changes, saved views,
//! Its SQL is `db::LIST`; its columns are those its page shows.
use crate::records::list::{ListDef, heads};
use crate::records::model::ListKind;

pub const LIST_DEF: ListDef = ListDef {
    kind: ListKind::Companies,
    sql: &super::db::LIST,
    columns: || heads(super::views::columns()),
};
