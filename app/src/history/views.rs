//! `/settings/audit`: who changed what, when; filtered through the URL.
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use super::api::audit_log;
use super::model::{AuditEntry, AuditFilter, ENTITIES};
use crate::error::AppError;
use crate::i18n::*;
use crate::labels::field_label;
use crate::ui::url::with_query;
use crate::ui::{DateInput, ErrorMessage, FieldError, LocalDateTime};

pub(crate) fn entity_label(l: Locale, entity: &str) -> String {
    match entity {
        "contact" => td_string!(l, audit.type_contact),
        "company" => td_string!(l, audit.type_company),
        "lead" => td_string!(l, audit.type_lead),
        "deal" => td_string!(l, audit.type_deal),
        "ticket" => td_string!(l, audit.type_ticket),
        "task" => td_string!(l, audit.type_task),
        "pipeline" => td_string!(l, audit.type_pipeline),
        "webhook" => td_string!(l, audit.type_webhook),
        "api_token" => td_string!(l, audit.type_api_token),
        _ => td_string!(l, audit.all_types),
    }
    .to_string()
}

fn action_label(l: Locale, action: &str) -> String {
    match action {
        "create" => td_string!(l, audit.created),
        "delete" => td_string!(l, audit.deleted),
        "restore" => td_string!(l, audit.restored),
        "merge" => td_string!(l, audit.merged),
        _ => td_string!(l, audit.updated),
    }
    .to_string()
}

fn record_href(e: &AuditEntry) -> Option<String> {
    let path = match e.entity.as_str() {
        "contact" => "contacts",
        "company" => "companies",
        "lead" => "leads",
        "deal" => "deals",
        "ticket" => "tickets",
        _ => return None,
    };
    Some(format!("/{path}/{}", e.entity_id))
}

#[component]
pub fn AuditLogPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_query_map();
    let filter = Memo::new(move |_| AuditFilter::from_query(|k| params.read().get(k)));
    let data = crate::ui::page_resource(move || filter.get(), audit_log);
    let owners = crate::records::api::owners();
    let error = RwSignal::new(None::<AppError>);
    let f = move || filter.get();
    view! {
        <crate::ui::PageHeader title=move || t_string!(i18n, audit.title) />
        <form method="GET" action="/settings/audit" class="filters" role="search">
            <div class="filter">
                <label for="audit-actor">{t!(i18n, audit.who)}</label>
                <select id="audit-actor" name="actor">
                    <option value="" selected=move || f().actor.is_empty()>{t!(i18n, audit.anyone)}</option>
                    <Transition>
                        {move || Suspend::new(async move {
                            owners.await.unwrap_or_default().into_iter().map(|o| {
                                let v = o.id.to_string();
                                let chosen = v.clone();
                                view! { <option value=v selected=move || f().actor == chosen>{o.name}</option> }
                            }).collect_view()
                        })}
                    </Transition>
                </select>
            </div>
            <div class="filter">
                <label for="audit-entity">{t!(i18n, audit.record_type)}</label>
                <select id="audit-entity" name="entity">
                    <option value="" selected=move || f().entity.is_empty()>{t!(i18n, audit.all_types)}</option>
                    {ENTITIES.into_iter().map(|e| view! {
                        <option value=e selected=move || f().entity == e>{move || entity_label(i18n.get_locale(), e)}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="filter">
                <label for="audit-from">{t!(i18n, audit.from)}</label>
                <DateInput id="audit-from" name="from" value=Signal::derive(move || f().from) invalid=Signal::derive(move || error.with(|e| e.as_ref().and_then(|e| e.field("from")).is_some())) describedby="audit-from-error" />
                <FieldError id="audit-from-error" field="from" error />
            </div>
            <div class="filter">
                <label for="audit-to">{t!(i18n, audit.to)}</label>
                <DateInput id="audit-to" name="to" value=Signal::derive(move || f().to) invalid=Signal::derive(move || error.with(|e| e.as_ref().and_then(|e| e.field("to")).is_some())) describedby="audit-to-error" />
                <FieldError id="audit-to-error" field="to" error />
            </div>
            <button type="submit">{t!(i18n, list.apply)}</button>
        </form>
        <Transition fallback=|| view! { <div class="skeleton" aria-busy="true"></div> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => {
                        error.set(Some(e.clone()));
                        view! { <ErrorMessage error=Signal::stored(Some(e)) /> }.into_any()
                    }
                    Ok(page) if page.entries.is_empty() => {
                        error.set(None);
                        view! { <p class="empty" role="status">{t!(i18n, audit.none)}</p> }.into_any()
                    }
                    Ok(page) => {
                        error.set(None);
                        let older = page.next.map(|before| {
                            let f = AuditFilter { before: before.to_string(), ..filter.get_untracked() };
                            with_query("/settings/audit", &f.pairs())
                        });
                        view! {
                            <div class="table-wrap">
                                <table class="records" aria-label=move || t_string!(i18n, audit.title)>
                                    <thead><tr>
                                        <th scope="col">{t!(i18n, audit.when)}</th>
                                        <th scope="col">{t!(i18n, audit.who)}</th>
                                        <th scope="col">{t!(i18n, audit.record)}</th>
                                        <th scope="col">{t!(i18n, audit.action)}</th>
                                        <th scope="col">{t!(i18n, audit.changes)}</th>
                                    </tr></thead>
                                    <tbody>
                                        {page.entries.into_iter().map(|e| {
                                            let when = e.at;
                                            let name = e.record.clone().unwrap_or_else(|| "—".into());
                                            let record = match record_href(&e) {
                                                Some(href) if e.record.is_some() => view! { <A href=href>{name}</A> }.into_any(),
                                                _ => name.into_any(),
                                            };
                                            let (entity, action) = (e.entity.clone(), e.action.clone());
                                            let deal = e.entity == "deal";
                                            view! {
                                                <tr>
                                                    <td><LocalDateTime at=when /></td>
                                                    <td>{e.actor.clone().unwrap_or_default()}</td>
                                                    <td>{record}<span class="muted">{move || format!(" · {}", entity_label(i18n.get_locale(), &entity))}</span></td>
                                                    <td>{move || action_label(i18n.get_locale(), &action)}</td>
                                                    <td>
                                                        <ul class="changes">
                                                            {e.changes.into_iter().map(|c| {
                                                                let key = c.field.clone();
                                                                view! { <li><span class="field">{move || field_label(i18n, &key, deal)}</span>": " <del><crate::ui::LocalValue raw=c.old /></del>" → " <ins><crate::ui::LocalValue raw=c.new /></ins></li> }
                                                            }).collect_view()}
                                                        </ul>
                                                    </td>
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                            <nav class="pager" aria-label=move || t_string!(i18n, list.pages)>
                                {older.map(|href| view! { <A href=href>{t!(i18n, audit.older)}</A> })}
                            </nav>
                        }.into_any()
                    }
                }
            })}
        </Transition>
    }
}
