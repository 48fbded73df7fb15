//! The queues page, and the tickets a contact's or company's page lists.
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};
use uuid::Uuid;

use super::{Due, badge, priority_label, status_label};
use crate::error::AppError;
use crate::i18n::*;
use crate::records::views::Related;
use crate::tickets::api::{company_tickets, contact_tickets, list_tickets};
use crate::tickets::model::{Queue, QueueQuery, TicketId, TicketRow};
use crate::ui::PageHeader;

fn queue_label(l: Locale, q: Queue) -> &'static str {
    match q {
        Queue::Mine => td_string!(l, tickets.queue_mine),
        Queue::Unassigned => td_string!(l, tickets.queue_unassigned),
        Queue::Breaching => td_string!(l, tickets.queue_breaching),
        Queue::Breached => td_string!(l, tickets.queue_breached),
        Queue::Waiting => td_string!(l, tickets.queue_waiting),
        Queue::Open => td_string!(l, tickets.queue_open),
        Queue::Done => td_string!(l, tickets.queue_done),
    }
}

/// The address of a queue page.
fn queue_href(queue: Queue, team: &str, after: &str) -> String {
    crate::ui::url::with_query(
        "/tickets",
        &[("queue", queue.as_str()), ("team", team), ("after", after)],
    )
}

/// The service desk's queues: one tab per queue, a team filter, and the queue's tickets by due time.
/// A change of `refresh` (the layer above bumps it on a live event) loads the queue again.
#[component]
pub fn TicketsPage(refresh: RwSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let asked = move || {
        let q = query.read();
        let get = |k: &str| q.get(k).unwrap_or_default();
        QueueQuery {
            queue: Queue::parse(&get("queue")).as_str().to_string(),
            team: get("team"),
            after: get("after"),
            ..Default::default()
        }
    };
    let page = crate::ui::page_resource(move || (asked(), refresh.get()), |(q, _)| list_tickets(q));
    let works =
        use_context::<crate::users::model::CurrentUser>().is_some_and(|u| u.role.works_tickets());
    let navigate = use_navigate();
    let current = move || Queue::parse(&asked().queue);
    // The tickets chosen for a bulk change; a new page or queue starts with none.
    let selected = RwSignal::new(Vec::<TicketId>::new());
    let changed = RwSignal::new(None::<usize>);
    Effect::new(move |prev: Option<QueueQuery>| {
        let now = asked();
        selected.set(Vec::new());
        if prev.is_some_and(|p| p != now) {
            changed.set(None);
        }
        now
    });
    let team = move || asked().team;
    view! {
        <PageHeader title=move || t_string!(i18n, tickets.title)>
            {works.then(|| view! { <A href="/tickets/new" attr:class="button primary">{t!(i18n, tickets.new)}</A> })}
        </PageHeader>
        <nav class="queue-tabs" aria-label=move || t_string!(i18n, tickets.queues)>
            {Queue::ALL.into_iter().map(|q| view! {
                <a href=move || queue_href(q, &team(), "") aria-current=move || (current() == q).then_some("page")>
                    {move || queue_label(i18n.get_locale(), q)}
                </a>
            }).collect_view()}
        </nav>
        <super::bulk::BulkDone changed />
        <Transition fallback=|| view! { <div class="skeleton" aria-busy="true"></div> }>
            {move || {
                let navigate = navigate.clone();
                Suspend::new(async move {
                    let page = page.await?;
                    let chosen = team();
                    let on_team = move |ev: leptos::ev::Event| {
                        navigate(&queue_href(current(), &event_target_value(&ev), ""), Default::default());
                    };
                    let next = page.next.map(|after| queue_href(current(), &team(), &after));
                    let empty = page.rows.is_empty();
                    Ok::<_, AppError>(view! {
                        <div class="toolbar">
                            <div class="field inline">
                                <label for="queue-team">{t!(i18n, tickets.team)}</label>
                                <select id="queue-team" on:change=on_team>
                                    <option value="" selected=chosen.is_empty()>{t!(i18n, tickets.all_teams)}</option>
                                    {page.teams.into_iter().map(|t| view! { <option value=t.clone() selected=chosen == t>{t.clone()}</option> }).collect_view()}
                                </select>
                            </div>
                        </div>
                        {if empty {
                            view! { <div class="empty-state" role="status"><p class="empty-title">{t!(i18n, tickets.none)}</p></div> }.into_any()
                        } else {
                            let chosen = works.then_some(selected);
                            view! {
                                {works.then(|| view! { <super::bulk::BulkBar selected agents=page.agents refresh changed /> })}
                                <QueueTable rows=page.rows selected=chosen label=move || queue_label(i18n.get_locale(), current()) />
                            }.into_any()
                        }}
                        {next.map(|href| view! { <p class="more"><a class="button" href=href>{t!(i18n, tickets.next_page)}</a></p> })}
                    })
                })
            }}
        </Transition>
    }
}

/// A queue's tickets; with `selected`, each row (and the page at once) may be chosen for the bulk bar.
#[component]
fn QueueTable(
    rows: Vec<TicketRow>,
    selected: Option<RwSignal<Vec<TicketId>>>,
    #[prop(into)] label: Signal<&'static str>,
) -> impl IntoView {
    let i18n = use_i18n();
    let ids: Vec<TicketId> = rows.iter().map(|r| r.id).collect();
    let all_chosen = {
        let ids = ids.clone();
        move || selected.is_some_and(|s| s.with(|s| ids.iter().all(|i| s.contains(i))))
    };
    view! {
        <div class="table-wrap">
            <table class="records tickets" aria-label=move || label.get()>
                <thead><tr>
                    {selected.map(|s| view! {
                        <th scope="col" class="select">
                            <input type="checkbox" aria-label=move || t_string!(i18n, bulk.select_page) prop:checked=all_chosen.clone()
                                on:change=move |ev| s.set(if event_target_checked(&ev) { ids.clone() } else { Vec::new() }) />
                        </th>
                    })}
                    <th scope="col">{t!(i18n, tickets.col_ticket)}</th>
                    <th scope="col">{t!(i18n, tickets.customer)}</th>
                    <th scope="col">{t!(i18n, tickets.priority)}</th>
                    <th scope="col">{t!(i18n, tickets.status)}</th>
                    <th scope="col">{t!(i18n, tickets.assignee)}</th>
                    <th scope="col">{t!(i18n, tickets.due)}</th>
                </tr></thead>
                <tbody>
                    {rows.into_iter().map(|r| {
                        let (id, name) = (r.id, format!("#{} {}", r.number, r.subject));
                        view! {
                            <tr>
                                {selected.map(|s| view! {
                                    <td class="select">
                                        <input type="checkbox" aria-label=move || format!("{} {name}", t_string!(i18n, bulk.select))
                                            prop:checked=move || s.with(|s| s.contains(&id))
                                            on:change=move |ev| s.update(|s| if event_target_checked(&ev) { s.push(id) } else { s.retain(|i| *i != id) }) />
                                    </td>
                                })}
                                <td class="subject"><a href=format!("/tickets/{}", r.id.0)><span class="muted">"#"{r.number}" "</span>{r.subject}</a></td>
                                <td>{r.customer}</td>
                                <td>{badge("priority", r.priority, priority_label)}</td>
                                <td>{badge("ticket", r.status, status_label)}</td>
                                <td>{r.assignee_name.unwrap_or_default()}</td>
                                <td>{r.due_at.map(|due| view! { <Due due /> })}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

fn ticket_item(t: TicketRow) -> AnyView {
    view! {
        <a href=format!("/tickets/{}", t.id.0)>"#"{t.number}" "{t.subject}</a>
        " "{badge("ticket", t.status, status_label)}
        {t.rating.map(|score| view! { " "<crate::ui::Stars score /> })}
    }
    .into_any()
}

/// A contact's tickets, for the contact page.
#[component]
pub fn ContactTickets(contact: Uuid) -> impl IntoView {
    view! {
        <Related
            id="contact-tickets"
            title=|l| td_string!(l, tickets.title).to_string()
            empty=|l| td_string!(l, tickets.none_for_customer).to_string()
            of=contact
            load=contact_tickets
            item=ticket_item
        />
    }
}

/// A company's tickets, for the company page.
#[component]
pub fn CompanyTickets(company: Uuid) -> impl IntoView {
    view! {
        <Related
            id="company-tickets"
            title=|l| td_string!(l, tickets.title).to_string()
            empty=|l| td_string!(l, tickets.none_for_customer).to_string()
            of=company
            load=company_tickets
            item=ticket_item
        />
    }
}
