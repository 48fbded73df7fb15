//! The list's table: the columns shown, sortable headers (kept in view while the rows scroll), a
//! tick per row for bulk changes, each row's own actions (edit, delete), the count, and the keyset
//! pager.
use leptos::prelude::*;
use leptos_router::components::A;

use super::bulk::{Bulk, BulkBar};
use super::{CommonRow, Label, ListSpec};
use crate::i18n::*;
use crate::money::Money;
use crate::records::model::{BulkAction, BulkTarget, ListKind, ListPage, ListQuery};

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
        return view! { <EmptyList kind=spec.with_value(|s| s.kind) filtered=query.first_page() != ListQuery::default() /> }.into_any();
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
    let shown = spec.with_value(|s| shown_columns(s, &query));
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
            let (id, name) = (r.record_id(), r.record_name().to_string());
            // The name cell describes the row's own actions ("Edit", for this record).
            let cells = shown
                .iter()
                .map(|&i| {
                    let named = (i == 0).then(|| format!("row-{id}"));
                    spec.with_value(|s| view! { <td id=named>{(s.columns[i].cell)(r)}</td> })
                })
                .collect_view();
            let actions = view! { <RowActions kind id bulk /> };
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
                    {actions}
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
    view! {
        <BulkBar kind query=query.clone() total=total.min(limit) shown=page.rows.len() statuses bulk />
        <div class="table-wrap">
            <table class="records" aria-label=move || title(i18n.get_locale())>
                <thead><tr>
                    <th scope="col" class="pick"><input type="checkbox" aria-label=move || t_string!(i18n, bulk.select_page) prop:checked=all_on_page on:change=toggle_page /></th>
                    {headers}
                    <th scope="col" class="row-actions-head"><span class="visually-hidden">{t!(i18n, list.row_actions)}</span></th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        <Pager first next />
    }
    .into_any()
}

/// Column indexes in display order: the name column, then the chosen (or default) ones.
pub(super) fn shown_columns<R>(spec: &ListSpec<R>, query: &ListQuery) -> Vec<usize> {
    let mut shown = vec![0];
    if query.cols.is_empty() {
        shown.extend((1..spec.columns.len()).filter(|&i| spec.columns[i].default));
    } else {
        shown.extend(
            query
                .cols
                .iter()
                .filter_map(|k| spec.columns.iter().position(|c| c.key == *k))
                .filter(|&i| i != 0),
        );
    }
    shown
}

/// A row's own actions, shown when the pointer is over the row or focus is in it (always on a
/// touch screen): open it for editing, or delete it after a second press.
#[component]
fn RowActions(kind: ListKind, id: uuid::Uuid, bulk: Bulk) -> impl IntoView {
    let i18n = use_i18n();
    let confirming = RwSignal::new(false);
    let pending = RwSignal::new(false);
    let edit = format!("{}/{id}?edit=1", kind.path());
    let delete = move |_| {
        confirming.set(false);
        bulk.apply(
            kind,
            BulkTarget::Ids(vec![id]),
            BulkAction::Delete,
            pending,
            move || {
                bulk.selected.update(|s| s.retain(|x| *x != id));
            },
        );
    };
    let row = StoredValue::new(format!("row-{id}"));
    view! {
        <td class="row-actions">
            <Show
                when=move || confirming.get()
                // Rows' links are plain `<a>`s: the router takes their clicks all the same, and a
                // router `<A>` tracks whether it is the current page, which a row's never is.
                fallback=move || view! {
                    <a href=edit.clone() class="button small" aria-describedby=row.get_value()>{t!(i18n, list.edit)}</a>
                    <button type="button" class="small" aria-describedby=row.get_value() on:click=move |_| confirming.set(true)>{t!(i18n, list.delete)}</button>
                }
            >
                <button type="button" class="small danger" disabled=move || pending.get() aria-describedby=row.get_value() on:click=delete>{t!(i18n, bulk.confirm_delete)}</button>
                <button type="button" class="small" on:click=move |_| confirming.set(false)>{t!(i18n, list.cancel)}</button>
            </Show>
        </td>
    }
}

/// What an empty list says: nothing matches the filters (with a way back to all), or, for a list
/// with no records yet, where to start (a new one, or an import).
#[component]
fn EmptyList(kind: ListKind, filtered: bool) -> impl IntoView {
    let i18n = use_i18n();
    let path = kind.path();
    if filtered {
        return view! {
            <div class="empty-state" role="status">
                <p class="empty-title">{t!(i18n, list.none)}</p>
                <A href=path attr:class="button">{t!(i18n, list.clear_filters)}</A>
            </div>
        }
        .into_any();
    }
    view! {
        <div class="empty-state" role="status">
            <p class="empty-title">{t!(i18n, list.empty_title)}</p>
            <p class="muted">{t!(i18n, list.empty_hint)}</p>
            <div class="page-actions">
                <A href=format!("{path}/import") attr:class="button">{t!(i18n, list.empty_import)}</A>
                <A href=format!("{path}/new") attr:class="button primary">{t!(i18n, list.empty_new)}</A>
            </div>
        </div>
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
