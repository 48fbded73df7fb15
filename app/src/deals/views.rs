//! The deal page (facts, inline edit, contacts, history) and the deal lists of companies and
//! contacts.
use leptos::prelude::*;
use leptos_router::components::A;

use super::api::{CreateDeal, UpdateDeal, contact_deals, deal_contacts, delete_deal, get_deal};
use super::model::{CURRENCIES, Deal, DealContact, DealInput};
use crate::activities::model::SubjectKind;
use crate::activities::views::Activities;
use crate::companies::model::CompanyId;
use crate::contacts::model::ContactId;
use crate::deals::board::api::company_deals;
use crate::deals::board::model::DealSummary;
use crate::deals::model::{DealId, StageId};
use crate::error::AppError;
use crate::i18n::*;
use crate::records::views::{RecordEditor, RecordPage, Related, VersionedEdit, fact};
use crate::ui::{ErrorMessage, Field, Menu};

/// `/deals/:id`.
#[component]
pub fn DealPage() -> impl IntoView {
    let id = crate::records::views::id_param(DealId);
    view! {
        <RecordPage
            id
            keep="deal"
            load=get_deal
            view=move |d: Deal, reload, saved| {
                let id = d.id;
                let related = view! {
                    <Related
                        id="deal-contacts"
                        title=|l| td_string!(l, deals.contacts).to_string()
                        empty=|l| td_string!(l, deals.no_contacts).to_string()
                        of=id
                        load=deal_contacts
                        item=|c: DealContact| view! {
                            <a href=format!("/contacts/{}", c.id)>{c.full_name}</a>
                            {c.title.map(|t| view! { <span class="muted">" · "{t}</span> })}
                        }.into_any()
                    />
                }
                .into_any();
                let timeline = view! { <Activities about=SubjectKind::Deal id=id.0 /> }.into_any();
                view! { <DealDetail deal=d reload saved timeline related /> }.into_any()
            }
        />
    }
}

impl VersionedEdit for UpdateDeal {
    fn set_version(&mut self, version: i32) {
        self.version = version;
    }
}

#[component]
fn DealDetail(
    deal: Deal,
    reload: RwSignal<u32>,
    saved: RwSignal<bool>,
    timeline: AnyView,
    related: AnyView,
) -> impl IntoView {
    let id = deal.id;
    let subtitle = [
        Some(deal.value().to_string()),
        Some(format!("{} · {}", deal.pipeline_name, deal.stage_name)),
        deal.company_name.clone(),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" · ");
    let version = deal.version;
    let delete = move || delete_deal(id, version);
    let actions = view! { <crate::records::views::TrashButton name=deal.title.clone() delete back="/pipeline" /> };
    view! {
        <RecordEditor
            id=id.0.to_string()
            version=deal.version
            heading=deal.title.clone()
            subtitle
            record=deal
            reload
            saved
            current={move || get_deal(id)}
            version_of={|d| d.version}
            facts={|d| view! { <DealFacts deal=d.clone() /> }.into_any()}
            fields={|error, d| view! { <DealFields error deal=d.clone() /> }.into_any()}
            update={ServerAction::<UpdateDeal>::new()}
            timeline=Some(timeline)
            related=Some(related)
            actions=Some(actions.into_any())
        />
    }
}

fn status_label(i18n: leptos_i18n::I18nContext<Locale>, status: &str) -> String {
    match status {
        "won" => t_string!(i18n, pipeline.won),
        "lost" => t_string!(i18n, pipeline.lost),
        _ => t_string!(i18n, deals.status_open),
    }
    .to_string()
}

#[component]
fn DealFacts(deal: Deal) -> impl IntoView {
    let i18n = use_i18n();
    let probability = match deal.probability {
        Some(p) => format!("{p}%"),
        None => format!(
            "{}% ({})",
            deal.stage_probability,
            t_string!(i18n, deals.stage_default)
        ),
    };
    let status = deal.status.clone();
    view! {
        <dl class="profile">
            {fact(|l| td_string!(l, deals.value).to_string(), deal.value().to_string())}
            {fact(|l| td_string!(l, deals.stage).to_string(), format!("{} · {}", deal.pipeline_name, deal.stage_name))}
            <dt>{t!(i18n, deals.status)}</dt>
            <dd>{move || status_label(i18n, &status)}</dd>
            {fact(|l| td_string!(l, deals.lost_reason).to_string(), deal.lost_reason.clone().unwrap_or_default())}
            {fact(|l| td_string!(l, deals.probability).to_string(), probability)}
            {crate::records::views::fact_view(|l| td_string!(l, deals.close_date).to_string(), deal.expected_close_date.map(|date| view! { <crate::ui::LocalDate date /> }))}
            {deal.company_id.zip(deal.company_name.clone()).map(|(id, name)| view! {
                <dt>{t!(i18n, deals.company)}</dt>
                <dd><A href=format!("/companies/{id}")>{name}</A></dd>
            })}
            {fact(|l| td_string!(l, deals.owner).to_string(), deal.owner_name.clone().unwrap_or_default())}
            {crate::records::views::fact_view(|l| td_string!(l, deals.stage_since).to_string(), Some(view! { <crate::ui::LocalDateTime at=deal.stage_entered_at /> }))}
            {crate::records::views::fact_view(|l| td_string!(l, deals.updated).to_string(), Some(view! { <crate::ui::LocalDateTime at=deal.updated_at /> }))}
        </dl>
    }
}

#[component]
fn DealFields(#[prop(into)] error: Signal<Option<AppError>>, deal: Deal) -> impl IntoView {
    let i18n = use_i18n();
    let initial = DealInput::from(&deal);
    let currency = initial.currency.clone();
    let default = deal.stage_probability;
    view! {
        <Field id="d-title" maxlength=crate::deals::model::TITLE_MAX name="input[title]" error_key="title" value=initial.title required=true error>
            {t!(i18n, deals.deal_title)}
        </Field>
        <Field id="d-value" name="input[value]" error_key="value" inputmode="decimal" value=initial.value error>
            {t!(i18n, deals.value)}
        </Field>
        <div class="field">
            <label for="d-currency">{t!(i18n, deals.currency)}</label>
            <select id="d-currency" name="input[currency]">
                {CURRENCIES.into_iter().map(|c| view! { <option value=c selected=currency == c>{c}</option> }).collect_view()}
            </select>
        </div>
        <Field id="d-close" name="input[expected_close_date]" error_key="expected_close_date" input_type="date" value=initial.expected_close_date error>
            {t!(i18n, deals.close_date)}
        </Field>
        <Field
            id="d-probability"
            name="input[probability]"
            error_key="probability"
            inputmode="numeric"
            value=initial.probability
            hint=ViewFn::from(move || t!(i18n, deals.probability_hint, p = move || default))
            error
        >
            {t!(i18n, deals.probability)}
        </Field>
    }
}

/// One line of a deal list: its title (a link to its page), value, stage and outcome.
fn deal_item(d: DealSummary) -> AnyView {
    let i18n = use_i18n();
    let status = (d.status != "open").then(|| {
        let class = format!("badge deal-{}", d.status);
        let s = d.status.clone();
        view! { " " <span class=class>{move || status_label(i18n, &s)}</span> }
    });
    view! {
        <a href=format!("/deals/{}", d.id)>{d.title}</a>
        <span class="muted">" · "{d.value.to_string()}" · "{d.stage}</span>
        {status}
    }
    .into_any()
}

/// A company's deals, for the company page.
#[component]
pub fn CompanyDeals(company: CompanyId) -> impl IntoView {
    view! {
        <Related
            id="company-deals"
            title=|l| td_string!(l, pipeline.company_deals).to_string()
            empty=|l| td_string!(l, pipeline.no_deals).to_string()
            of=company
            load=company_deals
            item=deal_item
        />
    }
}

/// A contact's deals, for the contact page.
#[component]
pub fn ContactDeals(contact: ContactId) -> impl IntoView {
    view! {
        <Related
            id="contact-deals"
            title=|l| td_string!(l, deals.contact_deals).to_string()
            empty=|l| td_string!(l, pipeline.no_deals).to_string()
            of=contact
            load=contact_deals
            item=deal_item
        />
    }
}

/// "New deal" on the board: title, value, company, close date and stage, in a menu that opens
/// over the page from the header's primary button; the board shows the deal when it is saved.
#[component]
pub fn NewDeal(
    stages: RwSignal<Vec<(StageId, String)>>,
    on_created: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<CreateDeal>::new();
    // Not re-rendered with the form, so it can always find the menu to close.
    let holder = NodeRef::<leptos::html::Div>::new();
    // A fresh form after each deal.
    let generation = RwSignal::new(0u32);
    Effect::new(move |_| {
        if let Some(Ok(_)) = action.value().get() {
            close_menu(holder);
            generation.update(|n| *n += 1);
            on_created.run(());
        }
    });
    let (error, form_error) = crate::ui::action_errors(action);
    let label = ViewFn::from(move || t!(i18n, deals.new));
    view! {
        <Menu label class="primary menu-end new-deal">
            <div node_ref=holder>
            {move || {
                generation.get();
                view! {
                    <ActionForm action attr:class="form" attr:novalidate=true>
                        <Field id="nd-title" maxlength=crate::deals::model::TITLE_MAX name="input[title]" error_key="title" required=true error>
                            {t!(i18n, deals.deal_title)}
                        </Field>
                        <Field id="nd-value" name="input[value]" error_key="value" inputmode="decimal" error>
                            {t!(i18n, deals.value)}
                        </Field>
                        <div class="field">
                            <label for="nd-currency">{t!(i18n, deals.currency)}</label>
                            <select id="nd-currency" name="input[currency]">
                                {CURRENCIES.into_iter().map(|c| view! { <option value=c>{c}</option> }).collect_view()}
                            </select>
                        </div>
                        <Field id="nd-company" maxlength=crate::companies::model::NAME_MAX name="company" error_key="company" error>
                            {t!(i18n, deals.company)}
                        </Field>
                        <Field id="nd-close" name="input[expected_close_date]" error_key="expected_close_date" input_type="date" error>
                            {t!(i18n, deals.close_date)}
                        </Field>
                        <div class="field">
                            <label for="nd-stage">{t!(i18n, deals.stage)}</label>
                            <select id="nd-stage" name="stage">
                                {move || stages.get().into_iter().map(|(id, name)| view! { <option value=id.0.to_string()>{name}</option> }).collect_view()}
                            </select>
                        </div>
                        <input type="hidden" name="input[probability]" value="" />
                        <ErrorMessage error=form_error />
                        <div class="menu-actions">
                            <button type="submit" class="primary">{t!(i18n, deals.create)}</button>
                        </div>
                    </ActionForm>
                }
            }}
            </div>
        </Menu>
    }
}

/// Closes the menu that holds `inside`.
fn close_menu(inside: NodeRef<leptos::html::Div>) {
    #[cfg(feature = "hydrate")]
    if let Some(menu) = inside
        .get_untracked()
        .and_then(|d| d.closest("details").ok().flatten())
    {
        use leptos::wasm_bindgen::JsCast;
        if let Ok(menu) = menu.dyn_into::<web_sys::HtmlDetailsElement>() {
            menu.set_open(false);
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = inside;
}
