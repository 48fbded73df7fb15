//! `/trash`: deleted records and their Restore buttons; the "Forget this person" control.
use leptos::prelude::*;
use uuid::Uuid;

use super::api::{Forget, Restore, trash};
use super::model::KEEP_DAYS;
use crate::error::AppError;
use crate::history::views::entity_label;
use crate::i18n::*;
use crate::records::model::ListKind;
use crate::ui::ErrorMessage;

#[component]
pub fn TrashPage() -> impl IntoView {
    let i18n = use_i18n();
    let restore = ServerAction::<Restore>::new();
    let data = crate::ui::page_resource(move || restore.version().get(), |_| trash());
    let failure = Signal::derive(move || restore.value().get().and_then(Result::err));
    view! {
        <crate::ui::PageHeader
            title=move || t_string!(i18n, trash.title)
            subtitle=ViewFn::from(move || t!(i18n, trash.about, n = KEEP_DAYS))
        />
        <ErrorMessage error=failure />
        <Transition fallback=|| view! { <div class="skeleton" aria-busy="true"></div> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <ErrorMessage error=Signal::stored(Some(e)) /> }.into_any(),
                    Ok(items) if items.is_empty() => {
                        view! { <p class="empty" role="status">{t!(i18n, trash.empty)}</p> }.into_any()
                    }
                    Ok(items) => view! {
                        <div class="table-wrap">
                            <table class="records trash" aria-label=move || t_string!(i18n, trash.title)>
                                <thead><tr>
                                    <th scope="col">{t!(i18n, audit.record)}</th>
                                    <th scope="col">{t!(i18n, audit.record_type)}</th>
                                    <th scope="col">{t!(i18n, trash.deleted)}</th>
                                    <th scope="col">{t!(i18n, trash.left)}</th>
                                    <th scope="col"><span class="visually-hidden">{t!(i18n, trash.restore)}</span></th>
                                </tr></thead>
                                <tbody>
                                    {items.into_iter().map(|item| {
                                        let (kind, id, days) = (item.kind, item.id, item.days_left);
                                        let when = item.deleted_at;
                                        let by = item.deleted_by.map(|b| format!(" · {b}")).unwrap_or_default();
                                        let name = item.name.clone();
                                        view! {
                                            <tr>
                                                <th scope="row">{item.name}</th>
                                                <td>{move || entity_label(i18n.get_locale(), kind.entity())}</td>
                                                <td><crate::ui::LocalDateTime at=when />{by}</td>
                                                <td>{t!(i18n, trash.days, n = move || days)}</td>
                                                <td>
                                                    <button
                                                        type="button"
                                                        aria-label=move || format!("{} {name}", t_string!(i18n, trash.restore))
                                                        disabled=move || restore.pending().get()
                                                        on:click=move |_| { restore.dispatch(Restore { kind, id }); }
                                                    >{t!(i18n, trash.restore)}</button>
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

/// "Forget this person", for administrators on a contact's or lead's page: asks once more, then
/// removes the personal data and goes back to the list.
#[component]
pub fn ForgetPerson(kind: ListKind, id: Uuid, name: String) -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<Forget>::new();
    let asking = RwSignal::new(false);
    let navigate = leptos_router::hooks::use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(())) = action.value().get() {
            navigate(kind.path(), Default::default());
        }
    });
    let error = Signal::derive(move || action.value().get().and_then(Result::<(), AppError>::err));
    view! {
        <section class="panel forget" aria-labelledby="forget-title">
            <h2 id="forget-title">{t!(i18n, trash.forget)}</h2>
            <p>{t!(i18n, trash.forget_about)}</p>
            <ErrorMessage error />
            <Show
                when=move || asking.get()
                fallback=move || view! { <button type="button" class="danger" on:click=move |_| asking.set(true)>{t!(i18n, trash.forget)}</button> }
            >
                <p role="alert">{t!(i18n, trash.forget_confirm, name = name.clone())}</p>
                <div class="actions">
                    <button type="button" on:click=move |_| asking.set(false)>{t!(i18n, list.cancel)}</button>
                    <button
                        type="button"
                        class="danger"
                        disabled=move || action.pending().get()
                        on:click=move |_| { action.dispatch(Forget { kind, id }); }
                    >{t!(i18n, trash.forget_now)}</button>
                </div>
            </Show>
        </section>
    }
}

/// The Forget control for administrators; nothing for anyone else (the server refuses them too).
pub fn forget_control(kind: ListKind, id: Uuid, name: String) -> Option<AnyView> {
    let user = use_context::<crate::users::model::CurrentUser>()?;
    (user.role == crate::users::model::Role::Admin)
        .then(|| view! { <ForgetPerson kind id name /> }.into_any())
}
