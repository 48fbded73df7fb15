//! A card of records related to the one on the page.
use std::future::Future;

use leptos::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::Label;
use crate::error::AppError;
use crate::i18n::*;
use crate::ui::ErrorMessage;

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
        <section class="panel" aria-labelledby=id>
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
