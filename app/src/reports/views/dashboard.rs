//! The home page after sign-in: the dashboard of the user's role, kept live by the event stream.
use leptos::prelude::*;
use leptos_router::components::A;

use super::{chart_data, kind_title};
use crate::i18n::*;
use crate::money::Money;
use crate::reports::api::read_dashboard;
use crate::reports::home::{Backlog, Dashboard, Progress};
use crate::reports::model::{Report, ReportKind};
use crate::ui::PageHeader;
use crate::ui::chart::Chart;

/// The dashboard; a change of `refresh` (the layer above bumps it on a live event) loads it again.
#[component]
pub fn HomePage(refresh: RwSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    let data = crate::ui::page_resource(move || refresh.get(), |_| read_dashboard());
    view! {
        <PageHeader title=move || t_string!(i18n, home.title)>
            <A href="/reports" attr:class="button secondary">{t!(i18n, reports.all_reports)}</A>
        </PageHeader>
        <Transition fallback=|| view! { <div class="skeleton" aria-busy="true"></div> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(d) => Ok(view! { <Cards d /> }.into_any()),
                    Err(e) => crate::ui::page_error(e),
                }
            })}
        </Transition>
    }
}

#[component]
fn Cards(d: Dashboard) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="dashboard">
            {d.progress.map(|p| view! { <ProgressCard p /> })}
            {d.tasks_today.map(|n| view! {
                <section class="panel card" aria-labelledby="card-tasks">
                    <h2 id="card-tasks">{t!(i18n, home.tasks_today)}</h2>
                    <p class="big-number">{n}</p>
                    <A href="/activities">{t!(i18n, home.open_tasks)}</A>
                </section>
            })}
            {d.stale.map(|(n, deals)| view! {
                <section class="panel card" aria-labelledby="card-stale">
                    <h2 id="card-stale">{t!(i18n, home.stale)}</h2>
                    <p class="big-number">{n}</p>
                    <ul class="plain-list">
                        {deals.into_iter().map(|s| view! {
                            <li><A href=format!("/deals/{}", s.id)>{s.title}</A>" "
                                <span class="muted">{t!(i18n, home.days_in_stage, days = move || s.days)}</span></li>
                        }).collect_view()}
                    </ul>
                </section>
            })}
            {d.backlog.map(|b| view! { <BacklogCard b /> })}
            {d.pipeline.map(|r| view! { <ChartCard r kind=ReportKind::Funnel title=|l| td_string!(l, home.my_pipeline) /> })}
            {d.funnel.map(|r| view! { <ChartCard r kind=ReportKind::Funnel title=|l| td_string!(l, home.funnel_quarter) /> })}
            {d.forecast.map(|r| view! { <ChartCard r kind=ReportKind::Forecast title=|l| td_string!(l, home.forecast_3) /> })}
            {d.win_rate.map(|r| view! { <ChartCard r kind=ReportKind::WinRate title=|l| td_string!(l, home.win_rate_year) /> })}
            {d.ranking.map(|r| view! { <ChartCard r kind=ReportKind::Rankings title=|l| td_string!(l, home.ranking_quarter) /> })}
        </div>
    }
}

/// A report's chart on a card, the card's title leading to the whole report.
#[component]
fn ChartCard(r: Report, kind: ReportKind, title: fn(Locale) -> &'static str) -> impl IntoView {
    let i18n = use_i18n();
    let id = format!("card-{}-{}", kind.as_str(), r.rows_are as u8);
    let labelled = id.clone();
    view! {
        <section class="panel card wide" aria-labelledby=labelled>
            <h2 id=id><A href=format!("/reports/{}", kind.as_str())>{move || title(i18n.get_locale())}</A></h2>
            {move || {
                let l = i18n.get_locale();
                if r.rows.is_empty() {
                    view! { <p class="empty">{t!(i18n, reports.no_data)}</p> }.into_any()
                } else {
                    view! { <Chart title=title(l) description=kind_title(l, kind) data=chart_data(l, &r) /> }.into_any()
                }
            }}
        </section>
    }
}

/// Won this month against the month's target, as a meter.
#[component]
fn ProgressCard(p: Progress) -> impl IntoView {
    let i18n = use_i18n();
    let won = Money {
        minor: p.won,
        currency: p.currency.clone(),
    }
    .to_string();
    let target = Money {
        minor: p.target,
        currency: p.currency.clone(),
    }
    .to_string();
    let has_target = p.target > 0;
    let pct = if has_target {
        (p.won * 100 / p.target.max(1)).min(999)
    } else {
        0
    };
    view! {
        <section class="panel card" aria-labelledby="card-won">
            <h2 id="card-won"><A href="/reports/targets">{t!(i18n, home.won_this_month)}</A></h2>
            <p class="big-number" data-testid="won-this-month">{won.clone()}</p>
            {if has_target {
                let target = target.clone();
                view! {
                    <meter min="0" max=p.target value=p.won.min(p.target) aria-label=move || t_string!(i18n, home.of_target).to_string()></meter>
                    <p class="muted">{t!(i18n, home.target_progress, pct = move || pct, target = move || target.clone())}</p>
                }.into_any()
            } else {
                view! { <p class="muted">{t!(i18n, home.no_target)}</p> }.into_any()
            }}
        </section>
    }
}

#[component]
fn BacklogCard(b: Backlog) -> impl IntoView {
    let i18n = use_i18n();
    let ages: [fn(Locale) -> &'static str; 4] = [
        |l| td_string!(l, home.age_day),
        |l| td_string!(l, home.age_3),
        |l| td_string!(l, home.age_7),
        |l| td_string!(l, home.age_older),
    ];
    view! {
        <section class="panel card" aria-labelledby="card-breached">
            <h2 id="card-breached"><A href="/tickets?queue=breached">{t!(i18n, home.breached)}</A></h2>
            <p class="big-number">{b.breached}</p>
        </section>
        <section class="panel card" aria-labelledby="card-backlog">
            <h2 id="card-backlog"><A href="/tickets?queue=mine">{t!(i18n, home.backlog)}</A></h2>
            <dl class="ages">
                {ages.into_iter().zip(b.ages).map(|(label, n)| view! {
                    <dt>{move || label(i18n.get_locale())}</dt><dd>{n}</dd>
                }).collect_view()}
            </dl>
        </section>
    }
}
