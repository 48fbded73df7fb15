//! A satisfaction score (1 to 5) drawn as stars.
use leptos::prelude::*;

use crate::i18n::*;

/// A score as stars, with its number for screen readers.
#[component]
pub fn Stars(score: i16) -> impl IntoView {
    let i18n = use_i18n();
    let shown: String = (1..=5)
        .map(|i| if i <= score { '★' } else { '☆' })
        .collect();
    view! {
        <span class="stars" role="img" aria-label=move || format!("{score}{}", t_string!(i18n, support.stars))>{shown}</span>
    }
}
