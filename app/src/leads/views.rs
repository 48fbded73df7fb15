//! Lead pages: the list with its status filter, the new-lead form, and the lead page with inline
//! edit and conversion.
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use uuid::Uuid;

use super::api::{ConvertLead, CreateLead, UpdateLead, get_lead, list_leads};
use super::model::{Lead, LeadId, LeadInput, LeadRow, STATUSES};
use crate::error::AppError;
use crate::i18n::*;
use crate::labels::lead_status as status_label;
use crate::records::model::ListKind;
use crate::records::views::{
    Column, CreateForm, Label, ListSpec, RecordEditor, RecordList, RecordPage, VersionedEdit,
    created_column, fact, owner_column, source_column, tags_column, text,
};
use crate::ui::{ErrorMessage, Field, PageHeader};

fn statuses() -> Vec<(&'static str, Label)> {
    vec![
        ("new", |i| status_label(i, "new")),
        ("working", |i| status_label(i, "working")),
        ("qualified", |i| status_label(i, "qualified")),
        ("disqualified", |i| status_label(i, "disqualified")),
    ]
}

crate::records::views::common_row!(LeadRow, full_name);

pub fn columns() -> Vec<Column<LeadRow>> {
    vec![
        Column {
            key: "name",
            label: |l| td_string!(l, contacts.col_name).to_string(),
            sortable: true,
            default: true,
            cell: |r| {
                let (href, name) = (format!("/leads/{}", r.id.0), r.full_name.clone());
                view! { <a href=href>{name}</a> }.into_any()
            },
        },
        Column {
            key: "company",
            label: |l| td_string!(l, contacts.col_company).to_string(),
            sortable: true,
            default: true,
            cell: |r| text(&r.company_name),
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
            sortable: false,
            default: false,
            cell: |r| text(&r.phone),
        },
        Column {
            key: "status",
            label: |l| td_string!(l, leads.status).to_string(),
            sortable: true,
            default: true,
            cell: |r| {
                let (status, converted) = (r.status.clone(), r.converted);
                let i18n = use_i18n();
                view! {
                <span class=format!("badge status-{status}")>{let s = status.clone(); move || status_label(i18n.get_locale(), &s)}</span>
                {converted.then(|| view! { " " <span class="badge converted">{t!(i18n, leads.converted)}</span> })}
            }.into_any()
            },
        },
        source_column(true),
        owner_column(),
        tags_column(),
        created_column(true),
    ]
}

#[component]
pub fn LeadsPage(
    /// The header's extra actions, handed by the shell (the import link).
    #[prop(optional, into)]
    actions: Option<ViewFn>,
) -> impl IntoView {
    let i18n = use_i18n();
    let spec = ListSpec {
        kind: ListKind::Leads,
        title: |l| td_string!(l, leads.title).to_string(),
        columns: columns(),
        statuses: statuses(),
    };
    view! {
        <PageHeader title=move || t_string!(i18n, leads.title)>
            <A href="/leads/new" attr:class="button primary">{t!(i18n, leads.new)}</A>
        </PageHeader>
        <RecordList spec fetch=list_leads more=actions />
    }
}

#[component]
fn LeadFields(#[prop(into)] error: Signal<Option<AppError>>, initial: LeadInput) -> impl IntoView {
    let i18n = use_i18n();
    let status = initial.status.clone();
    view! {
        <Field id="l-name" maxlength=crate::leads::model::FULL_NAME_MAX name="input[full_name]" error_key="full_name" value=initial.full_name required=true error>
            {t!(i18n, contacts.full_name)}
        </Field>
        <Field id="l-title" maxlength=crate::leads::model::TITLE_MAX name="input[title]" error_key="title" value=initial.title error>
            {t!(i18n, contacts.job_title)}
        </Field>
        <Field id="l-company" maxlength=crate::leads::model::COMPANY_NAME_MAX name="input[company_name]" error_key="company_name" value=initial.company_name error>
            {t!(i18n, contacts.col_company)}
        </Field>
        <Field id="l-emails" maxlength=crate::records::fields::LIST_MAX name="input[emails]" error_key="emails" input_type="email" inputmode="email" value=initial.emails error>
            {t!(i18n, contacts.emails)}
        </Field>
        <Field id="l-phones" maxlength=crate::records::fields::LIST_MAX name="input[phones]" error_key="phones" input_type="tel" inputmode="tel" value=initial.phones error>
            {t!(i18n, contacts.phones)}
        </Field>
        <div class="field">
            <label for="l-status">{t!(i18n, leads.status)}</label>
            <select id="l-status" name="input[status]">
                {STATUSES.into_iter().map(|s| view! { <option value=s selected=status == s>{move || status_label(i18n.get_locale(), s)}</option> }).collect_view()}
            </select>
        </div>
        <Field id="l-source" maxlength=crate::leads::model::SOURCE_MAX name="input[source]" error_key="source" value=initial.source error>
            {t!(i18n, contacts.source)}
        </Field>
        <Field id="l-tags" maxlength=crate::records::fields::LIST_MAX name="input[tags]" error_key="tags" value=initial.tags error>
            {t!(i18n, contacts.tags)}
        </Field>
        <Field id="l-notes" maxlength=crate::leads::model::NOTES_MAX name="input[notes]" error_key="notes" value=initial.notes multiline=true error>
            {t!(i18n, contacts.notes)}
        </Field>
    }
}

#[component]
pub fn NewLeadPage(
    /// Watches the form while it is filled in and shows what it finds (records the new one may
    /// duplicate), handed by the shell.
    watch: (Callback<leptos::ev::Event>, AnyView),
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <CreateForm
            heading={move || t_string!(i18n, leads.new).to_string()}
            submit={move || t_string!(i18n, leads.create).to_string()}
            action={ServerAction::<CreateLead>::new()}
            href={|id: &LeadId| format!("/leads/{}", id.0)}
            watch
            fields={|error| view! { <LeadFields error initial=LeadInput::default() /> }.into_any()}
        />
    }
}

impl VersionedEdit for UpdateLead {
    fn set_version(&mut self, version: i32) {
        self.version = version;
    }
}

/// The lead page; `history` renders what other domains add below it (the timeline).
#[component]
pub fn LeadPage(
    #[prop(optional)] timeline: Option<Callback<LeadId, AnyView>>,
    /// "Forget this person" for the lead (id, name), handed by the shell.
    #[prop(optional)]
    forget: Option<Callback<(Uuid, String), AnyView>>,
) -> impl IntoView {
    let id = crate::records::views::id_param(LeadId);
    view! {
        <RecordPage
            id
            keep="lead"
            load=get_lead
            view=move |l: Lead, reload, saved| {
                let convertible = l.status == "qualified" && l.converted_at.is_none();
                // A qualified lead's conversion heads the middle column (the tab open on a tablet).
                let convert = convertible.then(|| view! { <ConvertPanel lead=l.clone() /> });
                let timeline = timeline.map(|h| h.run(l.id));
                let timeline = Some(view! { {convert}{timeline} }.into_any());
                let id = l.id;
                let forget = forget.map(|f| f.run((id.0, l.full_name.clone())));
                let subtitle = [l.title.clone(), l.company_name.clone()].into_iter().flatten().collect::<Vec<_>>().join(" · ");
                view! {
                    <RecordEditor
                        id=id.0.to_string()
                        version=l.version
                        heading=l.full_name.clone()
                        subtitle
                        record=l
                        reload
                        saved
                        current={move || get_lead(id)}
                        version_of={|l| l.version}
                        facts={|l| view! { <LeadFacts lead=l.clone() /> }.into_any()}
                        fields={|error, l| view! { <LeadFields error initial=LeadInput::from(l) /> }.into_any()}
                        update={ServerAction::<UpdateLead>::new()}
                        timeline=timeline
                        more=forget
                        actions=convertible.then(|| view! { <a href="#convert-title" class="button">{t!(use_i18n(), leads.convert_button)}</a> }.into_any())
                    />
                }.into_any()
            }
        />
    }
}

#[component]
fn LeadFacts(lead: Lead) -> impl IntoView {
    let i18n = use_i18n();
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    let status = lead.status.clone();
    view! {
        <dl class="profile">
            <dt>{t!(i18n, leads.status)}</dt>
            <dd><span class=format!("badge status-{status}")>{let s = status.clone(); move || status_label(i18n.get_locale(), &s)}</span></dd>
            {lead.converted_contact_id.map(|c| view! {
                <dt>{t!(i18n, leads.converted)}</dt>
                <dd><A href=format!("/contacts/{c}")>{t!(i18n, leads.open_contact)}</A></dd>
            })}
            {fact(|l| td_string!(l, contacts.full_name).to_string(), lead.full_name.clone())}
            {fact(|l| td_string!(l, contacts.job_title).to_string(), opt(&lead.title))}
            {fact(|l| td_string!(l, contacts.col_company).to_string(), opt(&lead.company_name))}
            {fact(|l| td_string!(l, contacts.emails).to_string(), lead.emails.join(", "))}
            {fact(|l| td_string!(l, contacts.phones).to_string(), lead.phones.join(", "))}
            {fact(|l| td_string!(l, contacts.tags).to_string(), lead.tags.join(", "))}
            {fact(|l| td_string!(l, contacts.source).to_string(), opt(&lead.source))}
            {fact(|l| td_string!(l, contacts.notes).to_string(), opt(&lead.notes))}
            {fact(|l| td_string!(l, contacts.col_owner).to_string(), opt(&lead.owner_name))}
        </dl>
    }
}

/// One action turns the qualified lead into a contact, its company and optionally a deal.
#[component]
fn ConvertPanel(lead: Lead) -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<ConvertLead>::new();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(contact)) = action.value().get() {
            navigate(&format!("/contacts/{}", contact.0), Default::default());
        }
    });
    let (error, form_error) = crate::ui::action_errors(action);
    let with_deal = RwSignal::new(false);
    let default_title = lead
        .company_name
        .clone()
        .unwrap_or_else(|| lead.full_name.clone());
    view! {
        <section class="panel" aria-labelledby="convert-title">
            <h2 id="convert-title">{t!(i18n, leads.convert)}</h2>
            <p class="field-hint">{t!(i18n, leads.convert_hint)}</p>
            <ActionForm action attr:class="form" attr:novalidate=true>
                <input type="hidden" name="id" value=lead.id.0.to_string() />
                <input type="hidden" name="version" value=lead.version />
                <Field id="cv-company" maxlength=crate::leads::model::COMPANY_NAME_MAX name="input[company]" error_key="company" value=lead.company_name.clone().unwrap_or_default() error>
                    {t!(i18n, contacts.col_company)}
                </Field>
                <label class="check">
                    <input type="checkbox" name="input[create_deal]" value="on" on:change=move |ev| with_deal.set(event_target_checked(&ev)) />
                    {t!(i18n, leads.create_deal)}
                </label>
                <Show when=move || with_deal.get()>
                    <Field id="cv-deal-title" maxlength=crate::leads::model::DEAL_TITLE_MAX name="input[deal_title]" error_key="deal_title" value=default_title.clone() error>
                        {t!(i18n, leads.deal_title)}
                    </Field>
                    <Field id="cv-deal-value" name="input[deal_value]" error_key="deal_value" inputmode="decimal" error>
                        {t!(i18n, leads.deal_value)}
                    </Field>
                </Show>
                <ErrorMessage error=form_error />
                <crate::ui::FieldError error field="status" id="cv-status-error" />
                <crate::ui::FieldError error field="create_deal" id="cv-deal-error" />
                <button type="submit" class="primary" disabled=move || action.pending().get()>{t!(i18n, leads.convert_button)}</button>
            </ActionForm>
        </section>
    }
}
