//! The warning shown while a record that may already exist is typed in, and `/duplicates`.
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use super::api::{duplicate_groups, likely_duplicates};
use super::model::{Likely, Why};
use crate::i18n::*;
use crate::merge::model::MergeKind;
use crate::merge::model::merge_href;
use crate::records::model::ListKind;
use crate::ui::ErrorMessage;
use leptos_i18n::I18nContext;
use uuid::Uuid;

pub(super) fn why_label(l: Locale, why: Why) -> String {
    match why {
        Why::Email => td_string!(l, duplicates.same_email),
        Why::Phone => td_string!(l, duplicates.same_phone),
        Why::Name => td_string!(l, duplicates.same_name),
    }
    .to_string()
}

/// Watches a create form's name, email and phone fields (each time one is changed) and lists the
/// records the new one may duplicate, with links to them. Returns the form's change handler and
/// the warning to show in it.
pub fn duplicate_watch(kind: ListKind) -> (Callback<leptos::ev::Event>, AnyView) {
    let i18n = use_i18n();
    let typed = StoredValue::new((String::new(), String::new(), String::new()));
    let asked = StoredValue::new(0u32);
    let likely = RwSignal::new(Vec::<Likely>::new());
    let on_change = move |ev: leptos::ev::Event| {
        let field = event_target::<leptos::web_sys::Element>(&ev)
            .get_attribute("name")
            .unwrap_or_default();
        let value = event_target_value(&ev);
        let changed = typed.try_update_value(|(n, e, p)| {
            let slot = match field.as_str() {
                "input[full_name]" | "input[name]" => n,
                "input[emails]" => e,
                "input[phones]" | "input[phone]" => p,
                _ => return false,
            };
            *slot = value;
            true
        });
        if changed != Some(true) {
            return;
        }
        let (name, emails, phones) = typed.get_value();
        let n = asked.get_value() + 1;
        asked.set_value(n);
        leptos::task::spawn_local(async move {
            let found = likely_duplicates(kind, name, emails, phones)
                .await
                .unwrap_or_default();
            // Only the answer to the latest question counts (and none once the form is gone).
            if asked.try_get_value() == Some(n) {
                likely.try_set(found);
            }
        });
    };
    let warning = view! {
        <Show when=move || likely.with(|l| !l.is_empty())>
            <aside class="duplicate-warning" role="status" aria-label=move || t_string!(i18n, duplicates.warning)>
                <p>{t!(i18n, duplicates.may_exist)}</p>
                <ul>
                    {move || likely.get().into_iter().map(|l| {
                        let href = format!("{}/{}", kind.path(), l.id);
                        let why = l.why;
                        view! { <li><A href=href>{l.name}</A>" · "{move || why_label(i18n.get_locale(), why)}</li> }
                    }).collect_view()}
                </ul>
            </aside>
        </Show>
    }
    .into_any();
    (Callback::new(on_change), warning)
}

fn kind_label(l: Locale, kind: ListKind) -> String {
    match kind {
        ListKind::Contacts => td_string!(l, nav.contacts),
        ListKind::Companies => td_string!(l, nav.companies),
        ListKind::Leads => td_string!(l, nav.leads),
    }
    .to_string()
}

/// A link to merge the first two records of a group (contacts and companies only).
fn merge_link(
    i18n: I18nContext<Locale>,
    kind: ListKind,
    records: &[(Uuid, String)],
) -> Option<AnyView> {
    let kind = MergeKind::of(kind)?;
    let [(a, an), (b, bn), ..] = records else {
        return None;
    };
    let (an, bn) = (an.clone(), bn.clone());
    Some(view! {
        <A href=merge_href(kind, *a, *b) attr:class="button" attr:aria-label=move || format!("{} {an} · {bn}", t_string!(i18n, duplicates.merge))>
            {t!(i18n, duplicates.merge)}
        </A>
    }.into_any())
}

/// `/duplicates?kind=…`: groups of records sharing an email, a phone or a name.
#[component]
pub fn DuplicatesPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_query_map();
    let kind = Memo::new(move |_| {
        params
            .read()
            .get("kind")
            .and_then(|k| ListKind::parse(&k))
            .unwrap_or(ListKind::Contacts)
    });
    let data = crate::ui::page_resource(move || kind.get(), duplicate_groups);
    view! {
        <crate::ui::PageHeader
            title=move || t_string!(i18n, duplicates.title)
            subtitle=ViewFn::from(move || t!(i18n, duplicates.about))
        />
        <nav class="tabs" aria-label=move || t_string!(i18n, audit.record_type)>
            {ListKind::ALL.into_iter().map(|k| view! {
                <A href=format!("/duplicates?kind={}", k.as_str()) attr:aria-current=move || (kind.get() == k).then_some("page")>
                    {move || kind_label(i18n.get_locale(), k)}
                </A>
            }).collect_view()}
        </nav>
        <Transition fallback=|| view! { <div class="skeleton" aria-busy="true"></div> }>
            {move || Suspend::new(async move {
                let k = kind.get_untracked();
                match data.await {
                    Err(e) => view! { <ErrorMessage error=Signal::stored(Some(e)) /> }.into_any(),
                    Ok(groups) if groups.is_empty() => view! { <p class="empty" role="status">{t!(i18n, duplicates.none)}</p> }.into_any(),
                    Ok(groups) => view! {
                        <div class="table-wrap">
                            <table class="records" aria-label=move || t_string!(i18n, duplicates.title)>
                                <thead><tr>
                                    <th scope="col">{t!(i18n, duplicates.shared)}</th>
                                    <th scope="col">{t!(i18n, duplicates.records)}</th>
                                </tr></thead>
                                <tbody>
                                    {groups.into_iter().map(|g| {
                                        let why = g.why;
                                        let more = g.count - g.records.len() as i64;
                                        let merge = merge_link(i18n, k, &g.records);
                                        view! {
                                            <tr>
                                                <th scope="row">{move || why_label(i18n.get_locale(), why)}": "{g.key}</th>
                                                <td>
                                                    <ul class="inline-list">
                                                        {g.records.into_iter().map(|(id, name)| view! {
                                                            <li><A href=format!("{}/{id}", k.path())>{name}</A></li>
                                                        }).collect_view()}
                                                        {(more > 0).then(|| view! { <li class="muted">{format!("+{more}")}</li> })}
                                                    </ul>
                                                    {merge}
                                                </td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}
