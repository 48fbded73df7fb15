//! The reports index and a report's page: its filters (in the URL, a form that works before the
//! code loads), its chart or table, and its CSV.
use leptos::prelude::*;
use leptos_router::components::{A, Form};
use leptos_router::hooks::{use_params_map, use_query_map};

use super::{cell_text, chart_data, headings, kind_hint, kind_title, label_text, preset_name};
use crate::error::AppError;
use crate::i18n::*;
use crate::reports::api::{read_report, report_choices};
use crate::reports::model::{By, Choices, Report, ReportKind, ReportQuery};
use crate::reports::period::Preset;
use crate::ui::chart::Chart;
use crate::ui::{FieldError, PageHeader};

/// Every report as a card.
#[component]
pub fn ReportsIndex() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <PageHeader title=move || t_string!(i18n, reports.title) />
        <ul class="report-cards">
            {ReportKind::ALL.into_iter().map(|k| view! {
                <li>
                    <A href=format!("/reports/{}", k.as_str()) attr:class="settings-link">
                        <strong>{move || kind_title(i18n.get_locale(), k)}</strong>
                        <span>{move || kind_hint(i18n.get_locale(), k)}</span>
                    </A>
                </li>
            }).collect_view()}
        </ul>
    }
}

fn by_name(l: Locale, b: By) -> &'static str {
    match b {
        By::Owner => td_string!(l, reports.by_owner),
        By::Source => td_string!(l, reports.by_source),
        By::Month => td_string!(l, reports.by_month),
        By::Stage => td_string!(l, reports.by_stage),
    }
}

/// One report: `/reports/{kind}?period=…`.
#[component]
pub fn ReportPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let query = use_query_map();
    let kind = move || ReportKind::parse(&params.read().get("kind").unwrap_or_default());
    let asked = move || ReportQuery::from_pairs(|k| query.read().get(k));
    let table = move || query.read().get("view").as_deref() == Some("table");
    let data = crate::ui::page_resource(
        move || (kind(), asked()),
        |(k, q)| async move {
            match k {
                Some(k) => read_report(k, q).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    let choices = crate::ui::page_resource(|| (), |_| report_choices());
    view! {
        <PageHeader title=move || kind().map(|k| kind_title(i18n.get_locale(), k)).unwrap_or_default().to_string()
            subtitle=ViewFn::from(move || kind().map(|k| kind_hint(i18n.get_locale(), k)))>
            <A href="/reports" attr:class="button secondary">{t!(i18n, reports.all_reports)}</A>
        </PageHeader>
        <Transition fallback=|| view! { <div class="skeleton" aria-busy="true"></div> }>
            {move || Suspend::new(async move {
                let choices = choices.await.unwrap_or_default();
                let Some(k) = kind() else { return crate::ui::page_error(AppError::NotFound) };
                let q = asked();
                match data.await {
                    Ok(r) => Ok(view! {
                        <Filters kind=k query=q.clone() choices error=None table=table() />
                        <ReportBody report=r query=q table=table() />
                    }.into_any()),
                    Err(e @ AppError::Validation { .. }) => Ok(view! {
                        <Filters kind=k query=q choices error=Some(e) table=table() />
                    }.into_any()),
                    Err(e) => crate::ui::page_error(e),
                }
            })}
        </Transition>
    }
}

/// The filter bar: a GET form, so the filters live in the URL and work before the code loads.
#[component]
fn Filters(
    kind: ReportKind,
    query: ReportQuery,
    choices: Choices,
    error: Option<AppError>,
    /// The table is shown: applying the filters keeps it.
    table: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let error = Signal::stored(error);
    let preset = match query.period.as_str() {
        "" => kind.default_preset(),
        p => Preset::parse(p).unwrap_or(kind.default_preset()),
    };
    let custom = RwSignal::new(preset == Preset::Custom);
    let action = format!("/reports/{}", kind.as_str());
    let select = move |name: &'static str,
                       label: fn(Locale) -> &'static str,
                       any: Option<fn(Locale) -> &'static str>,
                       options: Vec<(String, String)>,
                       current: String| {
        let id = format!("report-{name}");
        let hint = format!("{id}-error");
        view! {
            <div class="field">
                <label for=id.clone()>{move || label(i18n.get_locale())}</label>
                <select id=id name=name aria-describedby=hint.clone()>
                    {any.map(|a| view! { <option value="">{move || a(i18n.get_locale())}</option> })}
                    {options.into_iter().map(|(v, text)| {
                        let selected = v == current;
                        view! { <option value=v selected=selected>{text}</option> }
                    }).collect_view()}
                </select>
                <FieldError error field=name id=hint />
            </div>
        }
    };
    let owners: Vec<(String, String)> = choices
        .owners
        .iter()
        .map(|(id, n)| (id.to_string(), n.clone()))
        .collect();
    let pipelines: Vec<(String, String)> = choices
        .pipelines
        .iter()
        .map(|(id, n)| (id.to_string(), n.clone()))
        .collect();
    let teams: Vec<(String, String)> = choices
        .teams
        .iter()
        .map(|t| (t.clone(), t.clone()))
        .collect();
    let sources: Vec<(String, String)> = choices
        .sources
        .iter()
        .map(|t| (t.clone(), t.clone()))
        .collect();
    let currencies: Vec<(String, String)> = crate::money::CURRENCIES
        .iter()
        .map(|c| (c.to_string(), c.to_string()))
        .collect();
    let currency = if query.currency.is_empty() {
        choices.currency.clone()
    } else {
        query.currency.to_uppercase()
    };
    let by_options: Vec<(String, String)> = kind
        .groupings()
        .iter()
        .map(|b| {
            (
                b.as_str().to_string(),
                by_name(i18n.get_locale_untracked(), *b).to_string(),
            )
        })
        .collect();
    let by_current = query.by.clone();
    view! {
        <Form method="GET" action=action attr:class="report-filters" attr:aria-label=move || t_string!(i18n, reports.filters)>
            <div class="field">
                <label for="report-period">{t!(i18n, reports.period)}</label>
                <select id="report-period" name="period" aria-describedby="report-period-error"
                    on:change=move |ev| custom.set(event_target_value(&ev) == "custom")>
                    {Preset::ALL.into_iter().map(|p| view! {
                        <option value=p.as_str() selected=p == preset>{move || preset_name(i18n.get_locale(), p)}</option>
                    }).collect_view()}
                </select>
                <FieldError error field="period" id="report-period-error" />
            </div>
            <Show when=move || custom.get()>
                <div class="field">
                    <label for="report-from">{t!(i18n, reports.from)}</label>
                    <input id="report-from" type="date" name="from" value=query.from.clone() aria-describedby="report-from-error" />
                    <FieldError error field="from" id="report-from-error" />
                </div>
                <div class="field">
                    <label for="report-to">{t!(i18n, reports.to)}</label>
                    <input id="report-to" type="date" name="to" value=query.to.clone() aria-describedby="report-to-error" />
                    <FieldError error field="to" id="report-to-error" />
                </div>
            </Show>
            {select("pipeline", |l| td_string!(l, reports.pipeline), Some(if matches!(kind, ReportKind::Funnel | ReportKind::Cycle) { (|l| td_string!(l, reports.first_pipeline)) as fn(Locale) -> &'static str } else { |l| td_string!(l, reports.all_pipelines) }), pipelines, query.pipeline.clone())}
            {select("owner", |l| td_string!(l, reports.owner), Some(|l| td_string!(l, reports.everyone)), owners, query.owner.clone())}
            {(!teams.is_empty()).then(|| select("team", |l| td_string!(l, reports.team), Some(|l| td_string!(l, reports.every_team)), teams, query.team.clone()))}
            {select("source", |l| td_string!(l, reports.source), Some(|l| td_string!(l, reports.any_source)), sources, query.source.clone())}
            {select("currency", |l| td_string!(l, reports.currency), None, currencies, currency)}
            {(!by_options.is_empty()).then(|| select("by", |l| td_string!(l, reports.by), None, by_options, by_current))}
            {(kind == ReportKind::Activities).then(|| view! {
                <div class="field">
                    <label for="report-days">{t!(i18n, reports.quiet_days)}</label>
                    <input id="report-days" type="number" min="1" max="3650" name="days" inputmode="numeric"
                        value=if query.days.is_empty() { crate::reports::model::DEFAULT_QUIET_DAYS.to_string() } else { query.days.clone() }
                        aria-describedby="report-days-error" />
                    <FieldError error field="days" id="report-days-error" />
                </div>
            })}
            {table.then(|| view! { <input type="hidden" name="view" value="table" /> })}
            <button type="submit" class="button">{t!(i18n, reports.apply)}</button>
        </Form>
    }
}

/// The report's chart (or its table), the switch between them, and the CSV download.
#[component]
fn ReportBody(report: Report, query: ReportQuery, table: bool) -> impl IntoView {
    let i18n = use_i18n();
    let kind = report.kind;
    let base = format!("/reports/{}", kind.as_str());
    let mut pairs: Vec<(&str, &str)> = query.pairs().to_vec();
    let csv = crate::ui::url::with_query(&format!("/export/report/{}.csv", kind.as_str()), &pairs);
    pairs.push(("view", if table { "" } else { "table" }));
    let switch = crate::ui::url::with_query(&base, &pairs);
    let range = {
        let span = report.span;
        move || {
            let l = i18n.get_locale();
            format!(
                "{} – {}",
                crate::dates::format_date(l, span.from),
                crate::dates::format_date(l, span.last())
            )
        }
    };
    let currency = report.currency.clone();
    let r = StoredValue::new(report);
    view! {
        <div class="report-bar">
            <p class="report-range">{range}" · "{t!(i18n, reports.amounts_in, currency = move || currency.clone())}</p>
            <A href=switch attr:class="button secondary" attr:aria-pressed=if table { "true" } else { "false" }>
                {move || if table { t_string!(i18n, reports.show_chart) } else { t_string!(i18n, reports.show_table) }}
            </A>
            <a href=csv class="button secondary" download="" rel="external">{t!(i18n, reports.export_csv)}</a>
        </div>
        {move || {
            let l = i18n.get_locale();
            r.with_value(|r| {
                if r.rows.is_empty() {
                    return view! { <p class="empty">{t!(i18n, reports.no_data)}</p> }.into_any();
                }
                if table {
                    ReportTable(ReportTableProps { report: r.clone() }).into_any()
                } else {
                    let title = kind_title(l, r.kind).to_string();
                    let description = kind_hint(l, r.kind).to_string();
                    view! { <Chart title description data=chart_data(l, r) /> }.into_any()
                }
            })
        }}
    }
}

/// A report's figures as a table: a row per label, the total at the foot.
#[component]
pub fn ReportTable(report: Report) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        let l = i18n.get_locale();
        let heads = headings(l, &report);
        let row = |x: &crate::reports::model::Line| {
            let label = label_text(l, &x.label);
            view! {
                <tr>
                    <th scope="row">{match x.link.clone() {
                        Some(href) => view! { <A href=href>{label}</A> }.into_any(),
                        None => label.into_any(),
                    }}</th>
                    {x.cells.iter().map(|c| view! { <td class="num">{cell_text(&report.currency, c)}</td> }).collect_view()}
                </tr>
            }
        };
        view! {
            <div class="table-wrap">
                <table class="report-table">
                    <caption class="visually-hidden">{kind_title(l, report.kind)}</caption>
                    <thead><tr>{heads.into_iter().map(|h| view! { <th scope="col">{h}</th> }).collect_view()}</tr></thead>
                    <tbody>{report.rows.iter().map(row).collect_view()}</tbody>
                    {report.total.as_ref().map(|t| view! { <tfoot>{row(t)}</tfoot> })}
                </table>
            </div>
        }
    }
}
