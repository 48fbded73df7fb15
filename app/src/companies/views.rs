//! Company pages: the list, the new-company form, and the detail page with inline edit.
use leptos::prelude::*;
use leptos_router::components::A;

use super::api::{CreateCompany, UpdateCompany, get_company, list_companies};
use super::model::{Company, CompanyId, CompanyInput, CompanyRow, SIZES};
use crate::error::AppError;
use crate::i18n::*;
use crate::records::model::ListKind;
use crate::records::views::{
    Column, CreateForm, ListSpec, RecordEditor, RecordList, RecordPage, VersionedEdit,
    created_column, fact, owner_column, source_column, tags_column, text,
};
use crate::ui::{Field, PageHeader};

crate::records::views::common_row!(CompanyRow, name);

pub fn columns() -> Vec<Column<CompanyRow>> {
    vec![
        Column {
            key: "name",
            label: |l| td_string!(l, companies.name).to_string(),
            sortable: true,
            default: true,
            cell: |r| {
                let (href, name) = (format!("/companies/{}", r.id.0), r.name.clone());
                view! { <a href=href>{name}</a> }.into_any()
            },
        },
        Column {
            key: "industry",
            label: |l| td_string!(l, companies.industry).to_string(),
            sortable: true,
            default: true,
            cell: |r| text(&r.industry),
        },
        Column {
            key: "size",
            label: |l| td_string!(l, companies.size).to_string(),
            sortable: true,
            default: true,
            cell: |r| text(&r.size),
        },
        Column {
            key: "website",
            label: |l| td_string!(l, companies.website).to_string(),
            sortable: false,
            default: false,
            cell: |r| text(&r.website),
        },
        Column {
            key: "phone",
            label: |l| td_string!(l, companies.phone).to_string(),
            sortable: false,
            default: true,
            cell: |r| text(&r.phone),
        },
        Column {
            key: "contacts",
            label: |l| td_string!(l, companies.contacts).to_string(),
            sortable: false,
            default: true,
            cell: |r| r.contact_count.to_string().into_any(),
        },
        owner_column(),
        tags_column(),
        source_column(false),
        created_column(false),
    ]
}

#[component]
pub fn CompaniesPage(
    /// The header's extra actions, handed by the shell (the import link).
    #[prop(optional, into)]
    actions: Option<ViewFn>,
) -> impl IntoView {
    let i18n = use_i18n();
    let spec = ListSpec {
        kind: ListKind::Companies,
        title: |l| td_string!(l, companies.title).to_string(),
        columns: columns(),
        statuses: vec![],
    };
    view! {
        <PageHeader title=move || t_string!(i18n, companies.title)>
            <A href="/companies/new" attr:class="button primary">{t!(i18n, companies.new)}</A>
        </PageHeader>
        <RecordList spec fetch=list_companies more=actions />
    }
}

#[component]
fn CompanyFields(
    #[prop(into)] error: Signal<Option<AppError>>,
    initial: CompanyInput,
) -> impl IntoView {
    let i18n = use_i18n();
    let size = initial.size.clone();
    view! {
        <Field id="co-name" maxlength=crate::companies::model::NAME_MAX name="input[name]" error_key="name" value=initial.name required=true error>
            {t!(i18n, companies.name)}
        </Field>
        <Field id="co-industry" maxlength=crate::companies::model::INDUSTRY_MAX name="input[industry]" error_key="industry" value=initial.industry error>
            {t!(i18n, companies.industry)}
        </Field>
        <div class="field">
            <label for="co-size">{t!(i18n, companies.size)}</label>
            <select id="co-size" name="input[size]">
                <option value="" selected=size.is_empty()>{t!(i18n, companies.size_unknown)}</option>
                {SIZES.into_iter().map(|s| view! { <option value=s selected=size == s>{s}</option> }).collect_view()}
            </select>
        </div>
        <Field id="co-website" maxlength=crate::companies::model::WEBSITE_MAX name="input[website]" error_key="website" input_type="url" inputmode="url" value=initial.website error>
            {t!(i18n, companies.website)}
        </Field>
        <Field id="co-phone" maxlength=crate::records::fields::LIST_MAX name="input[phone]" error_key="phone" input_type="tel" inputmode="tel" value=initial.phone error>
            {t!(i18n, companies.phone)}
        </Field>
        <Field id="co-address" maxlength=crate::companies::model::ADDRESS_MAX name="input[address]" error_key="address" value=initial.address error>
            {t!(i18n, contacts.address)}
        </Field>
        <Field id="co-tags" maxlength=crate::records::fields::LIST_MAX name="input[tags]" error_key="tags" value=initial.tags error>
            {t!(i18n, contacts.tags)}
        </Field>
        <Field id="co-source" maxlength=crate::companies::model::SOURCE_MAX name="input[source]" error_key="source" value=initial.source error>
            {t!(i18n, contacts.source)}
        </Field>
        <Field id="co-notes" maxlength=crate::companies::model::NOTES_MAX name="input[notes]" error_key="notes" value=initial.notes multiline=true error>
            {t!(i18n, contacts.notes)}
        </Field>
    }
}

#[component]
pub fn NewCompanyPage(
    /// Watches the form while it is filled in and shows what it finds (records the new one may
    /// duplicate), handed by the shell.
    watch: (Callback<leptos::ev::Event>, AnyView),
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <CreateForm
            heading={move || t_string!(i18n, companies.new).to_string()}
            submit={move || t_string!(i18n, companies.create).to_string()}
            action={ServerAction::<CreateCompany>::new()}
            href={|id: &CompanyId| format!("/companies/{}", id.0)}
            watch
            fields={|error| view! { <CompanyFields error initial=CompanyInput::default() /> }.into_any()}
        />
    }
}

impl VersionedEdit for UpdateCompany {
    fn set_version(&mut self, version: i32) {
        self.version = version;
    }
}

/// The company page; `related` renders what other domains add below it (contacts, timeline).
#[component]
pub fn CompanyPage(
    #[prop(optional)] timeline: Option<Callback<CompanyId, AnyView>>,
    #[prop(optional)] related: Option<Callback<CompanyId, AnyView>>,
    /// More actions in the header ("Merge with…"), handed by the shell.
    #[prop(optional)]
    actions: Option<Callback<CompanyId, AnyView>>,
) -> impl IntoView {
    let id = crate::records::views::id_param(CompanyId);
    view! {
        <RecordPage
            id
            keep="company"
            load=get_company
            view=move |c: Company, reload, saved| {
                let id = c.id;
                view! {
                    <CompanyDetail
                        company=c
                        reload
                        saved
                        timeline=timeline.map(|t| t.run(id))
                        related=related.map(|r| r.run(id))
                        actions=actions.map(|a| a.run(id))
                    />
                }
                .into_any()
            }
        />
    }
}

#[component]
fn CompanyDetail(
    company: Company,
    reload: RwSignal<u32>,
    saved: RwSignal<bool>,
    timeline: Option<AnyView>,
    related: Option<AnyView>,
    actions: Option<AnyView>,
) -> impl IntoView {
    let id = company.id;
    let subtitle = [company.industry.clone(), company.size.clone()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" · ");
    view! {
        <RecordEditor
            id=id.0.to_string()
            version=company.version
            heading=company.name.clone()
            subtitle
            record=company
            reload
            saved
            current={move || get_company(id)}
            version_of={|c| c.version}
            facts={|c| view! { <CompanyFacts company=c.clone() /> }.into_any()}
            fields={|error, c| view! { <CompanyFields error initial=CompanyInput::from(c) /> }.into_any()}
            update={ServerAction::<UpdateCompany>::new()}
            timeline=timeline
            related=related
            actions=actions
        />
    }
}

#[component]
fn CompanyFacts(company: Company) -> impl IntoView {
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    view! {
        <dl class="profile">
            {fact(|l| td_string!(l, companies.name).to_string(), company.name.clone())}
            {fact(|l| td_string!(l, companies.industry).to_string(), opt(&company.industry))}
            {fact(|l| td_string!(l, companies.size).to_string(), opt(&company.size))}
            {fact(|l| td_string!(l, companies.website).to_string(), opt(&company.website))}
            {fact(|l| td_string!(l, companies.phone).to_string(), opt(&company.phone))}
            {fact(|l| td_string!(l, contacts.address).to_string(), opt(&company.address))}
            {fact(|l| td_string!(l, contacts.tags).to_string(), company.tags.join(", "))}
            {fact(|l| td_string!(l, contacts.source).to_string(), opt(&company.source))}
            {fact(|l| td_string!(l, contacts.notes).to_string(), opt(&company.notes))}
            {fact(|l| td_string!(l, contacts.col_owner).to_string(), opt(&company.owner_name))}
            {crate::records::views::fact_view(|l| td_string!(l, contacts.updated).to_string(), Some(view! { <crate::ui::LocalDateTime at=company.updated_at /> }))}
        </dl>
    }
}
