//! `/merge?kind=…&a=…&b=…`: two records side by side, a choice per differing field, and the merge.
use std::collections::BTreeMap;

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use uuid::Uuid;

use super::api::{Merge, load_merge};
use super::model::{MergeKind, MergePreview, Pick, Related, Side};
use crate::error::AppError;
use crate::i18n::*;
use crate::labels::field_label;
use crate::records::model::ListKind;
use crate::ui::ErrorMessage;

#[component]
pub fn MergePage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_query_map();
    let asked = Memo::new(move |_| {
        let p = params.read();
        let id = |k: &str| p.get(k).and_then(|v| Uuid::parse_str(&v).ok());
        let kind = p
            .get("kind")
            .and_then(|k| ListKind::parse(&k))
            .and_then(MergeKind::of);
        Some((kind?, id("a")?, id("b")?))
    });
    let data = crate::ui::page_resource(
        move || asked.get(),
        |asked| async move {
            let (kind, a, b) = asked.ok_or(AppError::BadRequest)?;
            load_merge(kind, a, b).await
        },
    );
    view! {
        <crate::ui::PageHeader
            title=move || match asked.get().map(|(k, _, _)| k) {
                Some(MergeKind::Companies) => t_string!(i18n, merge.title_companies),
                _ => t_string!(i18n, merge.title_contacts),
            }
            subtitle=ViewFn::from(move || t!(i18n, merge.about))
        />
        <Transition fallback=|| view! { <div class="skeleton" aria-busy="true"></div> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <ErrorMessage error=Signal::stored(Some(e)) /> }.into_any(),
                    Ok(p) => view! { <MergeForm preview=p /> }.into_any(),
                }
            })}
        </Transition>
    }
}

fn related_text(i18n: leptos_i18n::I18nContext<Locale>, r: &Related, kind: MergeKind) -> AnyView {
    let (timeline, tasks, deals, contacts) = (r.timeline, r.tasks, r.deals, r.contacts);
    view! {
        {t!(i18n, merge.related, timeline, tasks, deals)}
        {(kind == MergeKind::Companies).then(|| view! { " · "{t!(i18n, merge.related_contacts, contacts)} })}
    }
    .into_any()
}

#[component]
fn MergeForm(preview: MergePreview) -> impl IntoView {
    let i18n = use_i18n();
    let kind = preview.kind;
    let differing: Vec<&'static str> = kind
        .fields()
        .iter()
        .copied()
        .filter(|f| preview.a.fields.get(*f) != preview.b.fields.get(*f))
        .collect();
    let picks = RwSignal::new(
        differing
            .iter()
            .map(|f| (f.to_string(), preview.default_pick(f)))
            .collect::<BTreeMap<_, _>>(),
    );
    let keep_a = RwSignal::new(true);
    let asking = RwSignal::new(false);
    let action = ServerAction::<Merge>::new();
    let preview = StoredValue::new(preview);
    let navigate = leptos_router::hooks::use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(id)) = action.value().get() {
            navigate(&format!("{}/{id}", kind.list().path()), Default::default());
        }
    });
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let sides = move || {
        preview.with_value(|p| {
            if keep_a.get() {
                (p.a.clone(), p.b.clone())
            } else {
                (p.b.clone(), p.a.clone())
            }
        })
    };
    let on_merge = move |_| {
        let (keep, other) = sides();
        let fields = preview.with_value(|p| {
            let picks = picks.get_untracked();
            p.merged(|f| picks.get(f).copied().unwrap_or(Pick::A))
        });
        action.dispatch(Merge {
            kind,
            keep: keep.id,
            keep_version: keep.version,
            other: other.id,
            other_version: other.version,
            fields,
        });
    };
    let keep_choice = move |side: Side, is_a: bool| {
        let related = related_text(i18n, &side.related, kind);
        view! {
            <label class="choice">
                <input
                    type="radio"
                    name="keep"
                    prop:checked=move || keep_a.get() == is_a
                    on:change=move |_| keep_a.set(is_a)
                />
                <span><strong>{side.name}</strong><small class="muted">{related}</small></span>
            </label>
        }
    };
    let (a, b) = preview.with_value(|p| (p.a.clone(), p.b.clone()));
    view! {
        <form class="merge" on:submit=|ev| ev.prevent_default()>
            <fieldset>
                <legend>{t!(i18n, merge.keep)}</legend>
                {keep_choice(a, true)}
                {keep_choice(b, false)}
            </fieldset>
            {differing.is_empty().then(|| view! { <p role="status">{t!(i18n, merge.same)}</p> })}
            {differing.into_iter().map(|field| view! { <FieldChoice field picks preview /> }).collect_view()}
            <ErrorMessage error />
            <Show
                when=move || asking.get()
                fallback=move || view! { <button type="button" on:click=move |_| asking.set(true)>{t!(i18n, merge.start)}</button> }
            >
                {move || {
                    let (keep, other) = sides();
                    view! { <p role="alert">{t!(i18n, merge.confirm, other = other.name.clone(), keep = keep.name.clone())}</p> }
                }}
                <div class="actions">
                    <button type="button" on:click=move |_| asking.set(false)>{t!(i18n, list.cancel)}</button>
                    <button type="button" class="primary" disabled=move || action.pending().get() on:click=on_merge>
                        {t!(i18n, merge.now)}
                    </button>
                </div>
            </Show>
        </form>
    }
}

/// One field's choice: A's value, B's value, or (for lists) both.
#[component]
fn FieldChoice(
    field: &'static str,
    picks: RwSignal<BTreeMap<String, Pick>>,
    preview: StoredValue<MergePreview>,
) -> impl IntoView {
    let i18n = use_i18n();
    let (kind, a, b) = preview.with_value(|p| {
        let v = |s: &Side| s.fields.get(field).cloned().unwrap_or_default();
        (p.kind, v(&p.a), v(&p.b))
    });
    let both = super::model::both(&a, &b);
    let option = move |pick: Pick, text: AnyView| {
        view! {
            <label class="choice">
                <input
                    type="radio"
                    name=format!("pick-{field}")
                    prop:checked=move || picks.with(|p| p.get(field) == Some(&pick))
                    on:change=move |_| picks.update(|p| { p.insert(field.to_string(), pick); })
                />
                <span>{text}</span>
            </label>
        }
    };
    let value = move |v: String| {
        if v.trim().is_empty() {
            t!(i18n, merge.empty).into_any()
        } else {
            view! { <crate::ui::LocalValue raw=v /> }.into_any()
        }
    };
    view! {
        <fieldset class="merge-field">
            <legend>{move || field_label(i18n, field, false)}</legend>
            {option(Pick::A, value(a))}
            {option(Pick::B, value(b))}
            {kind.is_list(field).then(|| option(Pick::Both, t!(i18n, merge.both, value = both.clone()).into_any()))}
        </fieldset>
    }
}
