//! The pipeline page: one row of stage columns per pipeline.
use leptos::prelude::*;

use super::api::pipeline_overview;
use super::model::{PipelineSummary, StageSummary};
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
