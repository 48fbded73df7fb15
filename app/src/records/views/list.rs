//! The list page every customer list shares: one toolbar row (search, filters, columns, views,
//! the count and a menu of more actions) above the table of the page the URL asks for, loaded
//! again after a bulk change.
use std::future::Future;

use leptos::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::bulk::Bulk;
use super::filters::Filters;
use super::saved_views::SavedViews;
use super::table::{ListCount, RecordTable, shown_columns};
use super::{CommonRow, ListSpec, use_list_query};
use crate::error::AppError;
use crate::i18n::*;
use crate::records::model::{ListPage, ListQuery};
use crate::ui::{Menu, Toolbar};

#[component]
pub fn RecordList<R, Fut>(
    spec: ListSpec<R>,
    fetch: fn(ListQuery) -> Fut,
    /// More actions for the toolbar's "More" menu (the import link, handed by the shell).
    #[prop(default = None)]
    more: Option<ViewFn>,
) -> impl IntoView
where
    R: CommonRow + Clone + Serialize + DeserializeOwned + Send + Sync + 'static,
    Fut: Future<Output = Result<ListPage<R>, AppError>> + Send + 'static,
{
    let i18n = use_i18n();
    let query = use_list_query();
    // Bumped after a bulk action: the page loads again.
    let reload = RwSignal::new(0u32);
    let page =
        crate::ui::page_resource(move || (query.get(), reload.get()), move |(q, _)| fetch(q));
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
    let kind = spec.with_value(|s| s.kind);
    // The same view as a file: every matching row, the columns shown, in this order.
    let export = move || {
        let q = query.get();
        let cols = spec.with_value(|s| {
            shown_columns(s, &q)
                .into_iter()
                .map(|i| s.columns[i].key.to_string())
                .collect()
        });
        let q = ListQuery {
            cols,
            ..q.first_page()
        };
        format!("/export/{}.csv{}", kind.as_str(), q.href(""))
    };
    // The server refuses others too; the link is only hidden from them.
    let can_export =
        use_context::<crate::users::model::CurrentUser>().is_some_and(|u| u.role.can_export());
    let more_label = ViewFn::from(move || t!(i18n, list.more));
    view! {
        <Toolbar class="list-toolbar">
            <Filters spec query />
            <SavedViews kind query />
            <div class="toolbar-end">
                <Transition>
                    {move || Suspend::new(async move {
                        page.await.map(|p| view! { <ListCount total=p.total limit=p.limit /> })
                    })}
                </Transition>
                <Menu label=more_label class="menu-end more-menu">
                    {can_export.then(|| view! {
                        <a class="button" href=export download rel="external">{t!(i18n, list.export)}</a>
                    })}
                    {more.map(|m| m.run())}
                </Menu>
            </div>
        </Toolbar>
        <Transition fallback=|| view! { <div class="skeleton table-skeleton" aria-busy="true"></div> }>
            {move || Suspend::new(async move {
                page.await.map(|p| view! { <RecordTable spec page=p query=query.get_untracked() bulk /> })
            })}
        </Transition>
    }
}
