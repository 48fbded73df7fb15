//! A labelled form input, its hint and its server-side refusal (shown and announced) beneath it,
//! as one cell of a form grid.
use leptos::prelude::*;

use super::{DateInput, FieldError};
use crate::error::AppError;

/// ```text
/// view! {
///     <Field id="login-email" name="email" input_type="email" autocomplete="username" error>
///         {t!(i18n, login.email)}
///     </Field>
/// }
/// ```
#[component]
pub fn Field(
    /// The input's `id`; the hint under it gets `{id}-error`.
    #[prop(into)]
    id: String,
    /// The form field name (e.g. `input[full_name]` for a struct argument).
    name: &'static str,
    /// The field the server names in a validation error; defaults to `name`.
    #[prop(optional)]
    error_key: Option<&'static str>,
    /// The initial value.
    #[prop(optional, into)]
    value: Option<String>,
    /// A multi-line text area instead of a one-line input (client-rendered forms only:
    /// its content is set as a property, never as escaped-but-unescaped SSR children).
    #[prop(optional)]
    multiline: bool,
    /// A hint under the label.
    #[prop(optional, into)]
    hint: Option<ViewFn>,
    /// The input's type; "date" gives a `DateInput` (the date in the UI's language).
    #[prop(default = "text")]
    input_type: &'static str,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] inputmode: Option<&'static str>,
    #[prop(optional)] required: bool,
    /// The most characters the field takes, as its parser checks (stated to the browser).
    #[prop(optional)]
    maxlength: Option<u32>,
    #[prop(into)] error: Signal<Option<AppError>>,
    /// The label's (translated) content.
    children: Children,
) -> impl IntoView {
    let key = error_key.unwrap_or(name);
    let error_id = format!("{id}-error");
    let invalid = move || error.get().and_then(|e| e.field(key)).is_some();
    let control = if input_type == "date" {
        // A date in the UI's language, never the browser's mm/dd/yyyy.
        view! {
            <DateInput
                id=id.clone()
                name=name
                value=value.unwrap_or_default()
                required=required
                invalid=Signal::derive(invalid)
                describedby=error_id.clone()
            />
        }
        .into_any()
    } else if multiline {
        view! {
            <textarea
                id=id.clone()
                name=name
                rows="3"
                maxlength=maxlength.map(|n| n.to_string())
                prop:value=value.unwrap_or_default()
                aria-invalid=move || invalid().then_some("true")
                aria-describedby=error_id.clone()
            />
        }
        .into_any()
    } else {
        view! {
            <input
                id=id.clone()
                name=name
                type=input_type
                value=value
                autocomplete=autocomplete
                inputmode=inputmode
                maxlength=maxlength.map(|n| n.to_string())
                required=required
                aria-invalid=move || invalid().then_some("true")
                aria-describedby=error_id.clone()
            />
        }
        .into_any()
    };
    // Label above, then the control, then its hint and its error: the same order in every form.
    view! {
        <div class="field">
            <label for=id.clone()>{children()}</label>
            {control}
            {hint.map(|h| view! { <span class="field-hint">{h.run()}</span> })}
            <FieldError error field=key id=error_id />
        </div>
    }
}

/// A secret shown once (a new API token's, a webhook's signing secret): a live notice with the
/// value in a read-only field that selects itself when focused, ready to copy.
#[component]
pub fn SecretNotice(
    #[prop(into)] title: ViewFn,
    #[prop(into)] hint: ViewFn,
    #[prop(into)] label: ViewFn,
    id: &'static str,
    secret: String,
) -> impl IntoView {
    let (title_id, labelled_by) = (format!("{id}-title"), format!("{id}-title"));
    view! {
        <section class="panel notice secret" role="status" aria-labelledby=labelled_by>
            <h2 id=title_id>{title.run()}</h2>
            <p>{hint.run()}</p>
            <div class="field">
            <label for=id>{label.run()}</label>
            <input id=id readonly value=secret class="secret-value" on:focus=|ev| {
                #[cfg(feature = "hydrate")]
                {
                    use wasm_bindgen::JsCast;
                    if let Some(i) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) {
                        i.select();
                    }
                }
                #[cfg(not(feature = "hydrate"))]
                let _ = ev;
            } />
            </div>
        </section>
    }
}
