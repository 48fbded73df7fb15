//! Contact pages: the searchable list, the new-contact form, and the detail page with inline edit.
use leptos::prelude::*;
use leptos_router::components::A;
use uuid::Uuid;

use super::api::{CreateContact, UpdateContact, company_contacts, get_contact, list_contacts};
use super::model::{Contact, ContactId, ContactInput, ContactRow};
use crate::companies::model::CompanyId;
use crate::error::AppError;
use crate::i18n::*;
use crate::records::model::ListKind;
use crate::records::views::{
    Column, CreateForm, ListSpec, RecordEditor, RecordList, RecordPage, Related, VersionedEdit,
    created_column, fact, owner_column, source_column, tags_column, text,
};
use crate::ui::{Field, PageHeader};

crate::records::views::common_row!(ContactRow, full_name);

/// The contacts list's columns; the first names the contact and links to it.
pub fn columns() -> Vec<Column<ContactRow>> {
    vec![
        Column {
            key: "name",
            label: |l| td_string!(l, contacts.col_name).to_string(),
            sortable: true,
            default: true,
            cell: |r| {
                let (href, name) = (format!("/contacts/{}", r.id.0), r.full_name.clone());
                view! { <a href=href>{name}</a> }.into_any()
            },
        },
        Column {
            key: "title",
            label: |l| td_string!(l, contacts.job_title).to_string(),
            sortable: true,
            default: false,
            cell: |r| text(&r.title),
        },
        Column {
            key: "company",
            label: |l| td_string!(l, contacts.col_company).to_string(),
            sortable: true,
            default: true,
            cell: |r| match (r.company_id, r.company_name.clone()) {
                (Some(id), Some(name)) => {
                    view! { <a href=format!("/companies/{id}")>{name}</a> }.into_any()
                }
                (_, name) => name.unwrap_or_default().into_any(),
            },
        },
        Column {
            key: "email",
            label: |l| td_string!(l, contacts.col_email).to_string(),
            sortable: true,
            default: true,
            cell: |r| text(&r.email),
        },
        Column {
            key: "phone",
            label: |l| td_string!(l, contacts.col_phone).to_string(),
            sortable: true,
            default: true,
            cell: |r| text(&r.phone),
        },
        owner_column(),
        tags_column(),
        source_column(false),
        created_column(true),
        Column {
            key: "updated",
            label: |l| td_string!(l, contacts.updated).to_string(),
            sortable: true,
            default: false,
            cell: |r| {
                view! { <crate::ui::LocalDate date=r.updated_at.date_naive() short=true /> }
                    .into_any()
            },
        },
    ]
}

#[component]
pub fn ContactsPage(
    /// The header's extra actions, handed by the shell (the import link).
    #[prop(optional, into)]
    actions: Option<ViewFn>,
) -> impl IntoView {
    let i18n = use_i18n();
    let spec = ListSpec {
        kind: ListKind::Contacts,
        title: |l| td_string!(l, contacts.title).to_string(),
        columns: columns(),
        statuses: vec![],
    };
    view! {
        <PageHeader title=move || t_string!(i18n, contacts.title)>
            <A href="/contacts/new" attr:class="button primary">{t!(i18n, contacts.new)}</A>
        </PageHeader>
        <RecordList spec fetch=list_contacts more=actions />
    }
}

/// A company's contacts, for the company page.
#[component]
pub fn CompanyContacts(company: CompanyId) -> impl IntoView {
    view! {
        <Related
            id="company-contacts"
            title=|l| td_string!(l, contacts.title).to_string()
            empty=|l| td_string!(l, contacts.none).to_string()
            of=company
            load=company_contacts
            item=|r: ContactRow| view! {
                <a href=format!("/contacts/{}", r.id.0)>{r.full_name}</a>
                {r.title.map(|t| view! { <span class="muted">" · "{t}</span> })}
                {r.email.map(|e| view! { <span class="muted">" · "{e}</span> })}
            }.into_any()
        />
    }
}

/// The contact form's fields; `prefix` is the server function's argument name.
#[component]
fn ContactFields(
    #[prop(into)] error: Signal<Option<AppError>>,
    initial: ContactInput,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Field id="c-name" maxlength=crate::contacts::model::FULL_NAME_MAX name="input[full_name]" error_key="full_name" value=initial.full_name required=true error>
            {t!(i18n, contacts.full_name)}
        </Field>
        <Field id="c-title" maxlength=crate::contacts::model::TITLE_MAX name="input[title]" error_key="title" value=initial.title error>
            {t!(i18n, contacts.job_title)}
        </Field>
        <Field
            id="c-emails"
            maxlength=crate::records::fields::LIST_MAX
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
        <Field id="c-phones" maxlength=crate::records::fields::LIST_MAX name="input[phones]" error_key="phones" input_type="tel" inputmode="tel" value=initial.phones error>
            {t!(i18n, contacts.phones)}
        </Field>
        <Field id="c-tags" maxlength=crate::records::fields::LIST_MAX name="input[tags]" error_key="tags" value=initial.tags error>
            {t!(i18n, contacts.tags)}
        </Field>
        <Field id="c-source" maxlength=crate::contacts::model::SOURCE_MAX name="input[source]" error_key="source" value=initial.source error>
            {t!(i18n, contacts.source)}
        </Field>
        <Field id="c-birthday" name="input[birthday]" error_key="birthday" input_type="date" value=initial.birthday error>
            {t!(i18n, contacts.birthday)}
        </Field>
        <Field id="c-address" maxlength=crate::contacts::model::ADDRESS_MAX name="input[address]" error_key="address" value=initial.address error>
            {t!(i18n, contacts.address)}
        </Field>
        <Field id="c-notes" maxlength=crate::contacts::model::NOTES_MAX name="input[notes]" error_key="notes" value=initial.notes multiline=true error>
            {t!(i18n, contacts.notes)}
        </Field>
    }
}

#[component]
pub fn NewContactPage(
    /// Watches the form while it is filled in and shows what it finds (records the new one may
    /// duplicate), handed by the shell.
    watch: (Callback<leptos::ev::Event>, AnyView),
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <CreateForm
            heading={move || t_string!(i18n, contacts.new).to_string()}
            submit={move || t_string!(i18n, contacts.create).to_string()}
            action={ServerAction::<CreateContact>::new()}
            href={|id: &ContactId| format!("/contacts/{}", id.0)}
            watch
            fields={|error| view! { <ContactFields error initial=ContactInput::default() /> }.into_any()}
        />
    }
}

/// The contact detail page; other domains add its timeline and its related records.
#[component]
pub fn ContactPage(
    #[prop(optional)] timeline: Option<Callback<ContactId, AnyView>>,
    #[prop(optional)] related: Option<Callback<ContactId, AnyView>>,
    /// More actions in the header ("Merge with…"), handed by the shell.
    #[prop(optional)]
    actions: Option<Callback<ContactId, AnyView>>,
    /// "Forget this person" for the contact (id, name), handed by the shell.
    #[prop(optional)]
    forget: Option<Callback<(Uuid, String), AnyView>>,
) -> impl IntoView {
    let id = crate::records::views::id_param(ContactId);
    view! {
        <RecordPage
            id
            keep="contact"
            load=get_contact
            view=move |c: Contact, reload, saved| {
                let (id, name) = (c.id, c.full_name.clone());
                view! {
                    <ContactDetail
                        contact=c
                        reload
                        saved
                        timeline=timeline.map(|t| t.run(id))
                        related=related.map(|r| r.run(id))
                        actions=actions.map(|a| a.run(id))
                        more=forget.map(|f| f.run((id.0, name)))
                    />
                }
                .into_any()
            }
        />
    }
}

impl VersionedEdit for UpdateContact {
    fn set_version(&mut self, version: i32) {
        self.version = version;
    }
}

#[component]
fn ContactDetail(
    contact: Contact,
    reload: RwSignal<u32>,
    saved: RwSignal<bool>,
    timeline: Option<AnyView>,
    related: Option<AnyView>,
    actions: Option<AnyView>,
    more: Option<AnyView>,
) -> impl IntoView {
    let id = contact.id;
    let subtitle = [contact.title.clone(), contact.company_name.clone()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" · ");
    view! {
        <RecordEditor
            id=id.0.to_string()
            version=contact.version
            heading=contact.full_name.clone()
            subtitle
            record=contact
            reload
            saved
            current={move || get_contact(id)}
            version_of={|c| c.version}
            facts={|c| view! { <ContactFacts contact=c.clone() /> }.into_any()}
            fields={|error, c| view! { <ContactFields error initial=ContactInput::from(c) /> }.into_any()}
            update={ServerAction::<UpdateContact>::new()}
            timeline=timeline
            related=related
            actions=actions
            more=more
        />
    }
}

/// The contact's fields as a description list.
#[component]
fn ContactFacts(contact: Contact) -> impl IntoView {
    let i18n = use_i18n();
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    view! {
        <dl class="profile">
            {fact(|l| td_string!(l, contacts.full_name).to_string(), contact.full_name.clone())}
            {fact(|l| td_string!(l, contacts.job_title).to_string(), opt(&contact.title))}
            {contact.company_id.zip(contact.company_name.clone()).map(|(id, name)| view! {
                <dt>{t!(i18n, contacts.col_company)}</dt>
                <dd><A href=format!("/companies/{id}")>{name}</A></dd>
            })}
            {fact(|l| td_string!(l, contacts.emails).to_string(), contact.emails.join(", "))}
            {fact(|l| td_string!(l, contacts.phones).to_string(), contact.phones.join(", "))}
            {fact(|l| td_string!(l, contacts.tags).to_string(), contact.tags.join(", "))}
            {fact(|l| td_string!(l, contacts.source).to_string(), opt(&contact.source))}
            {crate::records::views::fact_view(|l| td_string!(l, contacts.birthday).to_string(), contact.birthday.map(|date| view! { <crate::ui::LocalDate date /> }))}
            {fact(|l| td_string!(l, contacts.address).to_string(), opt(&contact.address))}
            {fact(|l| td_string!(l, contacts.notes).to_string(), opt(&contact.notes))}
            {fact(|l| td_string!(l, contacts.col_owner).to_string(), opt(&contact.owner_name))}
            {crate::records::views::fact_view(|l| td_string!(l, contacts.updated).to_string(), Some(view! { <crate::ui::LocalDateTime at=contact.updated_at /> }))}
        </dl>
    }
}
