//! A new-record page: the form, its errors, and a visit to the record once it is created.
use leptos::prelude::*;

use crate::error::AppError;
use crate::ui::ErrorMessage;

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
    let (error, form_error) = crate::ui::action_errors(action);
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
        <crate::ui::PageHeader title=move || heading.get() />
        <section class="panel">
            <form class="form" novalidate on:submit=on_submit on:change=on_change>
                {fields(error)}
                {warning}
                <ErrorMessage error=form_error />
                <button type="submit" class="primary" disabled=move || action.pending().get()>{submit}</button>
            </form>
        </section>
    }
}
