//! Logging interactions, a record's timeline, and the "My tasks" page.
use leptos::prelude::*;
use leptos_router::components::A;

use uuid::Uuid;

use super::api::{LogInteraction, delete_task, my_tasks, set_task_done, timeline};
use super::model::{
    CallOutcome, EntryBody, InteractionKind, SubjectKind, Task, TaskId, TimelineCursor,
    TimelineEntry, Visit,
};
use super::visits::RecordVisit;
use crate::error::AppError;
use crate::i18n::*;
use crate::ui::{ErrorMessage, Field, LocalDate, LocalDateTime};
use leptos_i18n::I18nContext;

fn kind_name(i18n: I18nContext<Locale>, kind: InteractionKind) -> &'static str {
    match kind {
        InteractionKind::Note => t_string!(i18n, activities.note),
        InteractionKind::Call => t_string!(i18n, activities.call),
        InteractionKind::Meeting => t_string!(i18n, activities.meeting),
        InteractionKind::Email => t_string!(i18n, activities.email),
    }
}

fn outcome_name(i18n: I18nContext<Locale>, o: CallOutcome) -> &'static str {
    match o {
        CallOutcome::Connected => t_string!(i18n, activities.outcome_connected),
        CallOutcome::NoAnswer => t_string!(i18n, activities.outcome_no_answer),
        CallOutcome::Voicemail => t_string!(i18n, activities.outcome_voicemail),
        CallOutcome::Busy => t_string!(i18n, activities.outcome_busy),
        CallOutcome::WrongNumber => t_string!(i18n, activities.outcome_wrong_number),
    }
}

/// A record's history with the form to add to it.
#[component]
pub fn Activities(about: SubjectKind, id: Uuid) -> impl IntoView {
    let reload = RwSignal::new(0u32);
    view! {
        <LogInteractionForm about id on_logged=Callback::new(move |_| reload.update(|n| *n += 1)) />
        <Timeline about id reload />
    }
}

/// Two taps to log: pick the kind, fill what it needs, log it (with an optional follow-up task).
#[component]
fn LogInteractionForm(about: SubjectKind, id: Uuid, on_logged: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<LogInteraction>::new();
    let kind = RwSignal::new(InteractionKind::Note);
    // A fresh form after each successful log.
    let generation = RwSignal::new(0u32);
    // Offline (or when the network fails it), a log is kept on the device and sent later.
    let pwa = use_context::<crate::pwa::Pwa>();
    let user = use_context::<crate::users::model::CurrentUser>().map(|u| u.id.0);
    let sent = StoredValue::new(None::<LogInteraction>);
    let kept = RwSignal::new(false);
    let keep = move |mut log: LogInteraction| {
        if let (Some(pwa), Some(user)) = (pwa, user) {
            // Sent later, it keeps the time it was written.
            log.input.written_at = chrono::Utc::now().to_rfc3339();
            let label: String = match log.input.body.trim() {
                "" => kind_name(i18n, kind.get_untracked()).to_string(),
                body => body.chars().take(60).collect(),
            };
            pwa.keep(user, label, crate::pwa::queue::Write::of(&log));
            kept.set(true);
            generation.update(|n| *n += 1);
        }
    };
    Effect::new(move |_| match action.value().get() {
        Some(Ok(())) => {
            kept.set(false);
            generation.update(|n| *n += 1);
            on_logged.run(());
        }
        Some(Err(AppError::Network)) => {
            if let Some(log) = sent.get_value() {
                keep(log);
            }
        }
        _ => {}
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        use leptos::form::FromFormData;
        ev.prevent_default();
        let Ok(mut log) = LogInteraction::from_event(&ev) else {
            return;
        };
        // Made once per note: kept with it if it must be sent later, so no replay writes twice.
        log.key = Some(crate::pwa::write_key());
        if pwa.is_some_and(|p| p.offline()) {
            keep(log);
        } else {
            sent.set_value(Some(log.clone()));
            action.dispatch(log);
        }
    };
    if let Some(pwa) = pwa {
        // Replays reached the server: the timeline shows them.
        Effect::new(move |prev: Option<u32>| {
            let n = pwa.synced.get();
            if prev.is_some_and(|p| p != n) {
                on_logged.run(());
            }
            n
        });
    }
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let form_error = Signal::derive(move || {
        error
            .get()
            .filter(|e| !matches!(e, AppError::Validation { .. } | AppError::Network))
    });
    let needs = move |k: &[InteractionKind]| k.contains(&kind.get());
    view! {
        <section class="panel log-interaction" aria-labelledby="log-title">
            <h2 id="log-title">{t!(i18n, activities.log)}</h2>
            {move || {
                generation.get();
                view! {
                    <form class="form" novalidate method="post" action="/api/log_interaction" on:submit=on_submit>
                        <input type="hidden" name="about" value=about.entity() />
                        <input type="hidden" name="id" value=id.to_string() />
                        <div class="segmented" role="radiogroup" aria-label=move || t_string!(i18n, activities.kind)>
                            {InteractionKind::ALL
                                .into_iter()
                                .map(|k| {
                                    view! {
                                        <label>
                                            <input
                                                type="radio"
                                                name="input[kind]"
                                                value=k.as_str()
                                                checked=move || kind.get() == k
                                                on:change=move |_| kind.set(k)
                                            />
                                            {move || kind_name(i18n, k)}
                                        </label>
                                    }
                                })
                                .collect_view()}
                        </div>
                        <Show when=move || needs(&[InteractionKind::Meeting, InteractionKind::Email])>
                            <Field id="act-subject" maxlength=crate::activities::model::SUBJECT_MAX name="input[subject]" error_key="subject" error>
                                {t!(i18n, activities.subject)}
                            </Field>
                        </Show>
                        <Show when=move || needs(&[InteractionKind::Call])>
                            <div class="field">
                                <label for="act-outcome">{t!(i18n, activities.outcome)}</label>
                                <select id="act-outcome" name="input[outcome]" aria-describedby="act-outcome-error">
                                    <option value="">{t!(i18n, activities.choose)}</option>
                                    {CallOutcome::ALL
                                        .into_iter()
                                        .map(|o| view! { <option value=o.as_str()>{move || outcome_name(i18n, o)}</option> })
                                        .collect_view()}
                                </select>
                                <crate::ui::FieldError error field="outcome" id="act-outcome-error" />
                            </div>
                        </Show>
                        <Show when=move || needs(&[InteractionKind::Call, InteractionKind::Meeting])>
                            <Field id="act-duration" name="input[duration]" error_key="duration" input_type="number" inputmode="numeric" error>
                                {t!(i18n, activities.duration)}
                            </Field>
                        </Show>
                        <Field id="act-body" maxlength=crate::activities::model::BODY_MAX name="input[body]" error_key="body" multiline=true error
                            hint=ViewFn::from(move || t!(i18n, notifications.mention_hint))>
                            {t!(i18n, activities.body)}
                        </Field>
                        <div class="follow-up">
                            <Field id="act-follow-up" maxlength=crate::activities::model::FOLLOW_UP_MAX name="input[follow_up]" error_key="follow_up" error>
                                {t!(i18n, activities.follow_up)}
                            </Field>
                            <Field id="act-follow-up-due" name="input[follow_up_due]" error_key="follow_up_due" input_type="date" error>
                                {t!(i18n, activities.follow_up_due)}
                            </Field>
                        </div>
                        <ErrorMessage error=form_error />
                        <p class="hint" role="status">
                            {move || if kept.get() { t_string!(i18n, pwa.kept).to_string() } else { String::new() }}
                        </p>
                        <button type="submit" class="primary" disabled=move || action.pending().get()>
                            {t!(i18n, activities.save)}
                        </button>
                    </form>
                }
            }}
        </section>
    }
}

/// A return visit's record: once done, what the call found; before, the form that records it.
#[component]
fn VisitRecord(
    task: TaskId,
    title: String,
    visit: Visit,
    done: bool,
    on_change: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    if done {
        return view! {
            <span class="visit-done">
                {visit.outcome.map(|o| view! { <span class="muted">{move || outcome_name(i18n, o)}</span> })}
                {visit.satisfaction.map(|score| view! { " "<crate::ui::Stars score /> })}
            </span>
        }
        .into_any();
    }
    let action = ServerAction::<RecordVisit>::new();
    let (error, form_error) = crate::ui::action_errors(action);
    Effect::new(move |_| {
        if let Some(Ok(())) = action.value().get() {
            on_change.run(());
        }
    });
    let key = task.0.simple().to_string();
    let (outcome_id, score_id) = (format!("visit-outcome-{key}"), format!("visit-score-{key}"));
    view! {
        <ActionForm action attr:class="visit-form" attr:aria-label=title>
            <input type="hidden" name="task" value=task.0.to_string() />
            <span class="filter">
                <label for=outcome_id.clone()>{t!(i18n, activities.outcome)}</label>
                <select id=outcome_id name="input[outcome]">
                    {CallOutcome::ALL.into_iter().map(|o| view! { <option value=o.as_str()>{move || outcome_name(i18n, o)}</option> }).collect_view()}
                </select>
            </span>
            <span class="filter">
                <label for=score_id.clone()>{t!(i18n, activities.satisfaction)}</label>
                <select id=score_id name="input[satisfaction]">
                    <option value="">"—"</option>
                    {(1..=5).rev().map(|n| view! { <option value=n.to_string()>{"★".repeat(n)}</option> }).collect_view()}
                </select>
            </span>
            <button type="submit" disabled=move || action.pending().get()>{t!(i18n, activities.record_visit)}</button>
            <crate::ui::FieldError id=format!("visit-error-{key}") field="satisfaction" error />
            <ErrorMessage error=form_error />
        </ActionForm>
    }
    .into_any()
}

/// A tick box that marks a task done or open, then tells the caller.
#[component]
fn TaskToggle(id: TaskId, title: String, done: bool, on_change: Callback<()>) -> impl IntoView {
    let toggle = move |ev: leptos::ev::Event| {
        let checked = event_target_checked(&ev);
        leptos::task::spawn_local(async move {
            if set_task_done(id, checked).await.is_ok() {
                on_change.run(());
            }
        });
    };
    view! { <input type="checkbox" class="task-toggle" aria-label=title checked=done on:change=toggle /> }
}

/// Moves a task to the trash (restorable there), then tells the caller; a refusal is shown.
#[component]
fn TaskDelete(id: TaskId, version: i32, title: String, on_change: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let failed = RwSignal::new(None::<AppError>);
    let delete = move |_| {
        leptos::task::spawn_local(async move {
            match delete_task(id, version).await {
                Ok(()) => on_change.run(()),
                Err(e) => failed.set(Some(e)),
            }
        });
    };
    view! {
        <button type="button" class="secondary small task-delete" on:click=delete
            aria-label=move || format!("{}: {title}", t_string!(i18n, activities.delete_task_named))>
            {t!(i18n, activities.delete_task)}
        </button>
        <ErrorMessage error=failed />
    }
}

#[component]
fn Timeline(about: SubjectKind, id: Uuid, reload: RwSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    // Older pages, appended on request; a reload starts again from the newest page.
    let older = RwSignal::new(Vec::<TimelineEntry>::new());
    let cursor = RwSignal::new(None::<Option<TimelineCursor>>);
    let failed = RwSignal::new(None::<AppError>);
    let entries = crate::ui::load_in_browser(move || {
        reload.get();
        older.set(Vec::new());
        cursor.set(None);
        // The newest page is kept on this device, for reading offline.
        let key = crate::pwa::kept::kept_key("timeline", &(about, id));
        crate::pwa::kept::or_kept(key, timeline(about, id, None))
    });
    view! {
        <section class="panel" aria-labelledby="timeline-title">
            <h2 id="timeline-title">{t!(i18n, activities.timeline)}</h2>
            {move || match entries.get() {
                None => view! { <div class="skeleton" aria-busy="true"></div> }.into_any(),
                Some(Err(e)) => view! { <ErrorMessage error=Signal::stored(Some(e)) /> }.into_any(),
                Some(Ok(page)) => {
                        if page.entries.is_empty() {
                            return view! { <p class="empty">{t!(i18n, activities.empty)}</p> }.into_any();
                        }
                        let first_next = StoredValue::new(page.next);
                        let next = move || cursor.get().unwrap_or_else(|| first_next.get_value());
                        let load_older = move |_| {
                            let Some(before) = next() else { return };
                            leptos::task::spawn_local(async move {
                                match timeline(about, id, Some(before)).await {
                                    Ok(p) => {
                                        older.update(|o| o.extend(p.entries));
                                        cursor.set(Some(p.next));
                                        failed.set(None);
                                    }
                                    Err(e) => failed.set(Some(e)),
                                }
                            });
                        };
                        view! {
                            <ol class="timeline" aria-label=move || t_string!(i18n, activities.timeline)>
                                {page.entries.into_iter().map(|e| view! { <Entry entry=e reload about /> }).collect_view()}
                                {move || older.get().into_iter().map(|e| view! { <Entry entry=e reload about /> }).collect_view()}
                            </ol>
                            <ErrorMessage error=failed />
                            <Show when=move || next().is_some()>
                                <button type="button" class="secondary" on:click=load_older>{t!(i18n, activities.older)}</button>
                            </Show>
                        }
                        .into_any()
                }
            }}
        </section>
    }
}

#[component]
fn Entry(entry: TimelineEntry, reload: RwSignal<u32>, about: SubjectKind) -> impl IntoView {
    let i18n = use_i18n();
    let when = entry.at;
    let who = entry.author.unwrap_or_default();
    let (class, content) = match entry.body {
        EntryBody::Interaction { kind, subject, body, outcome, duration_minutes } => (
            kind.as_str(),
            view! {
                <p class="entry-title">
                    <strong>{move || kind_name(i18n, kind)}</strong>
                    {outcome.map(|o| view! { <span class="tag">{move || outcome_name(i18n, o)}</span> })}
                    {duration_minutes.map(|n| view! { <span class="muted">{t!(i18n, activities.minutes, n = move || n)}</span> })}
                    {subject.map(|s| view! { <span>{s}</span> })}
                </p>
                {body.map(|b| view! { <p class="entry-body">{b}</p> })}
            }
            .into_any(),
        ),
        EntryBody::Ticket { id, title } => (
            "ticket",
            view! {
                <p class="entry-title">
                    <strong>{t!(i18n, activities.ticket_opened)}</strong>
                    <A href=format!("/tickets/{id}")>{title}</A>
                </p>
            }
            .into_any(),
        ),
        EntryBody::Task { id, title, due_on, done } => (
            "task",
            view! {
                <p class="entry-title">
                    <TaskToggle id title=title.clone() done on_change=Callback::new(move |_| reload.update(|n| *n += 1)) />
                    <strong>{t!(i18n, activities.task)}</strong>
                    <span class:done=done>{title}</span>
                    {due_on.map(|d| {
                        let date = move || crate::dates::format_date(i18n.get_locale(), d);
                        view! { <span class="muted">{t!(i18n, activities.due, date)}</span> }
                    })}
                </p>
            }
            .into_any(),
        ),
        EntryBody::Created => ("created", view! { <p class="entry-title">{t!(i18n, activities.created)}</p> }.into_any()),
        EntryBody::Changed { changes, deal } => (
            "changed",
            {
            let deal_keys = deal.is_some() || about == SubjectKind::Deal;
            view! {
                <p class="entry-title">
                    <strong>{t!(i18n, activities.changed)}</strong>
                    {deal.map(|d| view! { " · " {t!(i18n, activities.deal)} " " <span>{d}</span> })}
                </p>
                <ul class="changes">
                    {changes
                        .into_iter()
                        .map(|c| {
                            let key = c.field.clone();
                            view! { <li><span class="field">{move || crate::labels::field_label(i18n, &key, deal_keys)}</span>": " <del><crate::ui::LocalValue raw=c.old /></del>" → " <ins><crate::ui::LocalValue raw=c.new /></ins></li> }
                        })
                        .collect_view()}
                </ul>
            }
            .into_any()
            },
        ),
    };
    view! {
        <li class=format!("entry entry-{class}")>
            <p class="entry-meta"><LocalDateTime at=when />" · "{who}</p>
            {content}
        </li>
    }
}

/// Overdue, today's and upcoming tasks of the signed-in user, with done toggles.
#[component]
pub fn MyTasksPage() -> impl IntoView {
    let i18n = use_i18n();
    let reload = RwSignal::new(0u32);
    let tasks = crate::ui::page_resource(move || reload.get(), |_| my_tasks());
    let on_change = Callback::new(move |_| reload.update(|n| *n += 1));
    view! {
        <crate::ui::PageHeader title=move || t_string!(i18n, activities.my_tasks) />
        <Transition fallback=|| view! { <div class="skeleton" aria-busy="true"></div> }>
            {move || Suspend::new(async move {
                tasks.await.map(|mine| view! {
                    <TaskGroup id="tasks-overdue" title=ViewFn::from(move || t!(i18n, activities.overdue)) tasks=mine.overdue on_change />
                    <TaskGroup id="tasks-today" title=ViewFn::from(move || t!(i18n, activities.today)) tasks=mine.today on_change />
                    <TaskGroup id="tasks-upcoming" title=ViewFn::from(move || t!(i18n, activities.upcoming)) tasks=mine.upcoming on_change />
                })
            })}
        </Transition>
    }
}

#[component]
fn TaskGroup(
    id: &'static str,
    title: ViewFn,
    tasks: Vec<Task>,
    on_change: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let empty = tasks.is_empty();
    view! {
        <section class="panel task-group" aria-labelledby=id>
            <h2 id=id>{title.run()}</h2>
            <Show when=move || empty>
                <p class="empty">{t!(i18n, activities.no_tasks)}</p>
            </Show>
            <ul class="tasks">
                {tasks
                    .into_iter()
                    .map(|t| {
                        view! {
                            <li class:visit=t.visit.is_some()>
                                {match &t.visit {
                                    None => view! { <TaskToggle id=t.id title=t.title.clone() done=t.done on_change /> }.into_any(),
                                    Some(_) => view! { <span class="badge visit-badge">{t!(i18n, activities.return_visit)}</span> }.into_any(),
                                }}
                                <span class:done=t.done>{t.title.clone()}</span>
                                {t.due_on.map(|d| view! { <span class="muted"><LocalDate date=d /></span> })}
                                {t.link.clone().map(|href| view! { <A href=href>{t.about.clone()}</A> })}
                                {t.visit.clone().map(|v| view! { <VisitRecord task=t.id title=t.title.clone() visit=v done=t.done on_change /> })}
                                <TaskDelete id=t.id version=t.version title=t.title.clone() on_change />
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </section>
    }
}
