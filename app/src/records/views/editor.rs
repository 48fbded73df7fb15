//! A record's page layout (header; facts, timeline and related records side by side on a wide
//! screen, as tabs on a tablet) and its inline editor, with optimistic concurrency on save.
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
    /// The timeline (with its logging box on top): the middle column, the "Activity" tab.
    #[prop(default = None)]
    timeline: Option<AnyView>,
    /// Related records: the right-hand column, the "Related" tab.
    #[prop(default = None)]
    related: Option<AnyView>,
    /// More under the facts (a conversion, "forget this person").
    #[prop(default = None)]
    more: Option<AnyView>,
    /// More actions in the header, before "Edit" (e.g. "Convert").
    #[prop(default = None)]
    actions: Option<AnyView>,
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
    // `?edit=1` (a list row's "Edit") opens the record ready to edit.
    let editing = RwSignal::new(
        leptos_router::hooks::use_query_map().with_untracked(|q| q.get("edit").is_some()),
    );
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
    let has_timeline = timeline.is_some();
    let has_related = related.is_some();
    // The page's tab outlives this view (rebuilt when the record reloads after a save). It opens
    // on the activity: the logging box is what a tablet user comes for; "Edit" opens the details.
    let tab = use_context::<SectionTab>()
        .map(|t| t.0)
        .unwrap_or_else(|| RwSignal::new(Tab::Activity));
    if !has_timeline && tab.get_untracked() == Tab::Activity {
        tab.set(Tab::Details);
    }
    let facts_view = view! {
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
            fallback=move || view! { <section class="panel" aria-label=move || t_string!(i18n, list.details)>{record.with_value(facts)}</section> }
        >
            <section class="panel">
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
        {more}
    };
    view! {
        <div class="record-layout" data-tab=move || tab.get().key()>
            <header class="page-header record-head">
                <div class="page-title">
                    <h1>{heading}</h1>
                    <p class="subtitle">{subtitle}</p>
                </div>
                <div class="page-actions">
                    {actions}
                    {has_timeline.then(|| view! {
                        <button type="button" class="log-action" on:click=move |_| {
                            tab.set(Tab::Activity);
                            focus_log_box();
                        }>{t!(i18n, list.log)}</button>
                    })}
                    <Show when=move || !editing.get()>
                        <button type="button" class="primary" on:click=move |_| { saved.set(false); tab.set(Tab::Details); editing.set(true) }>{t!(i18n, list.edit)}</button>
                    </Show>
                </div>
            </header>
            <RecordTabs tab has_timeline has_related />
            <div class="record-facts" id="record-panel-details" role="tabpanel" aria-labelledby="record-tab-details">{facts_view}</div>
            {timeline.map(|t| view! { <div class="record-timeline" id="record-panel-activity" role="tabpanel" aria-labelledby="record-tab-activity">{t}</div> })}
            {related.map(|r| view! { <div class="record-related" id="record-panel-related" role="tabpanel" aria-labelledby="record-tab-related">{r}</div> })}
        </div>
    }
}

/// The record page's open tab, kept by the page across reloads of its record.
#[derive(Clone, Copy)]
pub(super) struct SectionTab(pub(super) RwSignal<Tab>);

impl SectionTab {
    pub(super) fn new() -> SectionTab {
        SectionTab(RwSignal::new(Tab::Activity))
    }
}

/// The record page's sections, as tabs where the screen is too narrow for three columns.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Tab {
    Details,
    Activity,
    Related,
}

impl Tab {
    fn key(self) -> &'static str {
        match self {
            Tab::Details => "details",
            Tab::Activity => "activity",
            Tab::Related => "related",
        }
    }
}

/// The tab list (shown below 1280 px): arrow keys move between the tabs, as a tab list does.
#[component]
fn RecordTabs(tab: RwSignal<Tab>, has_timeline: bool, has_related: bool) -> impl IntoView {
    let i18n = use_i18n();
    let tabs: Vec<Tab> = [
        Some(Tab::Details),
        has_timeline.then_some(Tab::Activity),
        has_related.then_some(Tab::Related),
    ]
    .into_iter()
    .flatten()
    .collect();
    if tabs.len() < 2 {
        return ().into_any();
    }
    let order = StoredValue::new(tabs.clone());
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        let step: isize = match ev.key().as_str() {
            "ArrowRight" => 1,
            "ArrowLeft" => -1,
            _ => return,
        };
        ev.prevent_default();
        let next = order.with_value(|o| {
            let i = o
                .iter()
                .position(|t| *t == tab.get_untracked())
                .unwrap_or(0) as isize;
            o[(i + step).rem_euclid(o.len() as isize) as usize]
        });
        tab.set(next);
        #[cfg(feature = "hydrate")]
        if let Some(el) = document().get_element_by_id(&format!("record-tab-{}", next.key())) {
            use leptos::wasm_bindgen::JsCast;
            if let Ok(el) = el.dyn_into::<leptos::web_sys::HtmlElement>() {
                let _ = el.focus();
            }
        }
    };
    view! {
        <div class="record-tabs" role="tablist" aria-label=move || t_string!(i18n, list.sections) on:keydown=on_key>
            {tabs.into_iter().map(|t| {
                let selected = move || tab.get() == t;
                view! {
                    <button
                        type="button"
                        role="tab"
                        id=format!("record-tab-{}", t.key())
                        aria-controls=format!("record-panel-{}", t.key())
                        aria-selected=move || if selected() { "true" } else { "false" }
                        tabindex=move || if selected() { "0" } else { "-1" }
                        on:click=move |_| tab.set(t)
                    >
                        {move || match t {
                            Tab::Details => t_string!(i18n, list.details),
                            Tab::Activity => t_string!(i18n, list.activity),
                            Tab::Related => t_string!(i18n, list.related),
                        }}
                    </button>
                }
            }).collect_view()}
        </div>
    }
    .into_any()
}

/// Puts the cursor in the timeline's logging box (once it is in view).
fn focus_log_box() {
    #[cfg(feature = "hydrate")]
    leptos::task::spawn_local(async {
        use leptos::wasm_bindgen::JsCast;
        gloo_timers::future::TimeoutFuture::new(0).await;
        if let Some(el) = document()
            .query_selector(".log-interaction textarea, .log-interaction input:not([type=radio])")
            .ok()
            .flatten()
            .and_then(|e| e.dyn_into::<leptos::web_sys::HtmlElement>().ok())
        {
            let _ = el.focus();
        }
    });
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
