//! A labelled form input whose server-side refusal is shown (and announced) beneath it.
use leptos::prelude::*;

use super::FieldError;
use crate::error::AppError;

/// ```ignore
/// view! {
///     <Field id="login-email" name="email" input_type="email" autocomplete="username" error>
///         {t!(i18n, login.email)}
///     </Field>
/// }
/// ```
#[component]
pub fn Field(
    /// The input's `id`; the hint under it gets `{id}-error`.
    id: &'static str,
    /// The form field name, and the field the server names in a validation error.
    name: &'static str,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] inputmode: Option<&'static str>,
    #[prop(optional)] required: bool,
    #[prop(into)] error: Signal<Option<AppError>>,
    /// The label's (translated) content.
    children: Children,
) -> impl IntoView {
    let hint = format!("{id}-error");
    let invalid = move || error.get().and_then(|e| e.field(name)).is_some();
    view! {
        <label for=id>{children()}</label>
        <input
            id=id
            name=name
            type=input_type
            autocomplete=autocomplete
            inputmode=inputmode
            required=required
            aria-invalid=move || invalid().then_some("true")
            aria-describedby=hint.clone()
        />
        <FieldError error field=name id=hint />
    }
}
