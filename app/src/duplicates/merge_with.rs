//! "Merge with…" in a contact's or a company's header: the record's likely duplicates, or a
//! search for the other record, each a link to the merge page with the two side by side.
use leptos::prelude::*;
use leptos_router::components::A;
use uuid::Uuid;

use super::api::merge_candidates;
use super::model::Candidate;
use crate::i18n::*;
use crate::merge::model::{MergeKind, merge_href};
use crate::records::fields::SEARCH_MAX;
use crate::ui::{ErrorMessage, Menu};

/// The header's "Merge with…" menu for the record `id`. Nothing is asked of the server until the
/// menu is first opened.
#[component]
pub fn MergeWith(kind: MergeKind, id: Uuid) -> impl IntoView {
    let i18n = use_i18n();
    // Only those who may change customer records may merge them (the server refuses the rest).
    if !use_context::<crate::users::model::CurrentUser>()
        .is_some_and(|u| u.role.can_edit_customers())
    {
        return ().into_any();
    }
    let opened = RwSignal::new(false);
    let q = RwSignal::new(String::new());
    let found = crate::ui::page_resource(
        move || opened.get().then(|| q.get()),
        move |asked| async move {
            match asked {
                Some(q) => merge_candidates(kind, id, q).await.map(Some),
                None => Ok(None),
            }
        },
    );
    let input_id = format!("merge-find-{id}");
    let hint_id = format!("{input_id}-hint");
    let on_toggle = Callback::new(move |open: bool| {
        if open {
            opened.set(true);
        }
    });
    let label = ViewFn::from(move || t!(i18n, duplicates.merge_with));
    let all = format!("/duplicates?kind={}", kind.list().as_str());
    view! {
        <Menu label class="menu-end merge-with" on_toggle>
            <div class="field">
                <label for=input_id.clone()>{t!(i18n, duplicates.merge_find)}</label>
                <input
                    id=input_id
                    type="search"
                    autocomplete="off"
                    maxlength=SEARCH_MAX
                    aria-describedby=hint_id.clone()
                    on:input=move |ev| q.set(event_target_value(&ev))
                />
                <p class="field-hint" id=hint_id>{t!(i18n, duplicates.merge_find_hint)}</p>
            </div>
            <Transition fallback=|| view! { <div class="skeleton" aria-busy="true"></div> }>
                {move || Suspend::new(async move {
                    match found.await {
                        Ok(None) => ().into_any(),
                        Ok(Some(list)) => view! { <Candidates kind id list searched=!q.get_untracked().trim().is_empty() /> }.into_any(),
                        Err(e) => view! { <ErrorMessage error=Signal::stored(Some(e)) /> }.into_any(),
                    }
                })}
            </Transition>
            <hr />
            <A href=all>{t!(i18n, duplicates.merge_all)}</A>
        </Menu>
    }
    .into_any()
}

/// The candidates, each a link to merging it with `id`.
#[component]
fn Candidates(kind: MergeKind, id: Uuid, list: Vec<Candidate>, searched: bool) -> impl IntoView {
    let i18n = use_i18n();
    if list.is_empty() {
        let none = move || {
            if searched {
                t_string!(i18n, duplicates.merge_none)
            } else {
                t_string!(i18n, duplicates.none)
            }
        };
        return view! { <p class="muted" role="status">{none}</p> }.into_any();
    }
    let heading = move || {
        if searched {
            t_string!(i18n, duplicates.merge_found)
        } else {
            t_string!(i18n, duplicates.merge_likely)
        }
    };
    let heading_id = format!("merge-list-{id}");
    view! {
        <h3 id=heading_id.clone()>{heading}</h3>
        <ul class="merge-candidates" aria-labelledby=heading_id>
            {list.into_iter().map(|c| {
                let why = c.why;
                view! {
                    <li>
                        <A href=merge_href(kind, id, c.id)>{c.name}</A>
                        {why.map(|w| view! { <span class="muted">{move || super::views::why_label(i18n.get_locale(), w)}</span> })}
                    </li>
                }
            }).collect_view()}
        </ul>
    }
    .into_any()
}
