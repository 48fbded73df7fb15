//! Settings → Webhooks (administrators): the subscriptions with their state, a form that adds one
//! and shows its signing secret once, and each subscription's delivery log with replay.
use leptos::prelude::*;
use uuid::Uuid;

use super::api::{
    CreateWebhook, DeleteWebhook, ReplayWebhookDelivery, SetWebhookPaused, list_webhooks,
    webhook_deliveries,
};
use super::model::{Delivery, DeliveryState, ENTITIES, EVENTS, Failure, URL_MAX, Webhook};
use crate::i18n::*;
use crate::ui::{ErrorMessage, Field, FieldError, LocalDateTime, PageHeader, SecretNotice};

/// Why a send failed, in the reader's language (a status failure shows as its code alone).
fn failure(l: Locale, f: Failure) -> &'static str {
    match f {
        Failure::Timeout => td_string!(l, webhooks.err_timeout),
        Failure::Connect => td_string!(l, webhooks.err_connect),
        Failure::PrivateAddress => td_string!(l, webhooks.err_private_address),
        Failure::Expired => td_string!(l, webhooks.err_expired),
        Failure::Status | Failure::Request => td_string!(l, webhooks.err_request),
    }
}

#[component]
pub fn WebhooksPage() -> impl IntoView {
    let i18n = use_i18n();
    let reload = RwSignal::new(0u32);
    let data = crate::ui::page_resource(move || reload.get(), |_| list_webhooks());
    let shown = RwSignal::new(None::<(Uuid, String)>);
    // Kept by the page, so that the secret stays shown when the list reloads under it.
    let create = ServerAction::<CreateWebhook>::new();
    Effect::new(move || {
        if matches!(create.value().get(), Some(Ok(_))) {
            reload.update(|n| *n += 1);
        }
    });
    let secret = move || create.value().get().and_then(Result::ok).map(|w| w.secret);
    view! {
        <PageHeader title=move || t_string!(i18n, webhooks.title) subtitle=ViewFn::from(move || t!(i18n, webhooks.hint)) />
        {move || secret().map(|s| view! {
            <SecretNotice id="webhook-secret" secret=s title=move || t!(i18n, webhooks.made)
                hint=move || t!(i18n, webhooks.copy_now) label=move || t!(i18n, webhooks.secret) />
        })}
        <Transition fallback=|| view! { <div class="skeleton" aria-busy="true"></div> }>
            {move || Suspend::new(async move {
                match data.await {
                    // The form shows only to whom the list does (administrators).
                    Ok(rows) => Ok(view! { <NewWebhookForm create /> <WebhookList rows reload shown /> }.into_any()),
                    Err(e) => crate::ui::page_error(e),
                }
            })}
        </Transition>
        {move || shown.get().map(|(id, url)| view! { <DeliveryLog id url reload /> })}
    }
}

#[component]
fn WebhookList(
    rows: Vec<Webhook>,
    reload: RwSignal<u32>,
    shown: RwSignal<Option<(Uuid, String)>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let pause = ServerAction::<SetWebhookPaused>::new();
    let delete = ServerAction::<DeleteWebhook>::new();
    Effect::new(move || {
        if matches!(pause.value().get(), Some(Ok(())))
            || matches!(delete.value().get(), Some(Ok(())))
        {
            reload.update(|n| *n += 1);
        }
    });
    let error = Signal::derive(move || {
        (pause.value().get().and_then(Result::err)).or(delete.value().get().and_then(Result::err))
    });
    if rows.is_empty() {
        return view! { <p class="empty">{t!(i18n, webhooks.empty)}</p> }.into_any();
    }
    let busy = move || pause.pending().get() || delete.pending().get();
    view! {
        <ErrorMessage error />
        <div class="table-wrap">
        <table class="records webhooks">
            <caption class="visually-hidden">{t!(i18n, webhooks.title)}</caption>
            <thead><tr>
                <th scope="col">{t!(i18n, webhooks.url)}</th>
                <th scope="col">{t!(i18n, webhooks.events)}</th>
                <th scope="col">{t!(i18n, webhooks.state)}</th>
                <th scope="col" class="num">{t!(i18n, webhooks.waiting)}</th>
                <th scope="col"><span class="visually-hidden">{t!(i18n, webhooks.actions)}</span></th>
            </tr></thead>
            <tbody>
            {rows.into_iter().map(|w| {
                let (id, paused) = (w.id, w.paused_at.is_some());
                let url = w.url.clone();
                let (log_url, pause_url, delete_url) = (url.clone(), url.clone(), url.clone());
                view! {
                    <tr>
                        <th scope="row"><code class="wrap">{w.url.clone()}</code><br /><span class="muted">{w.owner.clone()}</span></th>
                        <td><ul class="grants">{w.events.iter().map(|e| view! { <li><code>{e.clone()}</code></li> }).collect_view()}</ul></td>
                        <td>
                            {match (w.paused_at, w.failing_since) {
                                (Some(at), _) => view! { <span class="badge warn">{t!(i18n, webhooks.paused)}</span><br /><LocalDateTime at /> }.into_any(),
                                (None, Some(at)) => view! { <span class="badge danger">{t!(i18n, webhooks.failing)}</span><br /><LocalDateTime at /> }.into_any(),
                                (None, None) => view! { <span class="badge ok">{t!(i18n, webhooks.active)}</span> }.into_any(),
                            }}
                        </td>
                        <td class="num">{w.pending}</td>
                        <td class="actions"><div class="row-buttons">
                            <button type="button" class="secondary"
                                aria-label=move || format!("{} {}", t_string!(i18n, webhooks.log), log_url)
                                on:click=move |_| shown.set(Some((id, url.clone())))>
                                {t!(i18n, webhooks.log)}
                            </button>
                            <button type="button" class="secondary" disabled=busy
                                aria-label=move || format!("{} {}", if paused { t_string!(i18n, webhooks.resume) } else { t_string!(i18n, webhooks.pause) }, pause_url)
                                on:click=move |_| { pause.dispatch(SetWebhookPaused { id, paused: !paused }); }>
                                {move || if paused { t_string!(i18n, webhooks.resume) } else { t_string!(i18n, webhooks.pause) }}
                            </button>
                            <button type="button" class="secondary danger" disabled=busy
                                aria-label=move || format!("{} {}", t_string!(i18n, webhooks.delete), delete_url)
                                on:click=move |_| {
                                    if shown.get_untracked().is_some_and(|(s, _)| s == id) {
                                        shown.set(None);
                                    }
                                    delete.dispatch(DeleteWebhook { id });
                                }>
                                {t!(i18n, webhooks.delete)}
                            </button>
                        </div></td>
                    </tr>
                }
            }).collect_view()}
            </tbody>
        </table>
        </div>
    }
    .into_any()
}

/// One subscription's deliveries, newest first, each with its last response and a replay.
#[component]
fn DeliveryLog(id: Uuid, url: String, reload: RwSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    let replay = ServerAction::<ReplayWebhookDelivery>::new();
    let again = RwSignal::new(0u32);
    Effect::new(move || {
        if matches!(replay.value().get(), Some(Ok(()))) {
            again.update(|n| *n += 1);
            reload.update(|n| *n += 1);
        }
    });
    let log = Resource::new(
        move || (id, again.get()),
        |(id, _)| webhook_deliveries(id, None),
    );
    let error = Signal::derive(move || replay.value().get().and_then(Result::err));
    view! {
        <section class="panel delivery-log" aria-labelledby="delivery-log-title">
            <div class="section-head">
                <h2 id="delivery-log-title">{t!(i18n, webhooks.log_of)}" "<code class="wrap">{url}</code></h2>
                <button type="button" class="secondary" on:click=move |_| again.update(|n| *n += 1)>{t!(i18n, webhooks.refresh)}</button>
            </div>
            <ErrorMessage error />
            <Transition fallback=|| view! { <div class="skeleton" aria-busy="true"></div> }>
                {move || Suspend::new(async move {
                    match log.await {
                        Ok(rows) if rows.is_empty() => Ok(view! { <p class="empty">{t!(i18n, webhooks.no_deliveries)}</p> }.into_any()),
                        Ok(rows) => Ok(view! { <DeliveryTable rows replay /> }.into_any()),
                        Err(e) => crate::ui::page_error(e),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn DeliveryTable(
    rows: Vec<Delivery>,
    replay: ServerAction<ReplayWebhookDelivery>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="table-wrap">
        <table class="records deliveries">
            <caption class="visually-hidden">{t!(i18n, webhooks.log)}</caption>
            <thead><tr>
                <th scope="col">{t!(i18n, webhooks.event)}</th>
                <th scope="col">{t!(i18n, webhooks.state)}</th>
                <th scope="col" class="num">{t!(i18n, webhooks.attempts)}</th>
                <th scope="col">{t!(i18n, webhooks.response)}</th>
                <th scope="col"><span class="visually-hidden">{t!(i18n, webhooks.actions)}</span></th>
            </tr></thead>
            <tbody>
            {rows.into_iter().map(|d| {
                let id = d.id;
                let event = d.event.clone();
                view! {
                    <tr>
                        <th scope="row"><code>{d.event.clone()}</code><br /><span class="muted"><LocalDateTime at=d.occurred_at /></span></th>
                        <td>
                            {match d.state {
                                DeliveryState::Delivered => view! { <span class="badge ok">{t!(i18n, webhooks.delivered)}</span> }.into_any(),
                                DeliveryState::Failed => view! { <span class="badge danger">{t!(i18n, webhooks.given_up)}</span> }.into_any(),
                                DeliveryState::Pending => view! {
                                    <span class="badge warn">{t!(i18n, webhooks.pending)}</span>
                                    {d.next_at.filter(|_| d.attempts > 0).map(|at| view! { <br /><span class="muted">{t!(i18n, webhooks.next_try)}" "<LocalDateTime at /></span> })}
                                }.into_any(),
                            }}
                        </td>
                        <td class="num">{d.attempts}</td>
                        <td>
                            {d.last_status.map(|s| view! { <code>{s}</code>" " })}
                            {d.last_error.filter(|e| *e != Failure::Status).map(|e| view! { <span>{move || failure(i18n.get_locale(), e)}</span>" " })}
                            {d.last_latency_ms.map(|ms| view! { <span class="muted">{t!(i18n, webhooks.ms, n = move || ms)}</span> })}
                            {d.last_at.map(|at| view! { <br /><span class="muted">{t!(i18n, webhooks.last_try)}" "<LocalDateTime at /></span> })}
                        </td>
                        <td>
                            <button type="button" class="secondary" disabled=move || replay.pending().get()
                                aria-label=move || format!("{} {} #{id}", t_string!(i18n, webhooks.replay), event)
                                on:click=move |_| { replay.dispatch(ReplayWebhookDelivery { id }); }>
                                {t!(i18n, webhooks.replay)}
                            </button>
                        </td>
                    </tr>
                }
            }).collect_view()}
            </tbody>
        </table>
        </div>
    }
}

/// The form that subscribes a URL; the signing secret it answers is shown here once.
#[component]
fn NewWebhookForm(create: ServerAction<CreateWebhook>) -> impl IntoView {
    let i18n = use_i18n();
    let error = Signal::derive(move || create.value().get().and_then(Result::err));
    let form_error = Signal::derive(move || {
        error
            .get()
            .filter(|e| !matches!(e, crate::error::AppError::Validation { .. }))
    });
    let check = move |e: String, every: bool| {
        view! {
            <label class="check">
                <input type="checkbox" name=format!("input[events][{e}]") value="on" />
                <code>{e}</code>
                {every.then(|| view! { " "<span class="muted">{t!(i18n, webhooks.every_event)}</span> })}
            </label>
        }
    };
    view! {
        <details class="panel new-policy">
            <summary>{t!(i18n, webhooks.new)}</summary>
            <ActionForm action=create attr:class="form">
                <Field id="webhook-url" name="input[url]" error_key="url" input_type="url" required=true maxlength=URL_MAX error
                    hint=ViewFn::from(move || t!(i18n, webhooks.url_hint))>
                    {t!(i18n, webhooks.url)}
                </Field>
                <fieldset class="events-form" aria-describedby="webhook-events-error">
                    <legend>{t!(i18n, webhooks.events)}</legend>
                    <div class="event-kind">{check("*.*".into(), true)}</div>
                    // A row per kind: its every event (`deal.*`), then each of them.
                    {ENTITIES.map(|kind| view! {
                        <div class="event-kind" role="group" aria-label=kind>
                            {check(format!("{kind}.*"), false)}
                            {EVENTS.iter().filter(|e| e.split('.').next() == Some(kind)).map(|e| check(e.to_string(), false)).collect_view()}
                        </div>
                    }).collect_view()}
                    <FieldError id="webhook-events-error" error field="events" />
                </fieldset>
                <label class="check">
                    <input type="checkbox" name="input[allow_private]" value="on" />
                    {t!(i18n, webhooks.allow_private)}
                </label>
                <ErrorMessage error=form_error />
                <button type="submit" class="primary" disabled=move || create.pending().get()>
                    {t!(i18n, webhooks.create)}
                </button>
            </ActionForm>
        </details>
    }
}
