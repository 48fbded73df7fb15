//! Dates and instants shown in the UI's language inside a `<time>` element that keeps the
//! machine-readable form; switching language rewrites them.
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use leptos::prelude::*;

use crate::dates::{format_date, format_date_short, format_datetime, iso, parse_iso};
use crate::i18n::*;

/// ```text
/// view! { <LocalDate date=deal.expected_close_date.unwrap() short=true /> }
/// ```
/// en "Nov 29, 2026"; zh-CN "2026年11月29日", or "2026-11-29" when `short` (table cells, cards).
#[component]
pub fn LocalDate(date: NaiveDate, #[prop(optional)] short: bool) -> impl IntoView {
    let i18n = use_i18n();
    let shown = move || {
        if short {
            format_date_short(i18n.get_locale(), date)
        } else {
            format_date(i18n.get_locale(), date)
        }
    };
    view! { <time datetime=iso(date)>{shown}</time> }
}

/// ```text
/// view! { <LocalDateTime at=contact.updated_at /> }
/// ```
/// en "Nov 29, 2026, 14:05 UTC"; zh-CN "2026年11月29日 14:05 UTC".
#[component]
pub fn LocalDateTime(at: DateTime<Utc>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <time datetime=at.to_rfc3339_opts(SecondsFormat::Secs, true)>
            {move || format_datetime(i18n.get_locale(), at)}
        </time>
    }
}

/// ```text
/// view! { <del><LocalValue raw=change.old /></del> }
/// ```
/// A stored field value as text (a record's history): an ISO date is written in the UI's
/// language; anything else is shown as it is.
#[component]
pub fn LocalValue(raw: String) -> impl IntoView {
    match parse_iso(&raw) {
        Some(date) => view! { <LocalDate date /> }.into_any(),
        None => raw.into_any(),
    }
}
