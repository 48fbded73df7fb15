//! The service desk's settings page (administrators): the SLA policies in the order they are
//! tried, a new one, and each team's assignment rule.
use leptos::prelude::*;

use super::{priority_label, status_label};
use crate::i18n::*;
use crate::tickets::api::{SaveDeskOptions, SaveSlaPolicy, SaveTeamRule, desk_settings};
use crate::tickets::desk::{PAUSABLE, PolicyInput, PolicySettings, RULES, TeamRule};
use crate::tickets::model::{CHANNELS, PRIORITIES};
use crate::ui::{ErrorMessage, Field, FieldError, PageHeader};

fn weekday(l: Locale, i: usize) -> &'static str {
    [
        td_string!(l, desk.mon),
        td_string!(l, desk.tue),
        td_string!(l, desk.wed),
        td_string!(l, desk.thu),
        td_string!(l, desk.fri),
        td_string!(l, desk.sat),
        td_string!(l, desk.sun),
    ][i]
}

fn rule_label(l: Locale, rule: &str) -> &'static str {
    match rule {
        "round_robin" => td_string!(l, desk.rule_round_robin),
        "least_busy" => td_string!(l, desk.rule_least_busy),
        _ => td_string!(l, desk.rule_manual),
    }
}

#[component]
pub fn DeskSettingsPage() -> impl IntoView {
    let i18n = use_i18n();
    let reload = RwSignal::new(0u32);
    let data = crate::ui::page_resource(move || reload.get(), |_| desk_settings());
    view! {
        <PageHeader title=move || t_string!(i18n, desk.title) />
        <Transition fallback=|| view! { <div class="skeleton" aria-busy="true"></div> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(s) => {
                        // A new policy starts from the last one tried (the catch-all).
                        let template = s.policies.last().map(|p| PolicyInput::from(&p.policy)).unwrap_or_default();
                        Ok(view! {
                            <h2 class="section-title">{t!(i18n, desk.policies)}</h2>
                            {s.policies.into_iter().map(|p| view! { <PolicyForm policy=Some(p.clone()) initial=PolicyInput::from(&p.policy) reload /> }).collect_view()}
                            <details class="panel new-policy">
                                <summary>{t!(i18n, desk.new_policy)}</summary>
                                <PolicyForm policy=None initial=PolicyInput { name: String::new(), ..template } reload />
                            </details>
                            <Teams teams=s.teams />
                            <VisitDays days=s.return_visit_days version=s.options_version reload />
                        }.into_any())
                    }
                    Err(error) => crate::ui::page_error(error),
                }
            })}
        </Transition>
    }
}

const DAY_FIELDS: [(&str, &str, &str); 7] = [
    ("mon", "input[mon_from]", "input[mon_to]"),
    ("tue", "input[tue_from]", "input[tue_to]"),
    ("wed", "input[wed_from]", "input[wed_to]"),
    ("thu", "input[thu_from]", "input[thu_to]"),
    ("fri", "input[fri_from]", "input[fri_to]"),
    ("sat", "input[sat_from]", "input[sat_to]"),
    ("sun", "input[sun_from]", "input[sun_to]"),
];

const TARGET_FIELDS: [(&str, &str); 4] = [
    ("input[urgent_first]", "input[urgent_resolve]"),
    ("input[high_first]", "input[high_resolve]"),
    ("input[normal_first]", "input[normal_resolve]"),
    ("input[low_first]", "input[low_resolve]"),
];

/// One policy's form: its name and what it applies to, its hours, holidays, targets and pauses.
#[component]
fn PolicyForm(
    policy: Option<PolicySettings>,
    initial: PolicyInput,
    reload: RwSignal<u32>,
) -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<SaveSlaPolicy>::new();
    Effect::new(move |_| {
        if let Some(Ok(_)) = action.value().get() {
            reload.update(|n| *n += 1);
        }
    });
    let (error, form_error) = crate::ui::action_errors(action);
    let (id, version) = policy
        .as_ref()
        .map_or((String::new(), 0), |p| (p.id.to_string(), p.version));
    let key = policy
        .as_ref()
        .map_or("new".to_string(), |p| p.id.simple().to_string());
    let heading = format!("policy-{key}");
    let f = move |name: &str| format!("{key}-{name}");
    let hours = {
        let i = initial.clone();
        [
            (i.mon_from, i.mon_to),
            (i.tue_from, i.tue_to),
            (i.wed_from, i.wed_to),
            (i.thu_from, i.thu_to),
            (i.fri_from, i.fri_to),
            (i.sat_from, i.sat_to),
            (i.sun_from, i.sun_to),
        ]
    };
    let targets = {
        let i = initial.clone();
        [
            (i.urgent_first, i.urgent_resolve),
            (i.high_first, i.high_resolve),
            (i.normal_first, i.normal_resolve),
            (i.low_first, i.low_resolve),
        ]
    };
    let pauses = [
        initial.pause_waiting_customer.clone(),
        initial.pause_waiting_third_party.clone(),
    ];
    let title = policy.as_ref().map(|p| p.policy.name.clone());
    let channel = initial.match_channel.clone();
    view! {
        <section class="panel policy" aria-labelledby=heading.clone()>
            <h3 id=heading.clone()>{match title { Some(t) => view! { {t} }.into_any(), None => view! { {t!(i18n, desk.new_policy)} }.into_any() }}</h3>
            <ActionForm action attr:class="form" attr:novalidate=true>
                <input type="hidden" name="id" value=id />
                <input type="hidden" name="version" value=version />
                <div class="field-row">
                    <Field id=f("name") name="input[name]" error_key="name" value=initial.name.clone() required=true maxlength=crate::tickets::desk::NAME_MAX error>{t!(i18n, desk.name)}</Field>
                    <Field id=f("zone") name="input[zone]" error_key="zone" value=initial.zone.clone() required=true maxlength=64 error hint=ViewFn::from(move || t!(i18n, desk.zone_hint))>{t!(i18n, desk.zone)}</Field>
                    <Field id=f("position") name="input[position]" error_key="position" value=initial.position.clone() inputmode="numeric" error>{t!(i18n, desk.position)}</Field>
                </div>
                <div class="field-row">
                    <div class="field">
                        <label for=f("channel")>{t!(i18n, desk.match_channel)}</label>
                        <select id=f("channel") name="input[match_channel]">
                            <option value="" selected=channel.is_empty()>{t!(i18n, desk.any_channel)}</option>
                            {CHANNELS.into_iter().map(|c| view! { <option value=c selected=channel == c>{move || super::channel_label(i18n.get_locale(), c)}</option> }).collect_view()}
                        </select>
                    </div>
                    <Field id=f("tag") name="input[match_tag]" error_key="match_tag" value=initial.match_tag.clone() maxlength=100 error>{t!(i18n, desk.match_tag)}</Field>
                </div>
                <fieldset class="hours">
                    <legend>{t!(i18n, desk.hours)}</legend>
                    <p class="hint">{t!(i18n, desk.hours_hint)}</p>
                    {DAY_FIELDS.into_iter().zip(hours).enumerate().map(|(i, ((day, from, to), (a, b)))| {
                        let (from_id, to_id) = (f(&format!("{day}-from")), f(&format!("{day}-to")));
                        let invalid = move || error.get().and_then(|e| e.field(&format!("{day}_from"))).is_some();
                        view! {
                            <div class="hours-row">
                                <span class="day">{move || weekday(i18n.get_locale(), i)}</span>
                                <label class="visually-hidden" for=from_id.clone()>{move || format!("{} {}", weekday(i18n.get_locale(), i), td_string!(i18n.get_locale(), desk.opens))}</label>
                                <input type="time" id=from_id name=from value=a aria-invalid=move || invalid().then_some("true") aria-describedby=f("hours-error") />
                                <span aria-hidden="true">"–"</span>
                                <label class="visually-hidden" for=to_id.clone()>{move || format!("{} {}", weekday(i18n.get_locale(), i), td_string!(i18n.get_locale(), desk.closes))}</label>
                                <input type="time" id=to_id name=to value=b aria-invalid=move || invalid().then_some("true") aria-describedby=f("hours-error") />
                            </div>
                        }
                    }).collect_view()}
                    <FieldError error field="hours" id=f("hours-error") />
                </fieldset>
                <Field id=f("holidays") name="input[holidays]" error_key="holidays" value=initial.holidays.clone() maxlength=crate::records::fields::LIST_MAX error hint=ViewFn::from(move || t!(i18n, desk.holidays_hint))>{t!(i18n, desk.holidays)}</Field>
                <fieldset class="targets">
                    <legend>{t!(i18n, desk.targets)}</legend>
                    <div class="targets-grid">
                        <span></span><span class="col">{t!(i18n, desk.first)}</span><span class="col">{t!(i18n, desk.resolve)}</span>
                        {TARGET_FIELDS.into_iter().zip(targets).enumerate().map(|(i, ((first, resolve), (a, b)))| {
                            let p = PRIORITIES[i];
                            let (first_id, resolve_id) = (f(&format!("{p}-first")), f(&format!("{p}-resolve")));
                            let (first_key, resolve_key) = (&first[6..first.len() - 1], &resolve[6..resolve.len() - 1]);
                            let bad = move |k: &'static str| move || error.get().and_then(|e| e.field(k)).is_some().then_some("true");
                            view! {
                                <span class="day">{move || priority_label(i18n.get_locale(), p)}</span>
                                <label class="visually-hidden" for=first_id.clone()>{move || format!("{} {}", priority_label(i18n.get_locale(), p), td_string!(i18n.get_locale(), desk.first))}</label>
                                <input id=first_id name=first value=a inputmode="numeric" aria-invalid=bad(first_key) aria-describedby=f("targets-error") />
                                <label class="visually-hidden" for=resolve_id.clone()>{move || format!("{} {}", priority_label(i18n.get_locale(), p), td_string!(i18n.get_locale(), desk.resolve))}</label>
                                <input id=resolve_id name=resolve value=b inputmode="numeric" aria-invalid=bad(resolve_key) aria-describedby=f("targets-error") />
                            }
                        }).collect_view()}
                    </div>
                    <FieldError error field="targets" id=f("targets-error") />
                </fieldset>
                <fieldset class="pauses">
                    <legend>{t!(i18n, desk.pauses)}</legend>
                    {PAUSABLE.into_iter().zip(pauses).map(|(s, on)| view! {
                        <label class="radio"><input type="checkbox" name=format!("input[pause_{s}]") value="on" checked=!on.is_empty() />{move || status_label(i18n.get_locale(), s)}</label>
                    }).collect_view()}
                </fieldset>
                <ErrorMessage error=form_error />
                <button type="submit" class="primary" disabled=move || action.pending().get()>{t!(i18n, desk.save)}</button>
            </ActionForm>
        </section>
    }
}

/// The days from a resolved ticket or a won deal to its return visit (回访).
#[component]
fn VisitDays(days: i32, version: i32, reload: RwSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<SaveDeskOptions>::new();
    let (error, form_error) = crate::ui::action_errors(action);
    Effect::new(move |_| {
        if let Some(Ok(_)) = action.value().get() {
            reload.update(|n| *n += 1);
        }
    });
    view! {
        <section class="panel" aria-labelledby="desk-visits">
            <h2 id="desk-visits">{t!(i18n, desk.visits)}</h2>
            <ActionForm action attr:class="form">
                <input type="hidden" name="version" value=version />
                <Field id="visit-days" name="days" input_type="number" inputmode="numeric" value=days.to_string() error
                    hint=ViewFn::from(move || t!(i18n, desk.visit_days_hint))>
                    {t!(i18n, desk.visit_days)}
                </Field>
                <ErrorMessage error=form_error />
                <button type="submit" disabled=move || action.pending().get()>{t!(i18n, desk.save_rule)}</button>
            </ActionForm>
        </section>
    }
}

/// Each team with its agents and the rule that hands them new tickets.
#[component]
fn Teams(teams: Vec<TeamRule>) -> impl IntoView {
    let i18n = use_i18n();
    let empty = teams.is_empty();
    view! {
        <section class="panel" aria-labelledby="desk-teams">
            <h2 id="desk-teams">{t!(i18n, desk.teams)}</h2>
            {empty.then(|| view! { <p class="empty">{t!(i18n, desk.no_teams)}</p> })}
            <ul class="team-rules">
                {teams.into_iter().map(|t| view! { <TeamRow t /> }).collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn TeamRow(t: TeamRule) -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<SaveTeamRule>::new();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let saved = move || matches!(action.value().get(), Some(Ok(())));
    let id = format!(
        "rule-{}",
        t.team.replace(|c: char| !c.is_alphanumeric(), "-")
    );
    let rule = t.rule.clone();
    let web_id = format!("{id}-web");
    let form_link = format!(
        "/support/{}",
        crate::ui::url::encode(&t.team).replace('/', "%2F")
    );
    view! {
        <li>
            <ActionForm action attr:class="team-rule">
                <input type="hidden" name="team" value=t.team.clone() />
                <div class="team-name"><strong>{t.team.clone()}</strong><span class="muted">{t.agents.join(", ")}</span></div>
                <div class="field inline">
                    <label for=id.clone()>{t!(i18n, desk.rule)}</label>
                    <select id=id name="rule">
                        {RULES.into_iter().map(|r| view! { <option value=r selected=rule == r>{move || rule_label(i18n.get_locale(), r)}</option> }).collect_view()}
                    </select>
                </div>
                <div class="field inline check">
                    <input type="checkbox" id=web_id.clone() name="web_form" value="on" checked=t.web_form />
                    <label for=web_id>{t!(i18n, desk.web_form)}</label>
                </div>
                {t.web_form.then(|| view! { <a class="muted" href=form_link.clone() target="_blank" rel="noopener">{form_link.clone()}</a> })}
                <button type="submit" disabled=move || action.pending().get()>{t!(i18n, desk.save_rule)}</button>
                <span role="status" class="muted">{move || saved().then(|| t_string!(i18n, desk.saved))}</span>
            </ActionForm>
            <ErrorMessage error />
        </li>
    }
}
