//! The list page every customer list shares: saved views, filters, and the table of the page the
//! URL asks for, loaded again after a bulk change.
use std::future::Future;

use leptos::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::bulk::Bulk;
use super::filters::Filters;
use super::saved_views::SavedViews;
use super::table::RecordTable;
use super::{CommonRow, ListSpec, use_list_query};
use crate::error::AppError;
use crate::records::model::{ListPage, ListQuery};

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
