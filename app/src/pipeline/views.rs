//! The pipeline page: one row of stage columns per pipeline.
use leptos::prelude::*;

use super::api::{company_deals, pipeline_overview};
use super::model::{DealSummary, PipelineSummary, StageSummary};
use crate::records::views::Related;
use crate::companies::model::CompanyId;
use crate::i18n::*;

#[component]
pub fn PipelinePage() -> impl IntoView {
    let i18n = use_i18n();
    let overview = Resource::new(|| (), |_| pipeline_overview());
    view! {
        <h1>{t!(i18n, pipeline.title)}</h1>
        <Suspense fallback=|| view! { <div class="skeleton" aria-busy="true"></div> }>
            {move || Suspend::new(async move {
                overview.await.map(|pipelines| {
                    if pipelines.is_empty() {
                        view! { <p>{t!(i18n, pipeline.empty)}</p> }.into_any()
                    } else {
                        pipelines.into_iter().map(|p| view! { <Pipeline pipeline=p /> }).collect_view().into_any()
                    }
                })
            })}
        </Suspense>
    }
}

#[component]
fn Pipeline(pipeline: PipelineSummary) -> impl IntoView {
    view! {
        <section class="pipeline" aria-label=pipeline.name.clone()>
            <h2>{pipeline.name.clone()}</h2>
            <ol class="stages" role="list">
                {pipeline.stages.into_iter().map(|s| view! { <Stage stage=s /> }).collect_view()}
            </ol>
        </section>
    }
}

#[component]
fn Stage(stage: StageSummary) -> impl IntoView {
    let i18n = use_i18n();
    let totals = stage.totals.iter().map(ToString::to_string).collect::<Vec<_>>().join(" · ");
    view! {
        <li class="stage" aria-label=stage.name.clone()>
            <h3>{stage.name.clone()}</h3>
            <p class="stage-count">
                <strong>{stage.open_deals}</strong>
                <span>{t!(i18n, pipeline.deals)}</span>
            </p>
            <p class="stage-total">{totals}</p>
            <p class="stage-prob">{format!("{}%", stage.win_probability)}</p>
        </li>
    }
}

/// A company's deals, for the company page.
#[component]
pub fn CompanyDeals(company: CompanyId) -> impl IntoView {
    view! {
        <Related
            id="company-deals"
            title=|i| t_string!(i, pipeline.company_deals).to_string()
            empty=|i| t_string!(i, pipeline.no_deals).to_string()
            of=company
            load=company_deals
            item=|d: DealSummary| {
                let i18n = use_i18n();
                let status = (d.status != "open").then(|| {
                    let won = d.status == "won";
                    let class = format!("badge deal-{}", d.status);
                    view! { " " <span class=class>{move || if won { t_string!(i18n, pipeline.won) } else { t_string!(i18n, pipeline.lost) }}</span> }
                });
                view! {
                    <strong>{d.title}</strong>
                    <span class="muted">" · "{d.value.to_string()}" · "{d.stage}</span>
                    {status}
                }.into_any()
            }
        />
    }
}
