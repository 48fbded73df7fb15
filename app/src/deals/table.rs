//! The deals of a pipeline as a table: the board's filters, a status, any column's order, keyset
//! pages, and editing in place (title, value, close date, probability, stage), each save carrying
//! the deal's version.
use std::future::Future;

use leptos::prelude::*;
use leptos_i18n::I18nContext;
use leptos_router::components::A;

use super::api::update_deal;
use super::model::{Deal, DealField, DealInput, DealTablePage, TABLE_SORTS, TableQuery};
use crate::dates::{DATE_INPUT_MAX, parse_date, shown_value};
use crate::deals::board::api::move_deal;
use crate::deals::board::model::{BoardFilter, MoveTo, board_href};
use crate::deals::model::{DealId, StageId};
use crate::error::AppError;
use crate::i18n::*;
use crate::records::views::{Label, ListCount, Pager};
use crate::ui::{LocalDate, error_text, invalid_text};

/// What every row needs to send a change and show its outcome.
#[derive(Clone, Copy)]
struct Live {
    /// Bumped to load the table again.
    refresh: RwSignal<u32>,
    /// Deal versions already shown or expected from our own changes (their live events are ours).
    known: StoredValue<Vec<(DealId, i32)>>,
    /// Why the last change was refused, above the table (kept across the reload it causes).
    failure: RwSignal<Option<AppError>>,
}

impl Live {
    /// Sends a change of `deal` at `version`. Saved: the table loads again and shows the stored
    /// row. Refused because someone changed the deal meanwhile: the table loads again, showing
    /// their values, and says why. Any other refusal goes to `refused`.
    fn send(
        self,
        deal: DealId,
        version: i32,
        call: impl Future<Output = Result<i32, AppError>> + 'static,
        refused: impl FnOnce(AppError) + 'static,
    ) {
        self.failure.set(None);
        self.known.update_value(|k| k.push((deal, version + 1)));
        leptos::task::spawn_local(async move {
            match call.await {
                Ok(v) => {
                    self.known.update_value(|k| k.push((deal, v)));
                    self.refresh.update(|n| *n += 1);
                }
                Err(AppError::Conflict) => {
                    self.failure.set(Some(AppError::Conflict));
                    self.refresh.update(|n| *n += 1);
                }
                Err(e) => refused(e),
            }
        });
    }
}

fn columns() -> [Label; 8] {
    [
        |l| td_string!(l, deals.close_date).to_string(),
        |l| td_string!(l, deals.deal_title).to_string(),
        |l| td_string!(l, deals.company).to_string(),
        |l| td_string!(l, deals.value).to_string(),
        |l| td_string!(l, deals.stage).to_string(),
        |l| td_string!(l, deals.owner).to_string(),
        |l| td_string!(l, deals.probability).to_string(),
        |l| td_string!(l, deals.updated).to_string(),
    ]
}

/// The order the columns are shown in, as indexes into `TABLE_SORTS`.
const SHOWN: [usize; 8] = [1, 2, 3, 4, 5, 0, 6, 7];

#[component]
pub fn DealTable(
    data: DealTablePage,
    query: TableQuery,
    filter: BoardFilter,
    refresh: RwSignal<u32>,
    known: StoredValue<Vec<(DealId, i32)>>,
    failure: RwSignal<Option<AppError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let live = Live {
        refresh,
        known,
        failure,
    };
    let page = data.page;
    if page.rows.is_empty() {
        return view! { <p class="empty" role="status">{t!(i18n, list.none)}</p> }.into_any();
    }
    let can_edit = use_context::<crate::users::model::CurrentUser>()
        .is_some_and(|u| u.role.can_edit_customers());
    let pipeline = data.pipeline.id.0.to_string();
    let at = |q: TableQuery| board_href(&pipeline, &filter, Some(&q));
    let (sort, desc) = query.order();
    let labels = columns();
    let headers = SHOWN
        .iter()
        .map(|&i| {
            let key = TABLE_SORTS[i];
            let label = labels[i];
            let aria_sort = (sort == key).then_some(if desc { "descending" } else { "ascending" });
            view! { <th scope="col" aria-sort=aria_sort><A href=at(query.sorted_by(key))>{move || label(i18n.get_locale())}</A></th> }
        })
        .collect_view();
    let (total, limit) = (page.total, page.limit);
    let next = page.next.clone().map(|after| {
        at(TableQuery {
            after,
            ..query.clone()
        })
    });
    let first = (!query.after.is_empty()).then(|| {
        at(TableQuery {
            after: String::new(),
            ..query.clone()
        })
    });
    let stages = StoredValue::new(data.stages);
    let name = data.pipeline.name;
    let rows = page.rows;
    view! {
        <ListCount total limit />
        <p class="board-help">{t!(i18n, deals.edit_hint)}</p>
        <div class="table-wrap">
            <table class="records deals" aria-label=move || format!("{} · {}", t_string!(i18n, deals.table_name), name)>
                <thead><tr>{headers}</tr></thead>
                <tbody>
                    // Keyed by version: a row someone changed is drawn again, an untouched one
                    // (perhaps being edited) is left alone when the table reloads.
                    <For each=move || rows.clone() key=|d| (d.id, d.version) let:deal>
                        <Row deal stages live can_edit />
                    </For>
                </tbody>
            </table>
        </div>
        <Pager first next />
    }
    .into_any()
}

#[component]
fn Row(
    deal: Deal,
    stages: StoredValue<Vec<(StageId, String)>>,
    live: Live,
    can_edit: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let value = deal.value().to_string();
    let close = deal.expected_close_date;
    let probability = format!("{}%", deal.win_probability());
    let default = deal.probability.is_none();
    let updated = deal.updated_at.date_naive();
    let href = format!("/deals/{}", deal.id.0);
    let (title, company, owner) = (
        deal.title.clone(),
        deal.company_name.clone().unwrap_or_default(),
        deal.owner_name.clone().unwrap_or_default(),
    );
    let open = deal.status == "open";
    let status = match deal.status.as_str() {
        "won" => Some(t!(i18n, pipeline.won).into_any()),
        "lost" => Some(t!(i18n, pipeline.lost).into_any()),
        _ => None,
    };
    let stage_name = deal.stage_name.clone();
    let deal = StoredValue::new(deal);
    let cell = move |field: DealField, label: Label, shown: ViewFn| {
        if can_edit {
            view! { <EditCell deal field label shown live /> }.into_any()
        } else {
            shown.run()
        }
    };
    view! {
        <tr>
            <th scope="row">
                <a href=href>{title.clone()}</a>
                {cell(DealField::Title, |l| td_string!(l, deals.deal_title).to_string(), ViewFn::from(|| "✎"))}
            </th>
            <td>{company}</td>
            <td class="num">{cell(DealField::Value, |l| td_string!(l, deals.value).to_string(), ViewFn::from(move || value.clone()))}</td>
            <td>
                {if open && can_edit {
                    view! { <StageCell deal stages live /> }.into_any()
                } else {
                    view! { {stage_name} {status.map(|s| view! { " · " {s} })} }.into_any()
                }}
            </td>
            <td>{owner}</td>
            <td>{cell(DealField::Close, |l| td_string!(l, deals.close_date).to_string(), ViewFn::from(move || match close {
                Some(date) => view! { <LocalDate date short=true /> }.into_any(),
                None => "—".into_any(),
            }))}</td>
            <td class="num">
                {cell(DealField::Probability, |l| td_string!(l, deals.probability).to_string(), ViewFn::from(move || view! {
                    {probability.clone()}
                    {default.then(|| view! { <span class="muted">" ("{t!(i18n, deals.stage_default)}")"</span> })}
                }))}
            </td>
            <td><LocalDate date=updated short=true /></td>
        </tr>
    }
}

/// "Title: Pilot": names a cell's control after its column and its deal.
fn cell_name(i18n: I18nContext<Locale>, label: Label, deal: StoredValue<Deal>) -> String {
    format!(
        "{}: {}",
        label(i18n.get_locale()),
        deal.with_value(|d| d.title.clone())
    )
}

/// A value that turns into an input when pressed: Enter or leaving the field saves, Escape cancels.
/// A value the form refuses is named at the field and never sent.
#[component]
fn EditCell(
    deal: StoredValue<Deal>,
    field: DealField,
    label: Label,
    shown: ViewFn,
    live: Live,
) -> impl IntoView {
    let i18n = use_i18n();
    let editing = RwSignal::new(false);
    let pending = RwSignal::new(false);
    let error = RwSignal::new(None::<AppError>);
    let input = NodeRef::<leptos::html::Input>::new();
    let name = move || cell_name(i18n, label, deal);
    let stored = move || deal.with_value(|d| field.get(&DealInput::from(d)).to_string());
    let error_id = move || format!("{}-{}-error", field.key(), deal.with_value(|d| d.id.0));
    let save = move || {
        if !editing.get_untracked() || pending.get_untracked() {
            return;
        }
        let raw = input.get_untracked().map(|i| i.value()).unwrap_or_default();
        // A date shown in the UI's language is unchanged when it reads as the stored day.
        let same_day = field == DealField::Close
            && parse_date(&raw).is_some_and(|d| Some(d) == parse_date(&stored()));
        if raw.trim() == stored() || same_day {
            editing.set(false);
            error.set(None);
            return;
        }
        let d = deal.get_value();
        let form = field.with(&d, raw);
        if let Err(e) = form.parse() {
            error.set(Some(e));
            return;
        }
        pending.set(true);
        live.send(
            d.id,
            d.version,
            update_deal(d.id, d.version, form),
            move |e| {
                pending.set(false);
                error.set(Some(e));
            },
        );
    };
    let on_key = move |ev: leptos::ev::KeyboardEvent| match ev.key().as_str() {
        "Enter" => {
            ev.prevent_default();
            save();
        }
        "Escape" => {
            ev.prevent_default();
            error.set(None);
            editing.set(false);
        }
        _ => {}
    };
    input.on_load(|i| {
        let _ = i.focus();
        i.select();
    });
    let mode = match field {
        DealField::Value | DealField::Probability => Some("decimal"),
        _ => None,
    };
    let maxlength = match field {
        DealField::Title => Some(crate::deals::model::TITLE_MAX),
        DealField::Close => Some(DATE_INPUT_MAX as u32),
        _ => None,
    };
    let why = move || {
        error.get().map(|e| match e.field(field.key()) {
            Some(w) => invalid_text(i18n, w),
            None => error_text(i18n, &e),
        })
    };
    let currency = (field == DealField::Value).then(|| deal.with_value(|d| d.currency.clone()));
    view! {
        <Show
            when=move || editing.get()
            fallback=move || view! {
                <button type="button" class="cell-edit" aria-label=name title=move || t_string!(i18n, list.edit) on:click=move |_| editing.set(true)>
                    {shown.run()}
                </button>
            }
        >
            <span class="cell-editor">
                <input
                    node_ref=input
                    type="text"
                    inputmode=mode
                    maxlength=maxlength
                    value=move || match field {
                        DealField::Close => shown_value(i18n.get_locale_untracked(), &stored()),
                        _ => stored(),
                    }
                    aria-label=name
                    aria-invalid=move || error.with(Option::is_some).then_some("true")
                    aria-describedby=error_id
                    disabled=move || pending.get()
                    on:keydown=on_key
                    on:blur=move |_| save()
                />
                {currency.clone().map(|c| view! { <span class="muted">{c}</span> })}
            </span>
            <p class="field-error" id=error_id role="alert">{why}</p>
        </Show>
    }
}

/// The deal's stage as a picker: choosing one moves the deal to the end of that stage.
#[component]
fn StageCell(
    deal: StoredValue<Deal>,
    stages: StoredValue<Vec<(StageId, String)>>,
    live: Live,
) -> impl IntoView {
    let i18n = use_i18n();
    let pending = RwSignal::new(false);
    let select = NodeRef::<leptos::html::Select>::new();
    let current = deal.with_value(|d| d.stage_id);
    let on_change = move |_| {
        let d = deal.get_value();
        let chosen = select
            .get_untracked()
            .map(|s| s.value())
            .unwrap_or_default();
        let Some(stage) = stages.with_value(|s| {
            s.iter()
                .map(|(id, _)| *id)
                .find(|id| id.0.to_string() == chosen)
        }) else {
            return;
        };
        pending.set(true);
        let to = MoveTo {
            stage,
            after: None,
            before: None,
        };
        let call = async move {
            move_deal(d.id, d.version, to, Some(crate::pwa::write_key()))
                .await
                .map(|c| c.version)
        };
        live.send(d.id, d.version, call, move |e| {
            pending.set(false);
            // Back to the stored stage, and the reason above the table.
            if let Some(s) = select.get_untracked() {
                s.set_value(&d.stage_id.0.to_string());
            }
            live.failure.set(Some(e));
        });
    };
    view! {
        <select node_ref=select aria-label=move || cell_name(i18n, |l| td_string!(l, deals.stage).to_string(), deal) disabled=move || pending.get() on:change=on_change>
            {stages.with_value(|s| s.iter().map(|(id, n)| view! {
                <option value=id.0.to_string() selected={*id == current}>{n.clone()}</option>
            }).collect_view())}
        </select>
    }
}
