//! The list's filter form as one toolbar row: the search, a "Filters" menu (owner, status, tag,
//! source, dates) showing how many are on, and the column chooser, all submitted as the URL's
//! query.
use leptos::prelude::*;
use leptos_router::components::Form;

use super::{Label, ListSpec};
use crate::i18n::*;
use crate::records::model::ListQuery;
use crate::ui::Menu;

/// How many of the filters behind the "Filters" menu are on (the search is not counted: it is
/// always in view).
pub(super) fn active_filters(q: &ListQuery) -> usize {
    [
        &q.owner, &q.status, &q.tag, &q.source, &q.created, &q.from, &q.to,
    ]
    .into_iter()
    .filter(|v| !v.is_empty())
    .count()
}

#[component]
pub(super) fn Filters<R: Send + Sync + 'static>(
    spec: StoredValue<ListSpec<R>>,
    query: Memo<ListQuery>,
) -> impl IntoView {
    let i18n = use_i18n();
    let owners = crate::records::api::owners();
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
    let active = move || active_filters(&q());
    // Where "Clear filters" leads: the same search, order and columns, no filter.
    let cleared = move || {
        let q = q();
        ListQuery {
            q: q.q,
            sort: q.sort,
            desc: q.desc,
            cols: q.cols,
            ..Default::default()
        }
        .href(kind.path())
    };
    let filters_label = ViewFn::from(move || {
        view! {
            {t!(i18n, list.filters)}
            <Show when=move || { active() > 0 }>
                <span class="badge count-badge">{active}<span class="visually-hidden">" "{t!(i18n, list.filters_on)}</span></span>
            </Show>
        }
    });
    view! {
        <Form method="GET" action=kind.path() attr:class="list-filters" attr:role="search">
            <div class="list-search">
                <label for=id("q") class="visually-hidden">{t!(i18n, list.search)}</label>
                <input id=id("q") type="search" name="q" maxlength=crate::records::fields::SEARCH_MAX value=move || q().q placeholder=move || t_string!(i18n, list.search_placeholder) />
                <button type="submit">{t!(i18n, list.apply)}</button>
            </div>
            <Menu label=filters_label class="filters-menu">
            <div class="filters-grid">
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
                <input id=id("tag") name="tag" maxlength=crate::records::fields::TAG_MAX value=move || q().tag />
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
                <crate::ui::DateInput id=id("from") name="from" value=Signal::derive(move || q().from) />
            </div>
            <div class="filter">
                <label for=id("to")>{t!(i18n, list.to)}</label>
                <crate::ui::DateInput id=id("to") name="to" value=Signal::derive(move || q().to) />
            </div>
            </div>
            <div class="menu-actions">
                <a href=cleared class="button">{t!(i18n, list.clear_filters)}</a>
                <button type="submit" class="primary">{t!(i18n, list.apply_filters)}</button>
            </div>
            </Menu>
            <Menu label=ViewFn::from(move || t!(i18n, list.columns)) class="columns-menu">
                <fieldset class="plain">
                    <legend class="visually-hidden">{t!(i18n, list.columns)}</legend>
                    {columns.into_iter().map(|(key, label, default)| {
                        let checked = move || { let q = q(); if q.cols.is_empty() { default } else { q.cols.iter().any(|c| c == key) } };
                        view! { <label class="check"><input type="checkbox" name="col" value=key checked=checked />{move || label(i18n.get_locale())}</label> }
                    }).collect_view()}
                </fieldset>
                <div class="menu-actions">
                    <button type="submit" class="primary">{t!(i18n, list.apply_filters)}</button>
                </div>
            </Menu>
            <input type="hidden" name="sort" value=move || q().sort />
            <input type="hidden" name="desc" value=move || if q().desc { "1" } else { "" } />
        </Form>
    }
}
