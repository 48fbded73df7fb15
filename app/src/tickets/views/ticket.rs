//! A ticket's page: its facts and service clocks, its handling (status, priority, team, assignee),
//! and the conversation with the forms that add to it.
use leptos::prelude::*;

use super::{Choice, Due, badge, channel_label, kind_label, priority_label, status_label};
use crate::error::AppError;
use crate::i18n::*;
use crate::records::views::{fact, fact_view, id_param};
use crate::tickets::api::{AddTicketMessage, TriageTicket, delete_ticket, get_ticket};
use crate::tickets::model::{
    MESSAGE_MAX, Message, PRIORITIES, STATUSES, TEAM_MAX, Ticket, TicketId, TicketView,
};
use crate::ui::{ErrorMessage, Field, LocalDateTime, PageHeader};

/// A ticket's page; `customer` draws what other parts of Keel show of the ticket's contact (its
/// deals), handed by the shell.
#[component]
pub fn TicketPage(
    #[prop(optional)] customer: Option<Callback<uuid::Uuid, AnyView>>,
) -> impl IntoView {
    let id = id_param(TicketId);
    let reload = RwSignal::new(0u32);
    let data = crate::ui::page_resource(
        move || (id(), reload.get()),
        |(id, _)| async move {
            match id {
                Some(id) => get_ticket(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    view! {
        <Transition fallback=|| view! { <div class="skeleton" aria-busy="true"></div> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(v) => Ok(view! { <TicketBody v reload customer /> }.into_any()),
                    Err(error) => crate::ui::page_error(error),
                }
            })}
        </Transition>
    }
}

#[component]
fn TicketBody(
    v: TicketView,
    reload: RwSignal<u32>,
    customer: Option<Callback<uuid::Uuid, AnyView>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let t = v.ticket;
    let title = format!("#{} {}", t.number, t.subject);
    let handling = v
        .can_work
        .then(|| view! { <Handling t=t.clone() agents=v.agents deals=v.deals reload /> });
    let reply = v
        .can_note
        .then(|| view! { <AddMessage id=t.id agent=v.can_work reload /> });
    // The customer's side: their tickets, and what the shell adds (their deals).
    let side = t.contact_id.map(|c| {
        view! {
            <super::ContactTickets contact=c />
            {customer.map(|f| f.run(c))}
        }
    });
    // Those who work tickets may move one to the trash (spam, a duplicate).
    let (id, version) = (t.id, t.version);
    let delete = move || delete_ticket(id, version);
    let trash = v.can_work.then(|| {
        view! { <crate::records::views::TrashButton name=title.clone() delete back="/tickets" /> }
    });
    view! {
        <PageHeader title=title.clone()>{trash}</PageHeader>
        <div class="ticket-layout">
            <div class="ticket-side">
                <Facts t=t.clone() customer_link=v.customer_link />
                {handling}
                {side}
            </div>
            <section class="panel ticket-conversation" aria-labelledby="ticket-conversation">
                <h2 id="ticket-conversation">{t!(i18n, tickets.conversation)}</h2>
                <ol class="messages">
                    {t.description.clone().map(|body| view! {
                        <li class="message customer">
                            <p class="meta"><span class="badge">{t!(i18n, tickets.description)}</span>" "<LocalDateTime at=t.created_at /></p>
                            <p class="body">{body}</p>
                        </li>
                    })}
                    {v.messages.into_iter().map(|m| view! { <MessageItem m /> }).collect_view()}
                </ol>
                {reply}
            </section>
        </div>
    }
}

fn label(l: Locale, kind: &str) -> &'static str {
    match kind {
        "reply" => td_string!(l, tickets.kind_reply),
        "note" => td_string!(l, tickets.kind_note),
        _ => td_string!(l, tickets.kind_customer),
    }
}

#[component]
fn MessageItem(m: Message) -> impl IntoView {
    let i18n = use_i18n();
    let kind = m.kind.clone();
    view! {
        <li class=format!("message {}", m.kind)>
            <p class="meta">
                <span class=format!("badge message-{}", m.kind)>{move || label(i18n.get_locale(), &kind)}</span>
                " "<strong>{m.author_name.unwrap_or_default()}</strong>" "
                <LocalDateTime at=m.created_at />
            </p>
            <p class="body">{m.body}</p>
        </li>
    }
}

/// The ticket's facts and its service clocks.
#[component]
fn Facts(t: Ticket, customer_link: Option<String>) -> impl IntoView {
    let i18n = use_i18n();
    let rating = t.rating.map(|score| {
        let comment = t.rating_comment.clone();
        view! {
            <dt>{t!(i18n, tickets.rating)}</dt>
            <dd><crate::ui::Stars score />{comment.map(|c| view! { <q class="rating-comment">{c}</q> })}</dd>
        }
    });
    let link = customer_link.map(|href| {
        view! {
            <dt>{t!(i18n, tickets.customer_link)}</dt>
            <dd><a href=href.clone() target="_blank" rel="noopener">{t!(i18n, tickets.customer_link_open)}</a>
                <span class="muted hint">" "{t!(i18n, tickets.customer_link_hint)}</span></dd>
        }
    });
    let customer = t
        .contact_id
        .zip(t.contact_name.clone())
        .map(|(id, name)| view! { <a href=format!("/contacts/{id}")>{name}</a> });
    let company = t
        .company_id
        .zip(t.company_name.clone())
        .map(|(id, name)| view! { <a href=format!("/companies/{id}")>{name}</a> });
    let (channel, kind, priority, status) = (
        t.channel.clone(),
        t.kind.clone(),
        t.priority.clone(),
        t.status.clone(),
    );
    let deal = t
        .deal_id
        .zip(t.deal_title.clone())
        .map(|(id, title)| view! { <a href=format!("/deals/{id}")>{title}</a> });
    let first = clock(t.first_responded_at, t.first_response_due_at);
    let resolution = clock(t.resolved_at, t.resolution_due_at);
    view! {
        <section class="panel ticket-facts" aria-labelledby="ticket-facts">
            <h2 id="ticket-facts">{t!(i18n, tickets.details)}</h2>
            <dl class="profile">
                {fact_view(|l| td_string!(l, tickets.customer).to_string(), customer)}
                {fact_view(|l| td_string!(l, contacts.col_company).to_string(), company)}
                <dt>{t!(i18n, tickets.status)}</dt>
                <dd>{badge("ticket", status, status_label)}</dd>
                <dt>{t!(i18n, tickets.priority)}</dt>
                <dd>{badge("priority", priority, priority_label)}</dd>
                <dt>{t!(i18n, tickets.channel)}</dt>
                <dd>{move || channel_label(i18n.get_locale(), &channel)}</dd>
                <dt>{t!(i18n, tickets.kind)}</dt>
                <dd>{move || kind_label(i18n.get_locale(), &kind)}</dd>
                {fact_view(|l| td_string!(l, tickets.deal).to_string(), deal)}
                {fact(|l| td_string!(l, tickets.team).to_string(), t.team.clone().unwrap_or_default())}
                {fact(|l| td_string!(l, tickets.assignee).to_string(), t.assignee_name.clone().unwrap_or_default())}
                {fact(|l| td_string!(l, contacts.tags).to_string(), t.tags.join(", "))}
                <dt>{t!(i18n, tickets.opened)}</dt>
                <dd><LocalDateTime at=t.created_at /></dd>
                {rating}
                {link}
            </dl>
            <h3>{t!(i18n, tickets.sla)}{t.sla_name.map(|n| format!(" · {n}"))}</h3>
            <dl class="profile clocks">
                <dt>{t!(i18n, tickets.first_response)}</dt>
                <dd>{first}</dd>
                <dt>{t!(i18n, tickets.resolution)}</dt>
                <dd>{resolution}</dd>
            </dl>
        </section>
    }
}

/// A target's state: met (when), due (in how long), or waiting.
fn clock(
    met: Option<chrono::DateTime<chrono::Utc>>,
    due: Option<chrono::DateTime<chrono::Utc>>,
) -> AnyView {
    let i18n = use_i18n();
    match (met, due) {
        (Some(at), _) => view! { {t!(i18n, tickets.met)}" "<LocalDateTime at /> }.into_any(),
        (None, Some(due)) => view! { <Due due /> }.into_any(),
        (None, None) => view! { <span class="muted">{t!(i18n, tickets.paused)}</span> }.into_any(),
    }
}

/// Status, priority, team and assignee, saved together against the ticket's version.
#[component]
fn Handling(
    t: Ticket,
    agents: Vec<(uuid::Uuid, String)>,
    deals: Vec<(uuid::Uuid, String)>,
    reload: RwSignal<u32>,
) -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<TriageTicket>::new();
    Effect::new(move |_| {
        if let Some(Ok(_)) = action.value().get() {
            reload.update(|n| *n += 1);
        }
    });
    let (error, form_error) = crate::ui::action_errors(action);
    let (assignee, deal) = (t.assignee_id, t.deal_id);
    view! {
        <section class="panel" aria-labelledby="ticket-handling">
            <h2 id="ticket-handling">{t!(i18n, tickets.handling)}</h2>
            <ActionForm action attr:class="form" attr:novalidate=true>
                <input type="hidden" name="id" value=t.id.0.to_string() />
                <input type="hidden" name="version" value=t.version />
                <Choice id="h-status" name="input[status]" options=&STATUSES label=status_label selected=t.status.clone()>{t!(i18n, tickets.status)}</Choice>
                <Choice id="h-priority" name="input[priority]" options=&PRIORITIES label=priority_label selected=t.priority.clone()>{t!(i18n, tickets.priority)}</Choice>
                <div class="field">
                    <label for="h-assignee">{t!(i18n, tickets.assignee)}</label>
                    <select id="h-assignee" name="input[assignee]">
                        <option value="" selected=assignee.is_none()>{t!(i18n, tickets.nobody)}</option>
                        {agents.into_iter().map(|(id, name)| view! { <option value=id.to_string() selected=assignee == Some(id)>{name}</option> }).collect_view()}
                    </select>
                </div>
                <Field id="h-team" maxlength=TEAM_MAX name="input[team]" error_key="team" value=t.team.clone().unwrap_or_default() error>
                    {t!(i18n, tickets.team)}
                </Field>
                <div class="field">
                    <label for="h-deal">{t!(i18n, tickets.deal)}</label>
                    <select id="h-deal" name="input[deal]" aria-describedby="h-deal-error">
                        <option value="" selected=deal.is_none()>{t!(i18n, tickets.no_deal)}</option>
                        {deals.into_iter().map(|(id, title)| view! { <option value=id.to_string() selected=deal == Some(id)>{title}</option> }).collect_view()}
                    </select>
                    <crate::ui::FieldError id="h-deal-error" field="deal" error />
                </div>
                <ErrorMessage error=form_error />
                <button type="submit" class="primary" disabled=move || action.pending().get()>{t!(i18n, tickets.save)}</button>
            </ActionForm>
        </section>
    }
}

/// The form under the conversation: agents reply, note or take down the customer's words; sales
/// add internal notes only.
#[component]
fn AddMessage(id: TicketId, agent: bool, reload: RwSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<AddTicketMessage>::new();
    let generation = RwSignal::new(0u32);
    Effect::new(move |_| {
        if let Some(Ok(_)) = action.value().get() {
            generation.update(|n| *n += 1);
            reload.update(|n| *n += 1);
        }
    });
    let (error, form_error) = crate::ui::action_errors(action);
    let kinds: &'static [&'static str] = if agent {
        &["reply", "note", "customer"]
    } else {
        &["note"]
    };
    view! {
        <ActionForm action attr:class="form add-message" attr:novalidate=true>
            <input type="hidden" name="id" value=id.0.to_string() />
            <fieldset class="message-kinds">
                <legend>{t!(i18n, tickets.message_kind)}</legend>
                {kinds.iter().enumerate().map(|(i, k)| view! {
                    <label class="radio">
                        <input type="radio" name="kind" value=*k checked=i == 0 />
                        {move || label(i18n.get_locale(), k)}
                    </label>
                }).collect_view()}
            </fieldset>
            {move || {
                generation.get();
                view! {
                    <Field id="m-body" maxlength=MESSAGE_MAX name="body" multiline=true required=true error
                        hint=ViewFn::from(move || t!(i18n, notifications.mention_hint))>
                        {t!(i18n, tickets.message)}
                    </Field>
                }
            }}
            <ErrorMessage error=form_error />
            <button type="submit" class="primary" disabled=move || action.pending().get()>{t!(i18n, tickets.send)}</button>
        </ActionForm>
    }
}
