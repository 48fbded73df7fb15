//! The list page every customer list shares: saved views, filters, column chooser, sortable
//! table and keyset pager, all driven by the URL.
use std::future::Future;

use leptos::prelude::*;
use leptos_router::components::{A, Form};
use leptos_router::hooks::use_query_map;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::api::{DeleteView, SaveView, bulk_edit, list_owners, saved_views};
use super::model::{BulkAction, BulkOutcome, BulkTarget, ListKind, ListPage, ListQuery};
use crate::error::AppError;
use crate::i18n::*;
use crate::money::Money;
use crate::ui::{ErrorMessage, FieldError};

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
#[macro_export]
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
        cell: |r| r.created_at().format("%Y-%m-%d").to_string().into_any(),
    }
}

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

/// The list's selection for bulk actions, and the last action's outcome (kept across the reload
/// it causes).
#[derive(Clone, Copy)]
struct Bulk {
    selected: RwSignal<Vec<uuid::Uuid>>,
    /// Every record matching the view, not only those ticked.
    all_matching: RwSignal<bool>,
    outcome: RwSignal<Option<Result<BulkOutcome, AppError>>>,
    reload: RwSignal<u32>,
}

#[component]
pub fn RecordList<R, Fut>(spec: ListSpec<R>, fetch: fn(ListQuery) -> Fut) -> impl IntoView
where
    R: CommonRow + Clone + Serialize + DeserializeOwned + Send + Sync + 'static,
    Fut: Future<Output = Result<ListPage<R>, AppError>> + Send + 'static,
{
    let query = use_list_query();
    // Bumped after a bulk action: the page loads again.
    let reload = RwSignal::new(0u32);
    let page = Resource::new(move || (query.get(), reload.get()), move |(q, _)| fetch(q));
    let spec = StoredValue::new(spec);
    let bulk = Bulk {
        selected: RwSignal::new(Vec::new()),
        all_matching: RwSignal::new(false),
        outcome: RwSignal::new(None),
        reload,
    };
    // Another view starts with nothing ticked.
    Effect::new(move |_| {
        query.track();
        bulk.selected.set(Vec::new());
        bulk.all_matching.set(false);
    });
    view! {
        <SavedViews kind=spec.with_value(|s| s.kind) query />
        <Filters spec query />
        <Suspense fallback=|| view! { <div class="skeleton" aria-busy="true"></div> }>
            {move || Suspend::new(async move {
                page.await.map(|p| view! { <RecordTable spec page=p query=query.get_untracked() bulk /> })
            })}
        </Suspense>
    }
}

/// Built-in views, the user's saved views, and a form to save the current one.
#[component]
fn SavedViews(kind: ListKind, query: Memo<ListQuery>) -> impl IntoView {
    let i18n = use_i18n();
    let save = ServerAction::<SaveView>::new();
    let delete = ServerAction::<DeleteView>::new();
    let views = Resource::new(
        move || (save.version().get(), delete.version().get()),
        move |_| saved_views(kind),
    );
    let name = NodeRef::<leptos::html::Input>::new();
    let current = move || query.get().first_page().to_query_string();
    let link = move |label: AnyView, q: ListQuery| {
        let qs = q.to_query_string();
        let active = move || current() == qs;
        view! { <A href=q.href(kind.path()) attr:class=move || if active() { "view active" } else { "view" }>{label}</A> }
    };
    let builtin = [
        (t!(i18n, list.view_all).into_any(), ListQuery::default()),
        (
            t!(i18n, list.view_mine).into_any(),
            ListQuery {
                owner: "me".into(),
                ..Default::default()
            },
        ),
        (
            t!(i18n, list.view_week).into_any(),
            ListQuery {
                created: "7d".into(),
                sort: "created".into(),
                desc: true,
                ..Default::default()
            },
        ),
    ];
    let on_save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let name = name.get().map(|i| i.value()).unwrap_or_default();
        save.dispatch(SaveView {
            list: kind,
            name,
            query: query.get_untracked(),
        });
    };
    let error = Signal::derive(move || {
        save.value()
            .get()
            .and_then(Result::err)
            .or_else(|| delete.value().get().and_then(Result::err))
    });
    view! {
        <nav class="views" aria-label=move || t_string!(i18n, list.views)>
            {builtin.into_iter().map(|(label, q)| link(label, q)).collect_view()}
            <Transition>
                {move || Suspend::new(async move {
                    views.await.map(|vs| vs.into_iter().map(|v| {
                        let q = ListQuery::from_params(|k| query_value(&v.query, k), vec![]);
                        let label = v.name.clone();
                        view! {
                            <span class="saved-view">
                                {link(view! { {v.name.clone()} }.into_any(), q)}
                                <button
                                    type="button"
                                    class="icon"
                                    aria-label=move || format!("{} {}", t_string!(i18n, list.delete_view), label)
                                    on:click=move |_| { delete.dispatch(DeleteView { id: v.id }); }
                                >"×"</button>
                            </span>
                        }
                    }).collect_view())
                })}
            </Transition>
        </nav>
        <form class="save-view" on:submit=on_save>
            <label for="view-name">{t!(i18n, list.view_name)}</label>
            <input id="view-name" name="name" node_ref=name maxlength="100" required aria-invalid=move || error.get().and_then(|e| e.field("name")).is_some().then_some("true") />
            <button type="submit" disabled=move || save.pending().get()>{t!(i18n, list.save_view)}</button>
            <ErrorMessage error />
        </form>
    }
}

/// The first value of `key` in a URL query string.
fn query_value(qs: &str, key: &str) -> Option<String> {
    qs.split('&')
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| *k == key)
        .map(|(_, v)| crate::ui::url::decode(v))
}

#[component]
fn Filters<R: Send + Sync + 'static>(
    spec: StoredValue<ListSpec<R>>,
    query: Memo<ListQuery>,
) -> impl IntoView {
    let i18n = use_i18n();
    let owners = Resource::new(|| (), |_| list_owners());
    let kind = spec.with_value(|s| s.kind);
    let id = move |field: &str| format!("{}-{field}", kind.as_str());
    let statuses: Vec<(&'static str, Label)> = spec.with_value(|s| s.statuses.clone());
    let columns: Vec<(&'static str, Label, bool)> = spec.with_value(|s| {
        s.columns
            .iter()
            .skip(1)
            .map(|c| (c.key, c.label, c.default))
            .collect()
    });
    let q = move || query.get();
    view! {
        <Form method="GET" action=kind.path() attr:class="filters" attr:role="search">
            <div class="filter">
                <label for=id("q")>{t!(i18n, list.search)}</label>
                <input id=id("q") type="search" name="q" maxlength=crate::records::fields::SEARCH_MAX value=move || q().q placeholder=move || t_string!(i18n, list.search_placeholder) />
            </div>
            <div class="filter">
                <label for=id("owner")>{t!(i18n, list.owner)}</label>
                <select id=id("owner") name="owner">
                    <option value="" selected=move || q().owner.is_empty()>{t!(i18n, list.owner_all)}</option>
                    <option value="me" selected=move || q().owner == "me">{t!(i18n, list.owner_me)}</option>
                    <Transition>
                        {move || Suspend::new(async move {
                            owners.await.unwrap_or_default().into_iter().map(|o| {
                                let v = o.id.to_string();
                                let selected = v.clone();
                                view! { <option value=v selected=move || q().owner == selected>{o.name}</option> }
                            }).collect_view()
                        })}
                    </Transition>
                </select>
            </div>
            {(!statuses.is_empty()).then(|| view! {
                <div class="filter">
                    <label for=id("status")>{t!(i18n, list.status)}</label>
                    <select id=id("status") name="status">
                        <option value="" selected=move || q().status.is_empty()>{t!(i18n, list.status_all)}</option>
                        {statuses.into_iter().map(|(v, label)| view! {
                            <option value=v selected=move || q().status == v>{move || label(i18n.get_locale())}</option>
                        }).collect_view()}
                    </select>
                </div>
            })}
            <div class="filter">
                <label for=id("tag")>{t!(i18n, list.tag)}</label>
                <input id=id("tag") name="tag" maxlength="40" value=move || q().tag />
            </div>
            <div class="filter">
                <label for=id("source")>{t!(i18n, list.source)}</label>
                <input id=id("source") name="source" maxlength="100" value=move || q().source />
            </div>
            <div class="filter">
                <label for=id("created")>{t!(i18n, list.created)}</label>
                <select id=id("created") name="created">
                    {[("", 0u8), ("0d", 1), ("7d", 2), ("30d", 3), ("90d", 4)].into_iter().map(|(v, n)| view! {
                        <option value=v selected=move || q().created == v>
                            {match n {
                                0 => t!(i18n, list.created_any).into_any(),
                                1 => t!(i18n, list.created_today).into_any(),
                                2 => t!(i18n, list.created_7).into_any(),
                                3 => t!(i18n, list.created_30).into_any(),
                                _ => t!(i18n, list.created_90).into_any(),
                            }}
                        </option>
                    }).collect_view()}
                </select>
            </div>
            <div class="filter">
                <label for=id("from")>{t!(i18n, list.from)}</label>
                <input id=id("from") type="date" name="from" min="0001-01-01" max="9999-12-31" value=move || q().from />
            </div>
            <div class="filter">
                <label for=id("to")>{t!(i18n, list.to)}</label>
                <input id=id("to") type="date" name="to" min="0001-01-01" max="9999-12-31" value=move || q().to />
            </div>
            <details class="columns">
                <summary>{t!(i18n, list.columns)}</summary>
                <fieldset>
                    <legend class="visually-hidden">{t!(i18n, list.columns)}</legend>
                    {columns.into_iter().map(|(key, label, default)| {
                        let checked = move || { let q = q(); if q.cols.is_empty() { default } else { q.cols.iter().any(|c| c == key) } };
                        view! { <label class="check"><input type="checkbox" name="col" value=key checked=checked />{move || label(i18n.get_locale())}</label> }
                    }).collect_view()}
                </fieldset>
            </details>
            <input type="hidden" name="sort" value=move || q().sort />
            <input type="hidden" name="desc" value=move || if q().desc { "1" } else { "" } />
            <button type="submit">{t!(i18n, list.apply)}</button>
        </Form>
    }
}

#[component]
fn RecordTable<R: CommonRow + Send + Sync + 'static>(
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

/// Actions on the ticked records (or all that match): hand to an owner, add or remove a tag,
/// set a lead's status, delete (after a second press). Shown once something is ticked.
#[component]
fn BulkBar(
    kind: ListKind,
    query: ListQuery,
    /// Records matching the view (as counted), and rows on this page.
    total: i64,
    shown: usize,
    statuses: Vec<(&'static str, Label)>,
    bulk: Bulk,
) -> impl IntoView {
    let i18n = use_i18n();
    let owners = Resource::new(|| (), |_| list_owners());
    let owner = NodeRef::<leptos::html::Select>::new();
    let tag = NodeRef::<leptos::html::Input>::new();
    let status = NodeRef::<leptos::html::Select>::new();
    let confirming = RwSignal::new(false);
    let pending = RwSignal::new(false);
    let query = StoredValue::new(query);
    let run = move |action: BulkAction| {
        let target = if bulk.all_matching.get_untracked() {
            BulkTarget::Matching(query.get_value())
        } else {
            BulkTarget::Ids(bulk.selected.get_untracked())
        };
        pending.set(true);
        confirming.set(false);
        leptos::task::spawn_local(async move {
            let r = bulk_edit(kind, target, action).await;
            if r.is_ok() {
                bulk.selected.set(Vec::new());
                bulk.all_matching.set(false);
                bulk.reload.update(|n| *n += 1);
            }
            bulk.outcome.set(Some(r));
            pending.set(false);
        });
    };
    let value = |n: NodeRef<leptos::html::Select>| n.get().map(|s| s.value()).unwrap_or_default();
    let typed = move || tag.get().map(|i| i.value()).unwrap_or_default();
    let count = move || {
        if bulk.all_matching.get() {
            total
        } else {
            bulk.selected.with(Vec::len) as i64
        }
    };
    let active = move || count() > 0;
    let error = Signal::derive(move || bulk.outcome.get().and_then(Result::err));
    let form_error = Signal::derive(move || {
        error
            .get()
            .filter(|e| !matches!(e, AppError::Validation { .. }))
    });
    let has_status = !statuses.is_empty();
    view! {
        {move || bulk.outcome.get().and_then(Result::ok).map(|o| {
            let (changed, unchanged) = (o.changed, o.unchanged);
            view! { <p class="notice" role="status">{t!(i18n, bulk.done, changed = move || changed, unchanged = move || unchanged)}</p> }
        })}
        <Show when=active>
            <section class="bulk card" aria-label=move || t_string!(i18n, bulk.title)>
                <p>
                    <strong>{move || t!(i18n, bulk.selected, n = move || count())}</strong>
                    {move || (!bulk.all_matching.get() && bulk.selected.with(Vec::len) == shown && total > shown as i64).then(|| view! {
                        " " <button type="button" on:click=move |_| bulk.all_matching.set(true)>{t!(i18n, bulk.select_all, n = move || total)}</button>
                    })}
                    " " <button type="button" on:click=move |_| { bulk.selected.set(Vec::new()); bulk.all_matching.set(false); }>{t!(i18n, bulk.clear)}</button>
                </p>
                <div class="bulk-actions">
                    <span class="filter">
                        <label for="bulk-owner">{t!(i18n, list.owner)}</label>
                        <select id="bulk-owner" node_ref=owner>
                            <Transition>
                                {move || Suspend::new(async move {
                                    owners.await.unwrap_or_default().into_iter().map(|o| view! { <option value=o.id.to_string()>{o.name}</option> }).collect_view()
                                })}
                            </Transition>
                        </select>
                        <button type="button" disabled=move || pending.get() on:click=move |_| {
                            if let Ok(id) = uuid::Uuid::parse_str(&value(owner)) { run(BulkAction::Owner(id)) }
                        }>{t!(i18n, bulk.assign)}</button>
                    </span>
                    <span class="filter">
                        <label for="bulk-tag">{t!(i18n, list.tag)}</label>
                        <input id="bulk-tag" node_ref=tag maxlength="40" aria-describedby="bulk-tag-error" />
                        <button type="button" disabled=move || pending.get() on:click=move |_| run(BulkAction::AddTag(typed()))>{t!(i18n, bulk.add_tag)}</button>
                        <button type="button" disabled=move || pending.get() on:click=move |_| run(BulkAction::RemoveTag(typed()))>{t!(i18n, bulk.remove_tag)}</button>
                        <FieldError id="bulk-tag-error" field="tag" error />
                    </span>
                    {has_status.then(|| view! {
                        <span class="filter">
                            <label for="bulk-status">{t!(i18n, list.status)}</label>
                            <select id="bulk-status" node_ref=status>
                                {statuses.clone().into_iter().map(|(v, label)| view! { <option value=v>{move || label(i18n.get_locale())}</option> }).collect_view()}
                            </select>
                            <button type="button" disabled=move || pending.get() on:click=move |_| run(BulkAction::Status(value(status)))>{t!(i18n, bulk.set_status)}</button>
                        </span>
                    })}
                    <Show
                        when=move || confirming.get()
                        fallback=move || view! { <button type="button" class="danger" on:click=move |_| confirming.set(true)>{t!(i18n, bulk.delete)}</button> }
                    >
                        <span role="alert">{move || t!(i18n, bulk.confirm, n = move || count())}</span>
                        <button type="button" class="danger" disabled=move || pending.get() on:click=move |_| run(BulkAction::Delete)>{t!(i18n, bulk.confirm_delete)}</button>
                        <button type="button" on:click=move |_| confirming.set(false)>{t!(i18n, list.cancel)}</button>
                    </Show>
                </div>
                <ErrorMessage error=form_error />
            </section>
        </Show>
    }
}

/// A saved-record edit's arguments whose expected version can be replaced (to overwrite deliberately).
pub trait VersionedEdit {
    fn set_version(&mut self, version: i32);
}

/// A record's header, its facts, and inline editing with optimistic concurrency: a stale save
/// shows the other person's values and lets the user reload or overwrite deliberately.
#[component]
pub fn RecordEditor<T, S, F, Fut>(
    record: T,
    /// The record's id and version, posted with the form.
    id: String,
    version: i32,
    #[prop(into)] heading: String,
    #[prop(into)] subtitle: String,
    /// Reloads the record (after a save, or to discard a conflicting edit).
    reload: RwSignal<u32>,
    /// "Saved." stays visible across that reload.
    saved: RwSignal<bool>,
    /// Fetches the stored record, to show the other person's values on a conflict.
    current: F,
    version_of: fn(&T) -> i32,
    facts: fn(&T) -> AnyView,
    fields: fn(Signal<Option<AppError>>, &T) -> AnyView,
    /// The save action (the caller names the server function).
    update: ServerAction<S>,
) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    S: leptos::server_fn::ServerFn<Output = i32, Error = AppError>
        + leptos::form::FromFormData
        + VersionedEdit
        + Clone
        + Send
        + Sync
        + 'static,
    F: Fn() -> Fut + Copy + Send + Sync + 'static,
    Fut: Future<Output = Result<T, AppError>> + 'static,
{
    let i18n = use_i18n();
    let editing = RwSignal::new(false);
    let last_attempt = RwSignal::new(None::<S>);
    let theirs = RwSignal::new(None::<T>);

    Effect::new(move |_| match update.value().get() {
        Some(Ok(_)) => {
            editing.set(false);
            theirs.set(None);
            saved.set(true);
            reload.update(|n| *n += 1);
        }
        Some(Err(AppError::Conflict)) => {
            leptos::task::spawn_local(async move {
                if let Ok(stored) = current().await {
                    theirs.set(Some(stored));
                }
            });
        }
        _ => {}
    });
    let error = Signal::derive(move || update.value().get().and_then(Result::err));
    let form_error = Signal::derive(move || {
        error
            .get()
            .filter(|e| !matches!(e, AppError::Validation { .. } | AppError::Conflict))
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if let Ok(args) = S::from_event(&ev) {
            saved.set(false);
            last_attempt.set(Some(args.clone()));
            update.dispatch(args);
        }
    };
    let overwrite = move |_| {
        if let (Some(mut args), Some(stored)) =
            (last_attempt.get_untracked(), theirs.get_untracked())
        {
            args.set_version(version_of(&stored));
            update.dispatch(args);
        }
    };
    let discard = move |_| {
        theirs.set(None);
        editing.set(false);
        reload.update(|n| *n += 1);
    };
    let record = StoredValue::new(record);
    view! {
        <header class="page-header">
            <div>
                <h1>{heading}</h1>
                <p class="subtitle">{subtitle}</p>
            </div>
            <Show when=move || !editing.get()>
                <button type="button" on:click=move |_| { saved.set(false); editing.set(true) }>{t!(i18n, list.edit)}</button>
            </Show>
        </header>
        <Show when=move || saved.get()>
            <p class="notice" role="status">{t!(i18n, list.saved)}</p>
        </Show>
        {move || theirs.get().map(|other| view! {
            <section class="conflict" role="alert" aria-labelledby="conflict-title">
                <h2 id="conflict-title">{t!(i18n, list.conflict_title)}</h2>
                <h3>{t!(i18n, list.conflict_theirs)}</h3>
                {facts(&other)}
                <div class="actions">
                    <button type="button" on:click=discard>{t!(i18n, list.conflict_reload)}</button>
                    <button type="button" class="primary" on:click=overwrite>{t!(i18n, list.conflict_overwrite)}</button>
                </div>
            </section>
        })}
        <Show
            when=move || editing.get()
            fallback=move || view! { <section class="card" aria-label=move || t_string!(i18n, list.details)>{record.with_value(facts)}</section> }
        >
            <section class="card">
                <form class="form" novalidate on:submit=on_submit>
                    <input type="hidden" name="id" value=id.clone() />
                    <input type="hidden" name="version" value=version />
                    {record.with_value(|r| fields(error, r))}
                    <ErrorMessage error=form_error />
                    <div class="actions">
                        <button type="button" on:click=move |_| editing.set(false)>{t!(i18n, list.cancel)}</button>
                        <button type="submit" class="primary" disabled=move || update.pending().get()>{t!(i18n, list.save)}</button>
                    </div>
                </form>
            </section>
        </Show>
    }
}

/// A term and its value in a record's facts, left out when the value is empty.
pub fn fact(label: Label, value: String) -> Option<impl IntoView> {
    let i18n = use_i18n();
    (!value.is_empty())
        .then(|| view! { <dt>{move || label(i18n.get_locale())}</dt><dd>{value}</dd> })
}

/// The record id in the URL (`/…/:id`), if it is one.
pub fn id_param<T: 'static>(
    wrap: fn(uuid::Uuid) -> T,
) -> impl Fn() -> Option<T> + Copy + Send + Sync + 'static {
    let params = leptos_router::hooks::use_params_map();
    move || {
        params
            .read()
            .get("id")
            .and_then(|s| uuid::Uuid::parse_str(&s).ok())
            .map(wrap)
    }
}

/// A record page: loads the record named by the URL and renders it with `view`, which gets the
/// signals that reload it and keep "Saved." visible across the reload. With `keep` (the kind of
/// record), the record is kept on this device for reading offline.
#[component]
pub fn RecordPage<T, Id, Fut, IdFn, V>(
    id: IdFn,
    load: fn(Id) -> Fut,
    view: V,
    #[prop(optional)] keep: Option<&'static str>,
) -> impl IntoView
where
    T: Clone + Serialize + DeserializeOwned + Send + Sync + 'static,
    Id: Clone + PartialEq + Serialize + Send + Sync + 'static,
    Fut: Future<Output = Result<T, AppError>> + Send + 'static,
    IdFn: Fn() -> Option<Id> + Send + Sync + 'static,
    V: Fn(T, RwSignal<u32>, RwSignal<bool>) -> AnyView + Clone + Send + Sync + 'static,
{
    let reload = RwSignal::new(0u32);
    // Lives above the detail, which is rebuilt when the record reloads after a save.
    let saved = RwSignal::new(false);
    let id = Memo::new(move |_| id());
    let keep_first = crate::pwa::kept::KeepFirst::new();
    let record = Resource::new(
        move || (id.get(), reload.get()),
        move |(id, _)| async move {
            match (id, keep) {
                (Some(id), Some(kind)) => {
                    crate::pwa::kept::or_kept(crate::pwa::kept::kept_key(kind, &id), load(id)).await
                }
                (Some(id), None) => load(id).await,
                (None, _) => Err(AppError::NotFound),
            }
        },
    );
    view! {
        <Transition fallback=|| view! { <div class="skeleton" aria-busy="true"></div> }>
            {move || {
                let view = view.clone();
                Suspend::new(async move {
                    record.await.map(|r| {
                        if let (Some(kind), Some(id)) = (keep, id.get_untracked()) {
                            keep_first.remember(&crate::pwa::kept::kept_key(kind, &id), &r);
                        }
                        view(r, reload, saved)
                    })
                })
            }}
        </Transition>
    }
}

/// A new-record page: the form, its errors, and a visit to the record once it is created.
#[component]
pub fn CreateForm<S>(
    #[prop(into)] heading: Signal<String>,
    #[prop(into)] submit: Signal<String>,
    action: ServerAction<S>,
    /// The new record's page.
    href: fn(&S::Output) -> String,
    fields: fn(Signal<Option<AppError>>) -> AnyView,
    /// Watches the form while it is filled in (each changed field) and shows what it finds (the
    /// records it may duplicate): handed by the page.
    #[prop(optional)]
    watch: Option<(Callback<leptos::ev::Event>, AnyView)>,
) -> impl IntoView
where
    S: leptos::server_fn::ServerFn<Error = AppError>
        + leptos::form::FromFormData
        + Clone
        + Send
        + Sync
        + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    let navigate = leptos_router::hooks::use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(id)) = action.value().get() {
            navigate(&href(&id), Default::default());
        }
    });
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let form_error = Signal::derive(move || {
        error
            .get()
            .filter(|e| !matches!(e, AppError::Validation { .. }))
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if let Ok(args) = S::from_event(&ev) {
            action.dispatch(args);
        }
    };
    let (watch, warning) = watch.unzip();
    let on_change = move |ev: leptos::ev::Event| {
        if let Some(w) = watch {
            w.run(ev)
        }
    };
    view! {
        <h1>{heading}</h1>
        <section class="card">
            <form class="form" novalidate on:submit=on_submit on:change=on_change>
                {fields(error)}
                {warning}
                <ErrorMessage error=form_error />
                <button type="submit" class="primary" disabled=move || action.pending().get()>{submit}</button>
            </form>
        </section>
    }
}

/// A card of records related to the one on the page (a company's contacts, its deals): a heading,
/// the loaded items, or a line saying there are none.
#[component]
pub fn Related<K, T, Fut>(
    /// The heading's id (names the region).
    id: &'static str,
    title: Label,
    empty: Label,
    /// The record whose relations are listed, and how to load them.
    of: K,
    load: fn(K) -> Fut,
    item: fn(T) -> AnyView,
) -> impl IntoView
where
    K: Clone + PartialEq + Serialize + Send + Sync + 'static,
    T: Clone + Serialize + DeserializeOwned + Send + Sync + 'static,
    Fut: Future<Output = Result<Vec<T>, AppError>> + Send + 'static,
{
    let i18n = use_i18n();
    let items = crate::ui::load_in_browser(move || {
        crate::pwa::kept::or_kept(crate::pwa::kept::kept_key(id, &of), load(of.clone()))
    });
    view! {
        <section class="card" aria-labelledby=id>
            <h2 id=id>{move || title(i18n.get_locale())}</h2>
            {move || match items.get() {
                None => view! { <div class="skeleton" aria-busy="true"></div> }.into_any(),
                Some(Err(e)) => view! { <ErrorMessage error=Signal::stored(Some(e)) /> }.into_any(),
                Some(Ok(items)) if items.is_empty() => {
                    view! { <p class="empty">{move || empty(i18n.get_locale())}</p> }.into_any()
                }
                Some(Ok(items)) => view! {
                    <ul class="related">{items.into_iter().map(|i| view! { <li>{item(i)}</li> }).collect_view()}</ul>
                }
                .into_any(),
            }}
        </section>
    }
}
