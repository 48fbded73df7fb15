//! A record's header, facts and inline editor, with optimistic concurrency on save.
use std::future::Future;

use leptos::prelude::*;

use super::Label;
use crate::error::AppError;
use crate::i18n::*;
use crate::ui::ErrorMessage;

/// A saved-record edit's arguments whose expected version can be replaced (to overwrite deliberately).
pub trait VersionedEdit {
    fn set_version(&mut self, version: i32);
}

/// A record's header, its facts, and inline editing with optimistic concurrency: a stale save
/// shows the other person's values and lets the user reload or overwrite deliberately.
#[component]
pub fn RecordEditor<T, S, F, Fut>(
    record: T,
    /// The record's id and version, posted with the form.
    id: String,
    version: i32,
    #[prop(into)] heading: String,
    #[prop(into)] subtitle: String,
    /// Reloads the record (after a save, or to discard a conflicting edit).
    reload: RwSignal<u32>,
    /// "Saved." stays visible across that reload.
    saved: RwSignal<bool>,
    /// Fetches the stored record, to show the other person's values on a conflict.
    current: F,
    version_of: fn(&T) -> i32,
    facts: fn(&T) -> AnyView,
    fields: fn(Signal<Option<AppError>>, &T) -> AnyView,
    /// The save action (the caller names the server function).
    update: ServerAction<S>,
) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    S: leptos::server_fn::ServerFn<Output = i32, Error = AppError>
        + leptos::form::FromFormData
        + VersionedEdit
        + Clone
        + Send
        + Sync
        + 'static,
    F: Fn() -> Fut + Copy + Send + Sync + 'static,
    Fut: Future<Output = Result<T, AppError>> + 'static,
{
    let i18n = use_i18n();
    let editing = RwSignal::new(false);
    let last_attempt = RwSignal::new(None::<S>);
    let theirs = RwSignal::new(None::<T>);

    Effect::new(move |_| match update.value().get() {
        Some(Ok(_)) => {
            editing.set(false);
            theirs.set(None);
            saved.set(true);
            reload.update(|n| *n += 1);
        }
        Some(Err(AppError::Conflict)) => {
            leptos::task::spawn_local(async move {
                if let Ok(stored) = current().await {
                    theirs.set(Some(stored));
                }
            });
        }
        _ => {}
    });
    let error = Signal::derive(move || update.value().get().and_then(Result::err));
    let form_error = Signal::derive(move || {
        error
            .get()
            .filter(|e| !matches!(e, AppError::Validation { .. } | AppError::Conflict))
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if let Ok(args) = S::from_event(&ev) {
            saved.set(false);
            last_attempt.set(Some(args.clone()));
            update.dispatch(args);
        }
    };
    let overwrite = move |_| {
        if let (Some(mut args), Some(stored)) =
            (last_attempt.get_untracked(), theirs.get_untracked())
        {
            args.set_version(version_of(&stored));
            update.dispatch(args);
        }
    };
    let discard = move |_| {
        theirs.set(None);
        editing.set(false);
        reload.update(|n| *n += 1);
    };
    let record = StoredValue::new(record);
    view! {
        <header class="page-header">
            <div>
                <h1>{heading}</h1>
                <p class="subtitle">{subtitle}</p>
            </div>
            <Show when=move || !editing.get()>
                <button type="button" on:click=move |_| { saved.set(false); editing.set(true) }>{t!(i18n, list.edit)}</button>
            </Show>
        </header>
        <Show when=move || saved.get()>
            <p class="notice" role="status">{t!(i18n, list.saved)}</p>
        </Show>
        {move || theirs.get().map(|other| view! {
            <section class="conflict" role="alert" aria-labelledby="conflict-title">
                <h2 id="conflict-title">{t!(i18n, list.conflict_title)}</h2>
                <h3>{t!(i18n, list.conflict_theirs)}</h3>
                {facts(&other)}
                <div class="actions">
                    <button type="button" on:click=discard>{t!(i18n, list.conflict_reload)}</button>
                    <button type="button" class="primary" on:click=overwrite>{t!(i18n, list.conflict_overwrite)}</button>
                </div>
            </section>
        })}
        <Show
            when=move || editing.get()
            fallback=move || view! { <section class="card" aria-label=move || t_string!(i18n, list.details)>{record.with_value(facts)}</section> }
        >
            <section class="card">
                <form class="form" novalidate on:submit=on_submit>
                    <input type="hidden" name="id" value=id.clone() />
                    <input type="hidden" name="version" value=version />
                    {record.with_value(|r| fields(error, r))}
                    <ErrorMessage error=form_error />
                    <div class="actions">
                        <button type="button" on:click=move |_| editing.set(false)>{t!(i18n, list.cancel)}</button>
                        <button type="submit" class="primary" disabled=move || update.pending().get()>{t!(i18n, list.save)}</button>
                    </div>
                </form>
            </section>
        </Show>
    }
}

/// A term and its value in a record's facts, left out when the value is empty.
pub fn fact(label: Label, value: String) -> Option<impl IntoView> {
    let i18n = use_i18n();
    (!value.is_empty())
        .then(|| view! { <dt>{move || label(i18n.get_locale())}</dt><dd>{value}</dd> })
}

/// A term and a value drawn as a view (a date in the UI's language), left out for `None`.
pub fn fact_view(label: Label, value: Option<impl IntoView>) -> Option<impl IntoView> {
    let i18n = use_i18n();
    value.map(|v| view! { <dt>{move || label(i18n.get_locale())}</dt><dd>{v}</dd> })
}
