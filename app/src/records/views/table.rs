//! The list's table: the columns shown, sortable headers, a tick per row for bulk changes, the
//! count, the export link, and the keyset pager.
use leptos::prelude::*;
use leptos_router::components::A;

use super::bulk::{Bulk, BulkBar};
use super::{CommonRow, Label, ListSpec};
use crate::i18n::*;
use crate::money::Money;
use crate::records::model::{ListPage, ListQuery};

#[component]
pub(super) fn RecordTable<R: CommonRow + Send + Sync + 'static>(
    spec: StoredValue<ListSpec<R>>,
    page: ListPage<R>,
    query: ListQuery,
    bulk: Bulk,
) -> impl IntoView {
    let i18n = use_i18n();
    let (total, limit) = (page.total, page.limit);
    if page.rows.is_empty() {
        return view! { <p class="empty" role="status">{t!(i18n, list.none)}</p> }.into_any();
    }
    let (kind, title) = spec.with_value(|s| (s.kind, s.title));
    let path = kind.path();
    let next = page.next.clone().map(|after| {
        ListQuery {
            after,
            ..query.clone()
        }
        .href(path)
    });
    let first = (!query.after.is_empty()).then(|| query.first_page().href(path));
    // Column indexes in display order: the name column, then the chosen (or default) ones.
    let shown: Vec<usize> = spec.with_value(|s| {
        let mut shown = vec![0];
        if query.cols.is_empty() {
            shown.extend((1..s.columns.len()).filter(|&i| s.columns[i].default));
        } else {
            shown.extend(
                query
                    .cols
                    .iter()
                    .filter_map(|k| s.columns.iter().position(|c| c.key == *k))
                    .filter(|&i| i != 0),
            );
        }
        shown
    });
    // The same view as a file: every matching row, the columns shown, in this order.
    let export = spec.with_value(|s| {
        let cols = shown
            .iter()
            .map(|&i| s.columns[i].key.to_string())
            .collect();
        let q = ListQuery {
            cols,
            ..query.first_page()
        };
        format!("/export/{}.csv{}", kind.as_str(), q.href(""))
    });
    let headers = shown
        .iter()
        .map(|&i| {
            spec.with_value(|s| {
                let c = &s.columns[i];
                let l = c.label;
                let label = move || l(i18n.get_locale());
                if !c.sortable {
                    return view! { <th scope="col">{label}</th> }.into_any();
                }
                let default = s.columns[0].key;
                let (sort, desc) = query.effective_sort(default);
                let aria_sort =
                    (sort == c.key).then_some(if desc { "descending" } else { "ascending" });
                let href = query.sorted_by(c.key, default).href(path);
                view! { <th scope="col" aria-sort=aria_sort><A href=href>{label}</A></th> }
                    .into_any()
            })
        })
        .collect_view();
    let ids: Vec<uuid::Uuid> = page.rows.iter().map(CommonRow::record_id).collect();
    let rows = page
        .rows
        .iter()
        .map(|r| {
            let cells = shown
                .iter()
                .map(|&i| spec.with_value(|s| view! { <td>{(s.columns[i].cell)(r)}</td> }))
                .collect_view();
            let (id, name) = (r.record_id(), r.record_name().to_string());
            let ticked = move || bulk.all_matching.get() || bulk.selected.with(|s| s.contains(&id));
            let toggle = move |ev| {
                let on = event_target_checked(&ev);
                bulk.all_matching.set(false);
                bulk.selected.update(|s| {
                    s.retain(|x| *x != id);
                    if on {
                        s.push(id);
                    }
                });
            };
            view! {
                <tr>
                    <td class="pick"><input type="checkbox" aria-label=move || format!("{} {}", t_string!(i18n, bulk.select), name) prop:checked=ticked on:change=toggle /></td>
                    {cells}
                </tr>
            }
        })
        .collect_view();
    let page_ids = ids.clone();
    let all_on_page = move || {
        bulk.all_matching.get()
            || bulk
                .selected
                .with(|s| page_ids.iter().all(|i| s.contains(i)))
    };
    let toggle_page = move |ev| {
        let on = event_target_checked(&ev);
        bulk.all_matching.set(false);
        bulk.selected.set(if on { ids.clone() } else { Vec::new() });
    };
    let statuses: Vec<(&'static str, Label)> = spec.with_value(|s| s.statuses.clone());
    // The server refuses others too; the button is only hidden from them.
    let can_export =
        use_context::<crate::users::model::CurrentUser>().is_some_and(|u| u.role.can_export());
    view! {
        <div class="list-actions">
            <ListCount total limit />
            {can_export.then(|| view! {
                <a class="button" href=export download rel="external">{t!(i18n, list.export)}</a>
            })}
        </div>
        <BulkBar kind query=query.clone() total=total.min(limit) shown=page.rows.len() statuses bulk />
        <div class="table-wrap">
            <table class="records" aria-label=move || title(i18n.get_locale())>
                <thead><tr>
                    <th scope="col" class="pick"><input type="checkbox" aria-label=move || t_string!(i18n, bulk.select_page) prop:checked=all_on_page on:change=toggle_page /></th>
                    {headers}
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        <Pager first next />
    }
    .into_any()
}

/// "N results", or "10,000+ results" when the count stopped at its limit.
#[component]
pub fn ListCount(total: i64, limit: i64) -> impl IntoView {
    let i18n = use_i18n();
    let count = move || {
        if total > limit {
            let n = Money::grouped(limit);
            t!(i18n, list.count_many, count = move || n.clone()).into_any()
        } else {
            t!(i18n, list.count, count = move || total).into_any()
        }
    };
    view! { <p class="count" role="status">{count}</p> }
}

/// A keyset list's links back to its first page and on to the next.
#[component]
pub fn Pager(first: Option<String>, next: Option<String>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <nav class="pager" aria-label=move || t_string!(i18n, list.pages)>
            {first.map(|href| view! { <A href=href>{t!(i18n, list.first)}</A> })}
            {next.map(|href| view! { <A href=href>{t!(i18n, list.next)}</A> })}
        </nav>
    }
}
