//! The list's views as a menu in its toolbar: the built-in ones, the user's saved views, and a form
//! to save the current one; the menu's button names the view in use.
use leptos::prelude::*;
use leptos_router::components::A;

use crate::i18n::*;
use crate::records::api::{DeleteView, SaveView, saved_views};
use crate::records::model::{ListKind, ListQuery};
use crate::ui::{ErrorMessage, Menu};

/// Built-in views, the user's saved views, and a form to save the current one.
#[component]
pub(super) fn SavedViews(kind: ListKind, query: Memo<ListQuery>) -> impl IntoView {
    let i18n = use_i18n();
    let save = ServerAction::<SaveView>::new();
    let delete = ServerAction::<DeleteView>::new();
    let views = crate::ui::page_resource(
        move || (save.version().get(), delete.version().get()),
        move |_| saved_views(kind),
    );
    let name = NodeRef::<leptos::html::Input>::new();
    let current = move || query.get().first_page().to_query_string();
    let link = move |label: AnyView, q: ListQuery| {
        let qs = q.to_query_string();
        let active = move || current() == qs;
        view! { <A href=q.href(kind.path()) attr:class=move || if active() { "view active" } else { "view" }>{label}</A> }
    };
    let builtin_names = StoredValue::new([
        (ListQuery::default(), 0u8),
        (
            ListQuery {
                owner: "me".into(),
                ..Default::default()
            },
            1,
        ),
        (
            ListQuery {
                created: "7d".into(),
                sort: "created".into(),
                desc: true,
                ..Default::default()
            },
            2,
        ),
    ]);
    let builtin = [
        (t!(i18n, list.view_all).into_any(), ListQuery::default()),
        (
            t!(i18n, list.view_mine).into_any(),
            ListQuery {
                owner: "me".into(),
                ..Default::default()
            },
        ),
        (
            t!(i18n, list.view_week).into_any(),
            ListQuery {
                created: "7d".into(),
                sort: "created".into(),
                desc: true,
                ..Default::default()
            },
        ),
    ];
    let on_save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let name = name.get().map(|i| i.value()).unwrap_or_default();
        save.dispatch(SaveView {
            list: kind,
            name,
            query: query.get_untracked(),
        });
    };
    let error = Signal::derive(move || {
        save.value()
            .get()
            .and_then(Result::err)
            .or_else(|| delete.value().get().and_then(Result::err))
    });
    // The view in use, named on the menu's button: a built-in one, a saved one, or "Custom".
    let current_name = move || {
        let now = current();
        let builtin = builtin_names.with_value(|b| {
            b.iter()
                .find(|(q, _)| q.to_query_string() == now)
                .map(|(_, n)| *n)
        });
        if let Some(n) = builtin {
            return match n {
                0 => t_string!(i18n, list.view_all).to_string(),
                1 => t_string!(i18n, list.view_mine).to_string(),
                _ => t_string!(i18n, list.view_week).to_string(),
            };
        }
        views
            .get()
            .and_then(Result::ok)
            .and_then(|vs| {
                vs.into_iter().find(|v| {
                    ListQuery::from_params(|k| query_value(&v.query, k), vec![]).to_query_string()
                        == now
                })
            })
            .map(|v| v.name)
            .unwrap_or_else(|| t_string!(i18n, list.view_custom).to_string())
    };
    let label = ViewFn::from(move || {
        view! {
            {t!(i18n, list.views)}
            <span class="menu-current"><Transition>{current_name}</Transition></span>
        }
    });
    view! {
        <Menu label class="views-menu">
            <nav class="views" aria-label=move || t_string!(i18n, list.views)>
                {builtin.into_iter().map(|(label, q)| link(label, q)).collect_view()}
                <Transition>
                    {move || Suspend::new(async move {
                        views.await.map(|vs| vs.into_iter().map(|v| {
                            let q = ListQuery::from_params(|k| query_value(&v.query, k), vec![]);
                            let label = v.name.clone();
                            view! {
                                <span class="saved-view">
                                    {link(view! { {v.name.clone()} }.into_any(), q)}
                                    <button
                                        type="button"
                                        class="icon"
                                        aria-label=move || format!("{} {}", t_string!(i18n, list.delete_view), label)
                                        on:click=move |_| { delete.dispatch(DeleteView { id: v.id }); }
                                    >"×"</button>
                                </span>
                            }
                        }).collect_view())
                    })}
                </Transition>
            </nav>
            <hr />
            <form class="save-view" on:submit=on_save>
                <label for="view-name">{t!(i18n, list.view_name)}</label>
                <div class="inline-form">
                    <input id="view-name" name="name" node_ref=name maxlength="100" required aria-invalid=move || error.get().and_then(|e| e.field("name")).is_some().then_some("true") />
                    <button type="submit" disabled=move || save.pending().get()>{t!(i18n, list.save_view)}</button>
                </div>
                <ErrorMessage error />
            </form>
        </Menu>
    }
}

/// The first value of `key` in a URL query string.
fn query_value(qs: &str, key: &str) -> Option<String> {
    qs.split('&')
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| *k == key)
        .map(|(_, v)| crate::ui::url::decode(v))
}
