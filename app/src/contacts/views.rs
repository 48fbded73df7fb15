//! Contact pages: the searchable list, the new-contact form, and the detail page with inline edit.
use leptos::form::FromFormData;
use leptos::prelude::*;
use leptos_router::components::{A, Form};
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};
use uuid::Uuid;

use super::api::{CreateContact, UpdateContact, get_contact, list_contacts};
use super::model::{COUNT_LIMIT, Contact, ContactId, ContactInput, ContactPage, ContactQuery, ContactSort};
use crate::error::AppError;
use crate::i18n::*;
use crate::ui::url::with_query;
use crate::ui::{ErrorMessage, Field};

/// The list's URL for `q`: the view state is shareable and survives reloads.
fn list_href(q: &ContactQuery) -> String {
    with_query(
        "/contacts",
        &[
            ("q", &q.q),
            ("owner", &q.owner),
            ("tag", &q.tag),
            ("sort", if q.sort == ContactSort::Name { "" } else { q.sort.as_str() }),
            ("desc", if q.desc { "1" } else { "" }),
            ("after", &q.after),
        ],
    )
}

#[component]
pub fn ContactsPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_query_map();
    let query = Memo::new(move |_| {
        let m = params.read();
        ContactQuery {
            q: m.get("q").unwrap_or_default(),
            owner: m.get("owner").unwrap_or_default(),
            tag: m.get("tag").unwrap_or_default(),
            sort: ContactSort::parse(&m.get("sort").unwrap_or_default()),
            desc: m.get("desc").as_deref() == Some("1"),
            after: m.get("after").unwrap_or_default(),
        }
    });
    let page = Resource::new(move || query.get(), list_contacts);
    view! {
        <header class="page-header">
            <h1>{t!(i18n, contacts.title)}</h1>
            <A href="/contacts/new" attr:class="button primary">
                {t!(i18n, contacts.new)}
            </A>
        </header>
        <Form method="GET" action="/contacts" attr:class="filters" attr:role="search">
            <label for="contacts-q" class="visually-hidden">{t!(i18n, contacts.search)}</label>
            <input
                id="contacts-q"
                type="search"
                name="q"
                value=move || query.get().q
                placeholder=move || t_string!(i18n, contacts.search_placeholder)
            />
            <label for="contacts-owner">{t!(i18n, contacts.owner)}</label>
            <select id="contacts-owner" name="owner">
                <option value="" selected=move || query.get().owner.is_empty()>{t!(i18n, contacts.owner_all)}</option>
                <option value="me" selected=move || query.get().owner == "me">{t!(i18n, contacts.owner_me)}</option>
            </select>
            <input type="hidden" name="sort" value=move || query.get().sort.as_str() />
            <input type="hidden" name="desc" value=move || if query.get().desc { "1" } else { "" } />
            <button type="submit">{t!(i18n, contacts.search_button)}</button>
        </Form>
        <Suspense fallback=|| view! { <div class="skeleton" aria-busy="true"></div> }>
            {move || Suspend::new(async move {
                page.await.map(|p| view! { <ContactTable page=p query=query.get_untracked() /> })
            })}
        </Suspense>
    }
}

#[component]
fn SortHeader(query: ContactQuery, sort: ContactSort, children: Children) -> impl IntoView {
    let active = query.sort == sort;
    let next = ContactQuery { sort, desc: active && !query.desc, after: String::new(), ..query.clone() };
    let aria_sort = match (active, query.desc) {
        (false, _) => None,
        (true, false) => Some("ascending"),
        (true, true) => Some("descending"),
    };
    view! {
        <th scope="col" aria-sort=aria_sort>
            <A href=list_href(&next)>{children()}</A>
        </th>
    }
}

#[component]
fn ContactTable(page: ContactPage, query: ContactQuery) -> impl IntoView {
    let i18n = use_i18n();
    let total = page.total;
    let count = move || {
        if total > COUNT_LIMIT {
            t!(i18n, contacts.count_many).into_any()
        } else {
            t!(i18n, contacts.count, count = move || total).into_any()
        }
    };
    let next = page.next.clone().map(|after| list_href(&ContactQuery { after, ..query.clone() }));
    let first = (!query.after.is_empty()).then(|| list_href(&ContactQuery { after: String::new(), ..query.clone() }));
    if page.rows.is_empty() {
        return view! { <p class="empty">{t!(i18n, contacts.none)}</p> }.into_any();
    }
    view! {
        <p class="count" role="status">{count}</p>
        <div class="table-wrap">
            <table class="records" aria-label=move || t_string!(i18n, contacts.title)>
                <thead>
                    <tr>
                        <SortHeader query=query.clone() sort=ContactSort::Name>{t!(i18n, contacts.col_name)}</SortHeader>
                        <th scope="col">{t!(i18n, contacts.col_company)}</th>
                        <th scope="col">{t!(i18n, contacts.col_email)}</th>
                        <th scope="col">{t!(i18n, contacts.col_phone)}</th>
                        <th scope="col">{t!(i18n, contacts.col_owner)}</th>
                        <SortHeader query=query.clone() sort=ContactSort::Created>{t!(i18n, contacts.col_created)}</SortHeader>
                    </tr>
                </thead>
                <tbody>
                    {page
                        .rows
                        .into_iter()
                        .map(|r| {
                            view! {
                                <tr>
                                    <td><A href=format!("/contacts/{}", r.id.0)>{r.full_name}</A></td>
                                    <td>{r.company_name}</td>
                                    <td>{r.email}</td>
                                    <td>{r.phone}</td>
                                    <td>{r.owner_name}</td>
                                    <td>{r.created_at.format("%Y-%m-%d").to_string()}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
        <nav class="pager" aria-label=move || t_string!(i18n, contacts.title)>
            {first.map(|href| view! { <A href=href>{t!(i18n, contacts.first)}</A> })}
            {next.map(|href| view! { <A href=href>{t!(i18n, contacts.next)}</A> })}
        </nav>
    }
    .into_any()
}

/// The contact form's fields; `prefix` is the server function's argument name.
#[component]
fn ContactFields(#[prop(into)] error: Signal<Option<AppError>>, initial: ContactInput) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Field id="c-name" name="input[full_name]" error_key="full_name" value=initial.full_name required=true error>
            {t!(i18n, contacts.full_name)}
        </Field>
        <Field id="c-title" name="input[title]" error_key="title" value=initial.title error>
            {t!(i18n, contacts.job_title)}
        </Field>
        <Field
            id="c-emails"
            name="input[emails]"
            error_key="emails"
            input_type="email"
            inputmode="email"
            value=initial.emails
            hint=ViewFn::from(move || t!(i18n, contacts.emails_hint))
            error
        >
            {t!(i18n, contacts.emails)}
        </Field>
        <Field id="c-phones" name="input[phones]" error_key="phones" input_type="tel" inputmode="tel" value=initial.phones error>
            {t!(i18n, contacts.phones)}
        </Field>
        <Field id="c-tags" name="input[tags]" error_key="tags" value=initial.tags error>
            {t!(i18n, contacts.tags)}
        </Field>
        <Field id="c-source" name="input[source]" error_key="source" value=initial.source error>
            {t!(i18n, contacts.source)}
        </Field>
        <Field id="c-birthday" name="input[birthday]" error_key="birthday" input_type="date" value=initial.birthday error>
            {t!(i18n, contacts.birthday)}
        </Field>
        <Field id="c-address" name="input[address]" error_key="address" value=initial.address error>
            {t!(i18n, contacts.address)}
        </Field>
        <Field id="c-notes" name="input[notes]" error_key="notes" value=initial.notes multiline=true error>
            {t!(i18n, contacts.notes)}
        </Field>
    }
}

#[component]
pub fn NewContactPage() -> impl IntoView {
    let i18n = use_i18n();
    let create = ServerAction::<CreateContact>::new();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(id)) = create.value().get() {
            navigate(&format!("/contacts/{}", id.0), Default::default());
        }
    });
    let error = Signal::derive(move || create.value().get().and_then(Result::err));
    let form_error = Signal::derive(move || error.get().filter(|e| !matches!(e, AppError::Validation { .. })));
    view! {
        <h1>{t!(i18n, contacts.new)}</h1>
        <section class="card">
            <ActionForm action=create attr:class="form" attr:novalidate=true>
                <ContactFields error initial=ContactInput::default() />
                <ErrorMessage error=form_error />
                <button type="submit" class="primary" disabled=move || create.pending().get()>
                    {t!(i18n, contacts.create)}
                </button>
            </ActionForm>
        </section>
    }
}

#[component]
pub fn ContactPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|s| Uuid::parse_str(&s).ok()).map(ContactId);
    let reload = RwSignal::new(0u32);
    // Lives above the detail, which is rebuilt when the contact reloads after a save.
    let saved = RwSignal::new(false);
    let contact = Resource::new(
        move || (id(), reload.get()),
        |(id, _)| async move {
            match id {
                Some(id) => get_contact(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    view! {
        <Transition fallback=|| view! { <div class="skeleton" aria-busy="true"></div> }>
            {move || Suspend::new(async move { contact.await.map(|c| view! { <ContactDetail contact=c reload saved /> }) })}
        </Transition>
    }
}

#[component]
fn ContactDetail(contact: Contact, reload: RwSignal<u32>, saved: RwSignal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let editing = RwSignal::new(false);
    let update = ServerAction::<UpdateContact>::new();
    let last_attempt = RwSignal::new(None::<UpdateContact>);
    let theirs = RwSignal::new(None::<Contact>);
    let id = contact.id;
    let version = contact.version;

    Effect::new(move |_| match update.value().get() {
        Some(Ok(_)) => {
            editing.set(false);
            theirs.set(None);
            saved.set(true);
            reload.update(|n| *n += 1);
        }
        Some(Err(AppError::Conflict)) => {
            leptos::task::spawn_local(async move {
                if let Ok(current) = get_contact(id).await {
                    theirs.set(Some(current));
                }
            });
        }
        _ => {}
    });
    let error = Signal::derive(move || update.value().get().and_then(Result::err));
    let form_error = Signal::derive(move || {
        error.get().filter(|e| !matches!(e, AppError::Validation { .. } | AppError::Conflict))
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if let Ok(args) = UpdateContact::from_event(&ev) {
            saved.set(false);
            last_attempt.set(Some(args.clone()));
            update.dispatch(args);
        }
    };
    let overwrite = move |_| {
        if let (Some(mut args), Some(current)) = (last_attempt.get_untracked(), theirs.get_untracked()) {
            args.version = current.version;
            update.dispatch(args);
        }
    };
    let discard = move |_| {
        theirs.set(None);
        editing.set(false);
        reload.update(|n| *n += 1);
    };
    let initial = ContactInput::from(&contact);
    let c = contact.clone();
    view! {
        <header class="page-header">
            <div>
                <h1>{c.full_name.clone()}</h1>
                <p class="subtitle">
                    {[c.title.clone(), c.company_name.clone()].into_iter().flatten().collect::<Vec<_>>().join(" · ")}
                </p>
            </div>
            <Show when=move || !editing.get()>
                <button type="button" on:click=move |_| { saved.set(false); editing.set(true) }>{t!(i18n, contacts.edit)}</button>
            </Show>
        </header>
        <Show when=move || saved.get()>
            <p class="notice" role="status">{t!(i18n, contacts.saved)}</p>
        </Show>
        {move || theirs.get().map(|other| view! {
            <section class="conflict" role="alert" aria-labelledby="conflict-title">
                <h2 id="conflict-title">{t!(i18n, contacts.conflict_title)}</h2>
                <h3>{t!(i18n, contacts.conflict_theirs)}</h3>
                <ContactFacts contact=other />
                <div class="actions">
                    <button type="button" on:click=discard>{t!(i18n, contacts.conflict_reload)}</button>
                    <button type="button" class="primary" on:click=overwrite>{t!(i18n, contacts.conflict_overwrite)}</button>
                </div>
            </section>
        })}
        <Show
            when=move || editing.get()
            fallback=move || view! { <section class="card" aria-label=move || t_string!(i18n, contacts.details)><ContactFacts contact=contact.clone() /></section> }
        >
            <section class="card">
                <form class="form" novalidate on:submit=on_submit>
                    <input type="hidden" name="id" value=id.0.to_string() />
                    <input type="hidden" name="version" value=version />
                    <ContactFields error initial=initial.clone() />
                    <ErrorMessage error=form_error />
                    <div class="actions">
                        <button type="button" on:click=move |_| editing.set(false)>{t!(i18n, contacts.cancel)}</button>
                        <button type="submit" class="primary" disabled=move || update.pending().get()>{t!(i18n, contacts.save)}</button>
                    </div>
                </form>
            </section>
        </Show>
    }
}

/// The contact's fields as a description list.
#[component]
fn ContactFacts(contact: Contact) -> impl IntoView {
    let i18n = use_i18n();
    let row = |label: AnyView, value: String| {
        (!value.is_empty()).then(|| view! { <dt>{label}</dt><dd>{value}</dd> })
    };
    view! {
        <dl class="profile">
            {row(t!(i18n, contacts.full_name).into_any(), contact.full_name.clone())}
            {row(t!(i18n, contacts.job_title).into_any(), contact.title.clone().unwrap_or_default())}
            {row(t!(i18n, contacts.col_company).into_any(), contact.company_name.clone().unwrap_or_default())}
            {row(t!(i18n, contacts.emails).into_any(), contact.emails.join(", "))}
            {row(t!(i18n, contacts.phones).into_any(), contact.phones.join(", "))}
            {row(t!(i18n, contacts.tags).into_any(), contact.tags.join(", "))}
            {row(t!(i18n, contacts.source).into_any(), contact.source.clone().unwrap_or_default())}
            {row(t!(i18n, contacts.birthday).into_any(), contact.birthday.map(|d| d.to_string()).unwrap_or_default())}
            {row(t!(i18n, contacts.address).into_any(), contact.address.clone().unwrap_or_default())}
            {row(t!(i18n, contacts.notes).into_any(), contact.notes.clone().unwrap_or_default())}
            {row(t!(i18n, contacts.col_owner).into_any(), contact.owner_name.clone().unwrap_or_default())}
            {row(t!(i18n, contacts.updated).into_any(), contact.updated_at.format("%Y-%m-%d %H:%M UTC").to_string())}
        </dl>
    }
}
