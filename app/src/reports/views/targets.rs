//! The targets page (administrators and managers): a year's targets per user and team, each a
//! form of twelve monthly amounts, and a form for a new one.
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use super::month_name;
use crate::i18n::*;
use crate::money::Money;
use crate::reports::api::{SaveTarget, list_targets};
use crate::reports::targets::{TargetRow, TargetsPage as Page};
use crate::ui::{ErrorMessage, FieldError, PageHeader};

fn this_year() -> i32 {
    use chrono::Datelike;
    chrono::Utc::now().year()
}

#[component]
pub fn TargetsPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let year = move || {
        query
            .read()
            .get("year")
            .and_then(|y| y.parse::<i32>().ok())
            .unwrap_or_else(this_year)
    };
    let reload = RwSignal::new(0u32);
    let data = crate::ui::page_resource(move || (year(), reload.get()), |(y, _)| list_targets(y));
    view! {
        <PageHeader title=move || t_string!(i18n, targets.title) subtitle=ViewFn::from(move || t!(i18n, targets.hint))>
            <A href=move || format!("/settings/targets?year={}", year() - 1) attr:class="button secondary">{move || format!("← {}", year() - 1)}</A>
            <A href=move || format!("/settings/targets?year={}", year() + 1) attr:class="button secondary">{move || format!("{} →", year() + 1)}</A>
        </PageHeader>
        <Transition fallback=|| view! { <div class="skeleton" aria-busy="true"></div> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(p) => Ok(view! { <Targets p reload /> }.into_any()),
                    Err(e) => crate::ui::page_error(e),
                }
            })}
        </Transition>
    }
}

#[component]
fn Targets(p: Page, reload: RwSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    let year = p.year;
    let mut whom: Vec<(String, String)> = p
        .teams
        .iter()
        .map(|t| (format!("team:{t}"), t.clone()))
        .collect();
    whom.extend(
        p.users
            .iter()
            .map(|(id, n)| (format!("user:{id}"), n.clone())),
    );
    let empty = p.rows.is_empty();
    view! {
        <h2 class="section-title">{t!(i18n, targets.of_year, year = move || year)}</h2>
        {empty.then(|| view! { <p class="empty">{t!(i18n, targets.none)}</p> })}
        {p.rows.into_iter().map(|r| view! { <TargetForm year row=Some(r) whom=vec![] reload /> }).collect_view()}
        <details class="panel new-policy">
            <summary>{t!(i18n, targets.new)}</summary>
            <TargetForm year row=None whom reload />
        </details>
    }
}

/// One target's form: saved with the version shown, a stale save refused as a conflict.
#[component]
fn TargetForm(
    year: i32,
    row: Option<TargetRow>,
    whom: Vec<(String, String)>,
    reload: RwSignal<u32>,
) -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<SaveTarget>::new();
    let (error, form_error) = crate::ui::action_errors(action);
    Effect::new(move |_| {
        if let Some(Ok(_)) = action.value().get() {
            reload.update(|n| *n += 1);
        }
    });
    let id = match &row {
        Some(r) => format!(
            "target-{}",
            r.owner.key().replace(|c: char| !c.is_alphanumeric(), "-")
        ),
        None => "target-new".to_string(),
    };
    let version = row.as_ref().map(|r| r.version).unwrap_or(0);
    let months: Vec<i64> = row
        .as_ref()
        .map(|r| r.months.clone())
        .unwrap_or_else(|| vec![0; 12]);
    let total: i64 = months.iter().sum();
    let currency = row
        .as_ref()
        .map(|r| r.currency.clone())
        .unwrap_or_else(|| crate::money::DEFAULT_CURRENCY.to_string());
    let heading = row.as_ref().map(|r| r.name.clone());
    let whose = row.as_ref().map(|r| r.owner.key());
    let total_text = Money {
        minor: total,
        currency: currency.clone(),
    }
    .to_string();
    let labelled = format!("{id}-title");
    view! {
        <section class="panel target" aria-labelledby=labelled>
            {heading.map(|h| view! { <h3 id=format!("{id}-title")>{h}" · "{currency.clone()}" · "<span class="muted">{total_text}</span></h3> })}
            <ActionForm action attr:class="form target-form">
                <input type="hidden" name="version" value=version />
                <input type="hidden" name="input[year]" value=year />
                {match whose {
                    Some(w) => view! {
                        <input type="hidden" name="input[whose]" value=w />
                        <input type="hidden" name="input[currency]" value=currency.clone() />
                    }.into_any(),
                    None => view! {
                        <div class="field">
                            <label for=format!("{id}-whose") id=format!("{id}-title")>{t!(i18n, targets.whose)}</label>
                            <select id=format!("{id}-whose") name="input[whose]">
                                {whom.into_iter().map(|(v, n)| view! { <option value=v>{n}</option> }).collect_view()}
                            </select>
                            <FieldError error field="whose" id=format!("{id}-whose-error") />
                        </div>
                        <div class="field">
                            <label for=format!("{id}-currency")>{t!(i18n, reports.currency)}</label>
                            <select id=format!("{id}-currency") name="input[currency]">
                                {crate::money::CURRENCIES.iter().map(|c| view! { <option value=*c>{*c}</option> }).collect_view()}
                            </select>
                        </div>
                    }.into_any(),
                }}
                <div class="target-months">
                    {months.into_iter().enumerate().map(|(i, m)| {
                        let field_id = format!("{id}-m{}", i + 1);
                        let name = format!("input[months][{i}]");
                        let key: &'static str = ["month1", "month2", "month3", "month4", "month5", "month6", "month7", "month8", "month9", "month10", "month11", "month12"][i];
                        let value = if m == 0 { String::new() } else { format!("{}.{:02}", Money::grouped(m / 100), m % 100) };
                        let month = chrono::NaiveDate::from_ymd_opt(year, i as u32 + 1, 1).unwrap_or_default();
                        view! {
                            <div class="field">
                                <label for=field_id.clone()>{move || month_name(i18n.get_locale(), month)}</label>
                                <input id=field_id.clone() name=name inputmode="decimal" value=value aria-describedby=format!("{field_id}-error") />
                                <FieldError error field=key id=format!("{field_id}-error") />
                            </div>
                        }
                    }).collect_view()}
                </div>
                <ErrorMessage error=form_error />
                <button type="submit" disabled=move || action.pending().get()>{t!(i18n, targets.save)}</button>
            </ActionForm>
        </section>
    }
}
