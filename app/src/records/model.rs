//! The state of a customer list (search, filters, sort, columns, keyset position), which lives in
//! the URL so that a view can be shared and survives a reload; pages of rows; saved views.
use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::{AppError, Invalid};
use crate::ui::url::with_query;

/// Counting stops here: beyond it a list says "10,000+".
pub const COUNT_LIMIT: i64 = 10_000;
/// A search counts less far ("5,000+"): each match it counts is a row to check.
pub const SEARCH_COUNT_LIMIT: i64 = 5_000;
pub const PAGE_SIZE: i64 = 50;
/// The most rows one page of a list holds when asked for more (the API's `limit`).
pub const MAX_PAGE_SIZE: u32 = 200;

/// Days a deleted record can be restored from the trash before the purge removes it.
pub const KEEP_DAYS: i64 = 30;

/// The lists that have views.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ListKind {
    Contacts,
    Companies,
    Leads,
}

impl ListKind {
    pub const ALL: [ListKind; 3] = [ListKind::Contacts, ListKind::Companies, ListKind::Leads];

    /// The kind named `s` ("contacts", "companies", "leads").
    pub fn parse(s: &str) -> Option<ListKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// What its audit rows call a record of this kind.
    pub fn entity(self) -> &'static str {
        match self {
            ListKind::Contacts => "contact",
            ListKind::Companies => "company",
            ListKind::Leads => "lead",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ListKind::Contacts => "contacts",
            ListKind::Companies => "companies",
            ListKind::Leads => "leads",
        }
    }

    /// The list page's path.
    pub fn path(self) -> &'static str {
        match self {
            ListKind::Contacts => "/contacts",
            ListKind::Companies => "/companies",
            ListKind::Leads => "/leads",
        }
    }
}

/// What a list shows, as its URL carries it: text, so that any link round-trips and the filter
/// form shows what was asked. The server parses it into typed values (`filter::ListFilter`: owner,
/// dates, status, sort, search term, cursor) before any SQL is built, refusing bad parts by field.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ListQuery {
    pub q: String,
    /// "" (everyone in scope), "me", or an owner's user id.
    pub owner: String,
    pub tag: String,
    pub source: String,
    pub status: String,
    /// Created within the last days: "0d" (today), "7d", "30d", …
    pub created: String,
    /// Created on or after (YYYY-MM-DD).
    pub from: String,
    /// Created on or before (a date).
    pub to: String,
    /// A column key; "" is the list's default order.
    pub sort: String,
    pub desc: bool,
    /// Opaque keyset cursor from the previous page's `next`.
    pub after: String,
    /// Visible columns, in order; empty shows the list's defaults.
    pub cols: Vec<String>,
    /// Rows per page (the API's `limit`, 1 to `MAX_PAGE_SIZE`); none is `PAGE_SIZE`.
    pub limit: Option<u32>,
}

impl ListQuery {
    /// Reads a query from URL parameters: `get` returns a parameter's first value, `col` the
    /// repeated `col` values a column chooser submits (a shared link carries `cols=a,b` instead).
    pub fn from_params(get: impl Fn(&str) -> Option<String>, col: Vec<String>) -> ListQuery {
        let s = |k: &str| get(k).unwrap_or_default();
        let cols = if col.is_empty() {
            s("cols")
                .split(',')
                .filter(|c| !c.is_empty())
                .map(str::to_string)
                .collect()
        } else {
            col
        };
        ListQuery {
            q: s("q"),
            owner: s("owner"),
            tag: s("tag"),
            source: s("source"),
            status: s("status"),
            created: s("created"),
            from: s("from"),
            to: s("to"),
            sort: s("sort"),
            desc: s("desc") == "1",
            after: s("after"),
            cols,
            limit: None,
        }
    }

    /// `k=v&…` for the non-default parts, in a fixed order.
    pub fn to_query_string(&self) -> String {
        let url = self.href("");
        url.strip_prefix('?').unwrap_or("").to_string()
    }

    /// The list at `path` showing this query.
    pub fn href(&self, path: &str) -> String {
        let cols = self.cols.join(",");
        with_query(
            path,
            &[
                ("q", &self.q),
                ("owner", &self.owner),
                ("tag", &self.tag),
                ("source", &self.source),
                ("status", &self.status),
                ("created", &self.created),
                ("from", &self.from),
                ("to", &self.to),
                ("sort", &self.sort),
                ("desc", if self.desc { "1" } else { "" }),
                ("cols", &cols),
                ("after", &self.after),
            ],
        )
    }

    /// The same view from its first page.
    pub fn first_page(&self) -> ListQuery {
        ListQuery {
            after: String::new(),
            ..self.clone()
        }
    }

    /// The order the list is shown in: the chosen column, else for a search the newest first
    /// (ordering matches by name would walk past every name before them: a search term is
    /// part of the names it finds), else `default` (the name).
    pub fn effective_sort<'a>(&'a self, default: &'a str) -> (&'a str, bool) {
        if !self.sort.is_empty() {
            (&self.sort, self.desc)
        } else if !self.q.trim().is_empty() {
            ("created", true)
        } else {
            (default, self.desc)
        }
    }

    /// The first page sorted by `key`: ascending, or reversed when it is already sorted by it.
    pub fn sorted_by(&self, key: &str, default: &str) -> ListQuery {
        let (current, desc) = self.effective_sort(default);
        ListQuery {
            sort: key.to_string(),
            desc: current == key && !desc,
            ..self.first_page()
        }
    }

    /// The creation-date range the filters ask for (the later of the preset and the start date), checked.
    pub fn created_range(
        &self,
        today: NaiveDate,
    ) -> Result<(Option<NaiveDate>, Option<NaiveDate>), AppError> {
        let date = |field: &str, raw: &str| match raw.trim() {
            "" => Ok(None),
            t => crate::dates::parse_date(t)
                .map(Some)
                .ok_or_else(|| AppError::invalid(field, Invalid::Date)),
        };
        let preset = match self.created.trim() {
            "" => None,
            t => Some(
                t.strip_suffix('d')
                    .and_then(|n| n.parse::<i64>().ok())
                    .filter(|n| (0..=36_500).contains(n))
                    .map(|n| today - Duration::days(n))
                    .ok_or_else(|| AppError::invalid("created", Invalid::Choice))?,
            ),
        };
        let from = date("from", &self.from)?.max(preset);
        Ok((from, date("to", &self.to)?))
    }
}

/// One page of a list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ListPage<R> {
    pub rows: Vec<R>,
    pub next: Option<String>,
    /// Matching records, counted up to `limit + 1`, which means "more than `limit`".
    pub total: i64,
    pub limit: i64,
}

/// A list view a user saved under a name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedView {
    pub id: Uuid,
    pub name: String,
    /// The list's URL query.
    pub query: String,
}

/// The records a bulk action changes: those ticked, or every one matching the view's filters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BulkTarget {
    Ids(Vec<Uuid>),
    Matching(ListQuery),
}

/// A change to many records at once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BulkAction {
    /// Hand the records to another user (an id).
    Owner(Uuid),
    AddTag(String),
    RemoveTag(String),
    /// A lead status.
    Status(String),
    /// Into the trash.
    Delete,
}

/// What a bulk action did: records changed, and those already as asked (left alone).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkOutcome {
    pub changed: i64,
    pub unchanged: i64,
}

/// A user who can own records, for owner filters and pickers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Owner {
    pub id: Uuid,
    pub name: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_survives_the_round_trip_through_its_url() {
        let q = ListQuery {
            q: "王 伟".into(),
            owner: "me".into(),
            created: "7d".into(),
            sort: "created".into(),
            desc: true,
            cols: vec!["name".into(), "email".into()],
            ..Default::default()
        };
        let s = q.to_query_string();
        assert_eq!(
            s,
            "q=%E7%8E%8B%20%E4%BC%9F&owner=me&created=7d&sort=created&desc=1&cols=name%2Cemail"
        );
        let pairs: Vec<(String, String)> = s
            .split('&')
            .map(|kv| {
                let (k, v) = kv.split_once('=').unwrap();
                (k.to_string(), crate::ui::url::decode(v))
            })
            .collect();
        let back = ListQuery::from_params(
            |k| pairs.iter().find(|(pk, _)| pk == k).map(|(_, v)| v.clone()),
            vec![],
        );
        assert_eq!(back, q);
    }

    #[test]
    fn sorting_by_the_active_column_reverses_it_and_starts_over() {
        let q = ListQuery {
            after: "abc".into(),
            ..Default::default()
        };
        let by_name = q.sorted_by("name", "name");
        assert!(by_name.desc && by_name.after.is_empty());
        assert!(!q.sorted_by("created", "name").desc);
        let search = ListQuery {
            q: "wang".into(),
            ..Default::default()
        };
        assert_eq!(
            search.effective_sort("name"),
            ("created", true),
            "a search shows the newest first"
        );
        assert!(
            !search.sorted_by("created", "name").desc,
            "and a click reverses that"
        );
    }

    #[test]
    fn created_ranges_take_a_preset_and_dates_and_refuse_the_rest() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        let q = ListQuery {
            created: "7d".into(),
            from: "2026-01-01".into(),
            to: "2026-11-30".into(),
            ..Default::default()
        };
        assert_eq!(
            q.created_range(today).unwrap(),
            (
                NaiveDate::from_ymd_opt(2026, 11, 18),
                NaiveDate::from_ymd_opt(2026, 11, 30)
            )
        );
        let typed = ListQuery {
            from: "Nov 1, 2026".into(),
            to: "2026年11月30日".into(),
            ..Default::default()
        };
        assert_eq!(
            typed.created_range(today).unwrap(),
            (
                NaiveDate::from_ymd_opt(2026, 11, 1),
                NaiveDate::from_ymd_opt(2026, 11, 30)
            )
        );
        let bad = ListQuery {
            from: "last week".into(),
            ..Default::default()
        };
        assert_eq!(
            bad.created_range(today).unwrap_err().field("from"),
            Some(Invalid::Date)
        );
        let bad = ListQuery {
            created: "forever".into(),
            ..Default::default()
        };
        assert_eq!(
            bad.created_range(today).unwrap_err().field("created"),
            Some(Invalid::Choice)
        );
    }
}
