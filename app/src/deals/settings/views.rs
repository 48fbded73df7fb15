//! Settings → Pipelines and stages: rename, add, edit, reorder (drag, or Move up / Move down), and
//! archive a stage with its deals moved elsewhere. Every change carries the pipeline's version.
use leptos::prelude::*;

use super::api::{
    AddStage, ArchiveStage, CreatePipeline, RenamePipeline, UpdateStage, load_pipeline_settings,
    reorder_stages,
};
use super::model::{PipelineSettings, StageInput, StageSettings};
use crate::deals::board::dom;
use crate::deals::model::StageId;
use crate::error::AppError;
use crate::i18n::*;
use crate::ui::{ErrorMessage, Field};

/// Reloads the settings after a save; a conflict (someone else changed the pipeline) is said and
/// the page shows what is stored now.
fn reload_after<T: Send + Sync + 'static>(
    value: impl Fn() -> Option<Result<T, AppError>> + Copy + Send + Sync + 'static,
    reload: RwSignal<u32>,
    failure: RwSignal<Option<AppError>>,
) -> Signal<Option<AppError>> {
    Effect::new(move |_| match value() {
        Some(Ok(_)) => {
            failure.set(None);
            reload.update(|n| *n += 1);
        }
        Some(Err(e @ (AppError::Conflict | AppError::NotFound))) => {
            failure.set(Some(e));
            reload.update(|n| *n += 1);
        }
        _ => {}
    });
    // The refusal, for the form's field errors.
    Signal::derive(move || value().and_then(Result::err))
}

/// Follows the pipeline's version as saves answer with it.
fn keep_version(
    value: impl Fn() -> Option<Result<i32, AppError>> + Send + Sync + 'static,
    version: RwSignal<i32>,
) {
    Effect::new(move |_| {
        if let Some(Ok(v)) = value() {
            version.set(v);
        }
    });
}

/// Empties a form once what it sent was saved.
fn clear_after<T: Send + Sync + 'static>(
    value: impl Fn() -> Option<Result<T, AppError>> + Send + Sync + 'static,
    form: NodeRef<leptos::html::Form>,
) {
    Effect::new(move |_| {
        if let (Some(Ok(_)), Some(f)) = (value(), form.get()) {
            f.reset();
        }
    });
}

#[component]
pub fn PipelineSettingsPage() -> impl IntoView {
    let i18n = use_i18n();
    let reload = RwSignal::new(0u32);
    let failure = RwSignal::new(None::<AppError>);
    let data = crate::ui::page_resource(move || reload.get(), |_| load_pipeline_settings());
    let create = ServerAction::<CreatePipeline>::new();
    let create_error = reload_after(move || create.value().get(), reload, failure);
    let create_form = NodeRef::<leptos::html::Form>::new();
    clear_after(move || create.value().get(), create_form);
    view! {
        <crate::ui::PageHeader title=move || t_string!(i18n, stages.title) />
        <div aria-live="polite"><ErrorMessage error=failure /></div>
        <Transition fallback=|| view! { <div class="skeleton" aria-busy="true"></div> }>
            {move || Suspend::new(async move {
                let ps = match data.await {
                    Ok(ps) => ps,
                    // A role that may not manage pipelines gets no form to fill in.
                    Err(error) => return crate::ui::page_error(error),
                };
                Ok(view! {
                    // Keyed by version: a changed pipeline gets fresh forms (a rebuilt input would
                    // keep what was typed into it over the stored value).
                    <For each=move || ps.clone() key=|p| (p.id, p.version) let:p>
                        <PipelineCard pipeline=p reload failure />
                    </For>
                    <section class="panel" aria-labelledby="new-pipeline-title">
                        <h2 id="new-pipeline-title">{t!(i18n, stages.new_pipeline)}</h2>
                        <ActionForm action=create node_ref=create_form attr:class="form inline-form" attr:novalidate=true>
                            <Field id="np-name" maxlength=crate::deals::settings::model::NAME_MAX name="name" error=create_error>{t!(i18n, stages.pipeline_name)}</Field>
                            <button type="submit">{t!(i18n, stages.create_pipeline)}</button>
                        </ActionForm>
                    </section>
                }
                .into_any())
            })}
        </Transition>
    }
}

#[component]
fn PipelineCard(
    pipeline: PipelineSettings,
    reload: RwSignal<u32>,
    failure: RwSignal<Option<AppError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = pipeline.id;
    // The version this page last saw; each save answers with the new one, so quick successive
    // edits by the same person do not conflict with each other.
    let version = RwSignal::new(pipeline.version);
    let heading = format!("pipeline-{}", id.0);
    let rename = ServerAction::<RenamePipeline>::new();
    let rename_error = reload_after(move || rename.value().get(), reload, failure);
    keep_version(move || rename.value().get(), version);
    let add = ServerAction::<AddStage>::new();
    let add_error = reload_after(move || add.value().get(), reload, failure);
    keep_version(move || add.value().get(), version);
    let add_form = NodeRef::<leptos::html::Form>::new();
    clear_after(move || add.value().get(), add_form);
    let stages = StoredValue::new(pipeline.stages.clone());
    let name = pipeline.name.clone();
    // A reorder: the stages in their new order, saved at once.
    let move_stage = move |from: usize, to: usize| {
        let mut order: Vec<StageId> = stages.with_value(|s| s.iter().map(|s| s.id).collect());
        if from >= order.len() || to >= order.len() || from == to {
            return;
        }
        let s = order.remove(from);
        order.insert(to, s);
        leptos::task::spawn_local(async move {
            match reorder_stages(id, version.get_untracked(), order).await {
                Ok(v) => {
                    version.set(v);
                    failure.set(None)
                }
                Err(e) => failure.set(Some(e)),
            }
            reload.update(|n| *n += 1);
        });
    };
    // Pointer drag by the handle: the row under the pointer when it is let go is the new place.
    let dragging = RwSignal::new(None::<usize>);
    let over = RwSignal::new(None::<usize>);
    let row_at = |ev: &leptos::ev::PointerEvent| {
        dom::attr_at(
            f64::from(ev.client_x()),
            f64::from(ev.client_y()),
            "data-stage-row",
        )
        .and_then(|s| s.parse::<usize>().ok())
    };
    crate::ui::window_listener(leptos::ev::pointermove, move |ev| {
        if dragging.get_untracked().is_some() {
            over.set(row_at(&ev));
        }
    });
    crate::ui::window_listener(leptos::ev::pointerup, move |ev| {
        if let Some(from) = dragging.get_untracked() {
            dragging.set(None);
            over.set(None);
            if let Some(to) = row_at(&ev) {
                move_stage(from, to);
            }
        }
    });
    let count = pipeline.stages.len();
    let all = pipeline.stages.clone();
    let (heading_id, label_name, field_name, field_id) = (
        heading.clone(),
        name.clone(),
        name.clone(),
        format!("pn-{}", id.0),
    );
    let (pipeline_id, pipeline_id2) = (id.0.to_string(), id.0.to_string());
    let add_prefix = format!("ns-{}", id.0);
    view! {
        <section class="panel pipeline-settings" aria-labelledby=heading_id>
            <h2 id=heading>{name}</h2>
            <ActionForm action=rename attr:class="form inline-form" attr:novalidate=true>
                <input type="hidden" name="pipeline" value=pipeline_id />
                <input type="hidden" name="version" value=move || version.get() />
                <Field id=field_id maxlength=crate::deals::settings::model::NAME_MAX name="name" value=field_name error=rename_error>{t!(i18n, stages.pipeline_name)}</Field>
                <button type="submit">{t!(i18n, stages.rename)}</button>
            </ActionForm>
            <ol class="stage-rows" aria-label=move || format!("{}: {}", t_string!(i18n, stages.stages_of), label_name)>
                {pipeline.stages.into_iter().enumerate().map(|(i, s)| {
                    let others: Vec<StageSettings> = all.iter().filter(|o| o.id != s.id).cloned().collect();
                    view! {
                        <li
                            class="stage-row"
                            data-stage-row=i.to_string()
                            class:dragging=move || dragging.get() == Some(i)
                            class:drop-here=move || dragging.get().is_some() && over.get() == Some(i)
                        >
                            <StageRow stage=s index=i count version others reload failure dragging move_stage />
                        </li>
                    }
                }).collect_view()}
            </ol>
            <ActionForm action=add node_ref=add_form attr:class="form add-stage" attr:novalidate=true>
                <fieldset>
                    <legend>{t!(i18n, stages.add_title)}</legend>
                    <input type="hidden" name="pipeline" value=pipeline_id2 />
                    <input type="hidden" name="version" value=move || version.get() />
                    <StageFields prefix=add_prefix initial=StageInput::default() error=add_error />
                    <button type="submit">{t!(i18n, stages.add)}</button>
                </fieldset>
            </ActionForm>
        </section>
    }
}

#[component]
fn StageRow(
    stage: StageSettings,
    index: usize,
    count: usize,
    version: RwSignal<i32>,
    others: Vec<StageSettings>,
    reload: RwSignal<u32>,
    failure: RwSignal<Option<AppError>>,
    dragging: RwSignal<Option<usize>>,
    move_stage: impl Fn(usize, usize) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let save = ServerAction::<UpdateStage>::new();
    let save_error = reload_after(move || save.value().get(), reload, failure);
    keep_version(move || save.value().get(), version);
    let archive = ServerAction::<ArchiveStage>::new();
    let archive_error = reload_after(move || archive.value().get(), reload, failure);
    keep_version(move || archive.value().get(), version);
    let id = stage.id.0.to_string();
    let (name, n) = (stage.name.clone(), stage.open_deals);
    let handle_name = name.clone();
    let archive_name = name.clone();
    let prefix = format!("st-{}", stage.id.0);
    let (stage_id, stage_id2) = (id.clone(), id);
    let (save_prefix, move_id, move_label, move_hint, move_hint2) = (
        prefix.clone(),
        format!("{prefix}-move"),
        format!("{prefix}-move"),
        format!("{prefix}-move-error"),
        format!("{prefix}-move-error"),
    );
    let initial = StageInput::from(&stage);
    let move_error = move || {
        archive_error
            .get()
            .and_then(|e| e.field("move_to"))
            .map(|why| crate::ui::invalid_text(i18n, why))
    };
    view! {
        <button
            type="button"
            class="drag-handle"
            aria-label=move || format!("{}: {}", t_string!(i18n, stages.drag), handle_name)
            on:pointerdown=move |ev| {
                if ev.is_primary() {
                    ev.prevent_default();
                    dragging.set(Some(index));
                }
            }
        >
            "⠿"
        </button>
        <ActionForm action=save attr:class="form stage-form" attr:novalidate=true>
            <input type="hidden" name="stage" value=stage_id />
            <input type="hidden" name="version" value=move || version.get() />
            <StageFields prefix=save_prefix initial error=save_error />
            <span class="muted">{t!(i18n, stages.open_deals, count = move || n)}</span>
            <button type="submit">{t!(i18n, stages.save)}</button>
        </ActionForm>
        <div class="stage-actions">
            <button type="button" disabled={index == 0} on:click=move |_| move_stage(index, index - 1)>{t!(i18n, stages.up)}</button>
            <button type="button" disabled={index + 1 >= count} on:click=move |_| move_stage(index, index + 1)>{t!(i18n, stages.down)}</button>
            <details class="archive-stage">
                <summary class="button">{t!(i18n, stages.archive)}</summary>
                <ActionForm action=archive attr:class="form" attr:novalidate=true>
                    <input type="hidden" name="stage" value=stage_id2 />
                    <input type="hidden" name="version" value=move || version.get() />
                    <p><strong>{t!(i18n, stages.archive_title, name = move || archive_name.clone())}</strong></p>
                    <label for=move_label>{t!(i18n, stages.move_deals, count = move || n)}</label>
                    <select id=move_id name="move_to" aria-describedby=move_hint>
                        {others.into_iter().map(|o| view! { <option value=o.id.0.to_string()>{o.name}</option> }).collect_view()}
                    </select>
                    <p class="field-error" id=move_hint2 role="status">{move_error}</p>
                    <button type="submit" class="danger">{t!(i18n, stages.confirm_archive)}</button>
                </ActionForm>
            </details>
        </div>
    }
}

#[component]
fn StageFields(
    prefix: String,
    initial: StageInput,
    #[prop(into)] error: Signal<Option<AppError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Field id=format!("{prefix}-name") maxlength=crate::deals::settings::model::NAME_MAX name="input[name]" error_key="name" value=initial.name required=true error>
            {t!(i18n, stages.name)}
        </Field>
        <Field id=format!("{prefix}-p") name="input[win_probability]" error_key="win_probability" inputmode="numeric" value=initial.win_probability error>
            {t!(i18n, stages.probability)}
        </Field>
        <Field id=format!("{prefix}-rot") name="input[rotting_days]" error_key="rotting_days" inputmode="numeric" value=initial.rotting_days error>
            {t!(i18n, stages.rotting)}
        </Field>
        <Field id=format!("{prefix}-col") name="input[colour]" error_key="colour" value=initial.colour error>
            {t!(i18n, stages.colour)}
        </Field>
    }
}
