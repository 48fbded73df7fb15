//! A date field written in the UI's language: a text input (never the browser's `type=date`, which
//! draws mm/dd/yyyy by the browser's locale), tidied on blur, with a button that opens the
//! browser's calendar and writes the picked day back in the locale's form.
use leptos::html::Input;
use leptos::prelude::*;

use crate::dates::{DATE_INPUT_MAX, input_value, iso, parse_date, shown_value};
use crate::i18n::*;

/// ```text
/// view! {
///     <label for="audit-from">{t!(i18n, audit.from)}</label>
///     <DateInput id="audit-from" name="from" value=Signal::derive(move || f().from) />
/// }
/// ```
/// The server reads whatever was typed with `dates::parse_date` and names a refusal at the field.
#[component]
pub fn DateInput(
    /// The input's `id` (its label's `for`).
    #[prop(into)]
    id: String,
    /// The form field name.
    name: &'static str,
    /// The stored ISO date or the text typed before; shown in the locale's form when it reads as
    /// a date, as it is otherwise.
    #[prop(optional, into)]
    value: Signal<String>,
    #[prop(optional)] required: bool,
    /// Sets `aria-invalid` while true.
    #[prop(optional, into)]
    invalid: Signal<bool>,
    /// The `aria-describedby` (the error hint under the field).
    #[prop(optional, into)]
    describedby: Option<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let text = NodeRef::<Input>::new();
    let native = NodeRef::<Input>::new();
    let shown = move || shown_value(i18n.get_locale(), &value.get());
    // A day the locale writes its way; anything unreadable stays as typed for the server to name.
    let tidy = move |_| {
        if let Some(input) = text.get_untracked()
            && let Some(d) = parse_date(&input.value())
        {
            input.set_value(&input_value(i18n.get_locale_untracked(), Some(d)));
        }
    };
    let pick = move |_| {
        let (Some(input), Some(picker)) = (text.get_untracked(), native.get_untracked()) else {
            return;
        };
        picker.set_value(&parse_date(&input.value()).map(iso).unwrap_or_default());
        // Browsers without `showPicker` leave the typing path, which always works.
        if picker.show_picker().is_err() {
            let _ = input.focus();
        }
    };
    let picked = move |_| {
        if let (Some(input), Some(picker)) = (text.get_untracked(), native.get_untracked())
            && let Some(d) = parse_date(&picker.value())
        {
            input.set_value(&input_value(i18n.get_locale_untracked(), Some(d)));
            let _ = input.focus();
        }
    };
    let pick_label = move || t_string!(i18n, dates.pick);
    view! {
        <span class="date-field">
            <input
                node_ref=text
                id=id
                name=name
                type="text"
                // Letters for "Nov 29, 2026"; a numeric keypad would lack "-" and "/".
                inputmode="text"
                autocomplete="off"
                maxlength=DATE_INPUT_MAX.to_string()
                placeholder=move || t_string!(i18n, dates.hint)
                value=shown
                required=required
                aria-invalid=move || invalid.get().then_some("true")
                aria-describedby=describedby
                on:blur=tidy
            />
            <button type="button" class="date-pick" aria-label=pick_label title=pick_label on:click=pick>
                <svg aria-hidden="true" viewBox="0 0 24 24" width="20" height="20" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round">
                    <rect x="3" y="5" width="18" height="16" rx="2" />
                    <path d="M3 10h18M8 3v4M16 3v4" />
                </svg>
            </button>
            // The browser's own calendar, out of sight and out of the tab order; it never posts.
            <span class="visually-hidden" aria-hidden="true">
                <input node_ref=native type="date" tabindex="-1" min="0001-01-01" max="9999-12-31" on:change=picked />
            </span>
        </span>
    }
}
