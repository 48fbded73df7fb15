//! The new-ticket form.
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::{Choice, channel_label, kind_label, priority_label};
use crate::error::AppError;
use crate::i18n::*;
use crate::records::views::CreateForm;
use crate::tickets::api::CreateTicket;
use crate::tickets::model::{
    CHANNELS, CUSTOMER_MAX, DESCRIPTION_MAX, KINDS, PRIORITIES, SUBJECT_MAX, TEAM_MAX, TicketId,
};
use crate::ui::Field;

fn fields(error: Signal<Option<AppError>>) -> AnyView {
    let i18n = use_i18n();
    // Opened from a customer's page: the customer filled in.
    let customer = use_query_map()
        .read_untracked()
        .get("customer")
        .unwrap_or_default();
    view! {
        <Field id="t-subject" maxlength=SUBJECT_MAX name="input[subject]" error_key="subject" required=true error>
            {t!(i18n, tickets.subject)}
        </Field>
        <Field id="t-customer" maxlength=CUSTOMER_MAX name="input[customer]" error_key="customer" value=customer error
            hint=ViewFn::from(move || t!(i18n, tickets.customer_hint))>
            {t!(i18n, tickets.customer)}
        </Field>
        <div class="field-row">
            <Choice id="t-channel" name="input[channel]" options=&CHANNELS label=channel_label selected="phone">{t!(i18n, tickets.channel)}</Choice>
            <Choice id="t-kind" name="input[kind]" options=&KINDS label=kind_label selected="question">{t!(i18n, tickets.kind)}</Choice>
            <Choice id="t-priority" name="input[priority]" options=&PRIORITIES label=priority_label selected="normal">{t!(i18n, tickets.priority)}</Choice>
        </div>
        <Field id="t-team" maxlength=TEAM_MAX name="input[team]" error_key="team" error>
            {t!(i18n, tickets.team)}
        </Field>
        <Field id="t-tags" maxlength=crate::records::fields::LIST_MAX name="input[tags]" error_key="tags" error>
            {t!(i18n, contacts.tags)}
        </Field>
        <Field id="t-description" maxlength=DESCRIPTION_MAX name="input[description]" error_key="description" multiline=true error>
            {t!(i18n, tickets.description)}
        </Field>
    }
    .into_any()
}

#[component]
pub fn NewTicketPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <CreateForm
            heading={move || t_string!(i18n, tickets.new).to_string()}
            submit={move || t_string!(i18n, tickets.create).to_string()}
            action={ServerAction::<CreateTicket>::new()}
            href={|id: &TicketId| format!("/tickets/{}", id.0)}
            fields
        />
    }
}
