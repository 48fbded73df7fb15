//! Bulk changes from a list: the selection (ticked, or all that match) and the bar of actions.
use leptos::prelude::*;

use super::Label;
use crate::error::AppError;
use crate::i18n::*;
use crate::records::api::bulk_edit;
use crate::records::model::{BulkAction, BulkOutcome, BulkTarget, ListKind, ListQuery};
use crate::ui::{ErrorMessage, FieldError};

/// The list's selection for bulk actions, and the last action's outcome (kept across the reload
/// it causes).
#[derive(Clone, Copy)]
pub(super) struct Bulk {
    pub(super) selected: RwSignal<Vec<uuid::Uuid>>,
    /// Every record matching the view, not only those ticked.
    pub(super) all_matching: RwSignal<bool>,
    pub(super) outcome: RwSignal<Option<Result<BulkOutcome, AppError>>>,
    pub(super) reload: RwSignal<u32>,
}

impl Bulk {
    /// Runs `action` on `target` in one server call; on success `done` updates the selection and
    /// the list loads again. The outcome (or the refusal) is kept to be shown.
    pub(super) fn apply(
        self,
        kind: ListKind,
        target: BulkTarget,
        action: BulkAction,
        pending: RwSignal<bool>,
        done: impl FnOnce() + 'static,
    ) {
        pending.set(true);
        leptos::task::spawn_local(async move {
            let r = bulk_edit(kind, target, action).await;
            if r.is_ok() {
                done();
                self.reload.update(|n| *n += 1);
            }
            self.outcome.set(Some(r));
            pending.set(false);
        });
    }
}

/// Actions on the ticked records (or all that match): hand to an owner, add or remove a tag,
/// set a lead's status, delete (after a second press). Shown once something is ticked.
#[component]
pub(super) fn BulkBar(
    kind: ListKind,
    query: ListQuery,
    /// Records matching the view (as counted), and rows on this page.
    total: i64,
    shown: usize,
    statuses: Vec<(&'static str, Label)>,
    bulk: Bulk,
) -> impl IntoView {
    let i18n = use_i18n();
    let owners = crate::records::api::owners();
    let owner = NodeRef::<leptos::html::Select>::new();
    let tag = NodeRef::<leptos::html::Input>::new();
    let status = NodeRef::<leptos::html::Select>::new();
    let confirming = RwSignal::new(false);
    let pending = RwSignal::new(false);
    let query = StoredValue::new(query);
    let run = move |action: BulkAction| {
        let target = if bulk.all_matching.get_untracked() {
            BulkTarget::Matching(query.get_value())
        } else {
            BulkTarget::Ids(bulk.selected.get_untracked())
        };
        confirming.set(false);
        bulk.apply(kind, target, action, pending, move || {
            bulk.selected.set(Vec::new());
            bulk.all_matching.set(false);
        });
    };
    let value = |n: NodeRef<leptos::html::Select>| n.get().map(|s| s.value()).unwrap_or_default();
    let typed = move || tag.get().map(|i| i.value()).unwrap_or_default();
    let count = move || {
        if bulk.all_matching.get() {
            total
        } else {
            bulk.selected.with(Vec::len) as i64
        }
    };
    let active = move || count() > 0;
    let error = Signal::derive(move || bulk.outcome.get().and_then(Result::err));
    let form_error = Signal::derive(move || {
        error
            .get()
            .filter(|e| !matches!(e, AppError::Validation { .. }))
    });
    let has_status = !statuses.is_empty();
    view! {
        {move || bulk.outcome.get().and_then(Result::ok).map(|o| {
            let (changed, unchanged) = (o.changed, o.unchanged);
            view! { <p class="notice" role="status">{t!(i18n, bulk.done, changed = move || changed, unchanged = move || unchanged)}</p> }
        })}
        <Show when=active>
            <section class="bulk panel" aria-label=move || t_string!(i18n, bulk.title)>
                <p>
                    <strong>{move || t!(i18n, bulk.selected, n = move || count())}</strong>
                    {move || (!bulk.all_matching.get() && bulk.selected.with(Vec::len) == shown && total > shown as i64).then(|| view! {
                        " " <button type="button" on:click=move |_| bulk.all_matching.set(true)>{t!(i18n, bulk.select_all, n = move || total)}</button>
                    })}
                    " " <button type="button" on:click=move |_| { bulk.selected.set(Vec::new()); bulk.all_matching.set(false); }>{t!(i18n, bulk.clear)}</button>
                </p>
                <div class="bulk-actions">
                    <span class="filter">
                        <label for="bulk-owner">{t!(i18n, list.owner)}</label>
                        <select id="bulk-owner" node_ref=owner>
                            <Transition>
                                {move || Suspend::new(async move {
                                    owners.await.unwrap_or_default().into_iter().map(|o| view! { <option value=o.id.to_string()>{o.name}</option> }).collect_view()
                                })}
                            </Transition>
                        </select>
                        <button type="button" disabled=move || pending.get() on:click=move |_| {
                            if let Ok(id) = uuid::Uuid::parse_str(&value(owner)) { run(BulkAction::Owner(id)) }
                        }>{t!(i18n, bulk.assign)}</button>
                    </span>
                    <span class="filter">
                        <label for="bulk-tag">{t!(i18n, list.tag)}</label>
                        <input id="bulk-tag" node_ref=tag maxlength="40" aria-describedby="bulk-tag-error" />
                        <button type="button" disabled=move || pending.get() on:click=move |_| run(BulkAction::AddTag(typed()))>{t!(i18n, bulk.add_tag)}</button>
                        <button type="button" disabled=move || pending.get() on:click=move |_| run(BulkAction::RemoveTag(typed()))>{t!(i18n, bulk.remove_tag)}</button>
                        <FieldError id="bulk-tag-error" field="tag" error />
                    </span>
                    {has_status.then(|| view! {
                        <span class="filter">
                            <label for="bulk-status">{t!(i18n, list.status)}</label>
                            <select id="bulk-status" node_ref=status>
                                {statuses.clone().into_iter().map(|(v, label)| view! { <option value=v>{move || label(i18n.get_locale())}</option> }).collect_view()}
                            </select>
                            <button type="button" disabled=move || pending.get() on:click=move |_| run(BulkAction::Status(value(status)))>{t!(i18n, bulk.set_status)}</button>
                        </span>
                    })}
                    <Show
                        when=move || confirming.get()
                        fallback=move || view! { <button type="button" class="danger" on:click=move |_| confirming.set(true)>{t!(i18n, bulk.delete)}</button> }
                    >
                        <span role="alert">{move || t!(i18n, bulk.confirm, count = move || count() as u64)}</span>
                        <button type="button" class="danger" disabled=move || pending.get() on:click=move |_| run(BulkAction::Delete)>{t!(i18n, bulk.confirm_delete)}</button>
                        <button type="button" on:click=move |_| confirming.set(false)>{t!(i18n, list.cancel)}</button>
                    </Show>
                </div>
                <ErrorMessage error=form_error />
            </section>
        </Show>
    }
}
