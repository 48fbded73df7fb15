//! The queue's bulk bar: the tickets chosen on the page given a status, a priority and/or an
//! agent at once.
use leptos::prelude::*;
use uuid::Uuid;

use super::{priority_label, status_label};
use crate::i18n::*;
use crate::tickets::api::BulkTriageTickets;
use crate::tickets::model::{BulkInput, PRIORITIES, STATUSES, TicketId};
use crate::ui::{ErrorMessage, FieldError};

/// How many tickets the last bulk change changed.
#[component]
pub(super) fn BulkDone(changed: RwSignal<Option<usize>>) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        changed.get().map(|n| {
            view! { <p class="notice" role="status">{t!(i18n, tickets.bulk_done, count = move || n as i64)}</p> }
        })
    }
}

/// A select whose first choice leaves the field as it is.
#[component]
fn Unchanged(
    id: &'static str,
    value: RwSignal<String>,
    options: Vec<(String, TextProp)>,
    children: Children,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <span class="filter">
            <label for=id>{children()}</label>
            <select id=id prop:value=move || value.get() on:change=move |ev| value.set(event_target_value(&ev)) aria-describedby=format!("{id}-error")>
                <option value="">{t!(i18n, tickets.unchanged)}</option>
                {options.into_iter().map(|(v, l)| view! { <option value=v>{move || l.get()}</option> }).collect_view()}
            </select>
        </span>
    }
}

/// The bar over a queue's table while tickets are chosen; after a change the queue loads again
/// (`refresh`), the choice is cleared, and `changed` says how many tickets changed (the page shows
/// it above the queue, which its reload draws again).
#[component]
pub(super) fn BulkBar(
    selected: RwSignal<Vec<TicketId>>,
    agents: Vec<(Uuid, String)>,
    refresh: RwSignal<u32>,
    changed: RwSignal<Option<usize>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<BulkTriageTickets>::new();
    let (status, priority, assignee) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    let (field_error, error) = crate::ui::action_errors(action);
    Effect::new(move |_| {
        if let Some(Ok(n)) = action.value().get() {
            changed.set(Some(n));
            selected.set(Vec::new());
            for s in [status, priority, assignee] {
                s.set(String::new());
            }
            refresh.update(|n| *n += 1);
        }
    });
    let choices = move |set: &[&'static str], label: fn(Locale, &str) -> &'static str| {
        set.iter()
            .map(|&s| {
                let text = TextProp::from(move || label(i18n.get_locale(), s));
                (s.to_string(), text)
            })
            .collect::<Vec<_>>()
    };
    let nobody = TextProp::from(move || td_string!(i18n.get_locale(), tickets.nobody));
    let mut people = vec![("none".to_string(), nobody)];
    people.extend(
        agents
            .into_iter()
            .map(|(id, name)| (id.to_string(), TextProp::from(name))),
    );
    let count = move || selected.with(Vec::len);
    let any = move || count() > 0;
    let apply = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        action.dispatch(BulkTriageTickets {
            input: BulkInput {
                ids: selected.get_untracked(),
                status: status.get_untracked(),
                priority: priority.get_untracked(),
                assignee: assignee.get_untracked(),
            },
        });
    };
    view! {
        <Show when=any>
            <form class="bulk panel" aria-label=move || t_string!(i18n, bulk.title) on:submit=apply>
                <p>
                    <strong>{move || t!(i18n, bulk.selected, n = count)}</strong>
                    " " <button type="button" on:click=move |_| selected.set(Vec::new())>{t!(i18n, bulk.clear)}</button>
                </p>
                <div class="bulk-actions">
                    <Unchanged id="bulk-status" value=status options=choices(&STATUSES, status_label)>{t!(i18n, tickets.status)}</Unchanged>
                    <Unchanged id="bulk-priority" value=priority options=choices(&PRIORITIES, priority_label)>{t!(i18n, tickets.priority)}</Unchanged>
                    <Unchanged id="bulk-assignee" value=assignee options=people.clone()>{t!(i18n, tickets.assignee)}</Unchanged>
                    <button type="submit" class="primary" disabled=move || action.pending().get()>{t!(i18n, tickets.bulk_apply)}</button>
                </div>
                <FieldError id="bulk-status-error" field="status" error=field_error />
                <FieldError id="bulk-assignee-error" field="assignee" error=field_error />
                <ErrorMessage error />
            </form>
        </Show>
    }
}
