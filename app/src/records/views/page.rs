//! A record page: the id in the URL, and the record loaded (or kept for reading offline).
use std::future::Future;

use leptos::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::AppError;

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
/// signals that reload it and keep "Saved." visible across the reload; a record that cannot be
/// shown (not found, not allowed) is said in its place. With `keep` (the kind of
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
    // And so does the tab open on a tablet.
    provide_context(super::editor::SectionTab::new());
    let id = Memo::new(move |_| id());
    let keep_first = crate::pwa::kept::KeepFirst::new();
    let record = crate::ui::page_resource(
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
                    match record.await {
                        Ok(r) => {
                            if let (Some(kind), Some(id)) = (keep, id.get_untracked()) {
                                keep_first.remember(&crate::pwa::kept::kept_key(kind, &id), &r);
                            }
                            Ok(view(r, reload, saved))
                        }
                        // Not thrown to the route's boundary: hydration would meet the
                        // boundary's panel where it expects the page (ui::PageError).
                        Err(error) => crate::ui::page_error(error),
                    }
                })
            }}
        </Transition>
    }
}
