//! The board's toolbar, one row: the pipelines as a menu, whose deals, board or table, the search
//! with its button, and the close-date and value ranges in a "Filters" menu that counts those on;
//! links and a GET form. On the board, a "?" menu repeats how to move cards.
use leptos::prelude::*;
use leptos_router::components::A;

use crate::deals::board::model::{BoardFilter, board_href};
use crate::deals::model::{PipelineId, PipelineRef, TableQuery};
use crate::error::AppError;
use crate::i18n::*;
use crate::ui::{Menu, Toolbar};

#[component]
pub(super) fn BoardToolbar(
    pipelines: Vec<PipelineRef>,
    current: Option<PipelineId>,
    filter: BoardFilter,
    /// The table's query when the deals are shown as a table.
    table: Option<TableQuery>,
    error: Option<AppError>,
) -> impl IntoView {
    let i18n = use_i18n();
    let pipeline = current.map(|p| p.0.to_string()).unwrap_or_default();
    let href = |p: &str, f: &BoardFilter| board_href(p, f, table.as_ref());
    let as_board = board_href(&pipeline, &filter, None);
    let as_table = board_href(&pipeline, &filter, Some(&table.clone().unwrap_or_default()));
    let is_table = table.is_some();
    let status = table.as_ref().map(|t| t.status.clone());
    let (sort, desc) = table
        .as_ref()
        .map(|t| (t.sort.clone(), if t.desc { "1" } else { "" }))
        .unwrap_or_default();
    let whose = |owner: &str| BoardFilter {
        owner: owner.into(),
        ..filter.clone()
    };
    let (mine, all) = (href(&pipeline, &whose("me")), href(&pipeline, &whose("")));
    let is_mine = filter.owner == "me";
    let error = Signal::stored(error);
    let field = |key: &'static str,
                 id: &'static str,
                 kind: &'static str,
                 value: String,
                 label: AnyView| {
        let input = if kind == "date" {
            view! { <crate::ui::DateInput id=id name=key value describedby=format!("{id}-error") /> }.into_any()
        } else {
            view! { <input id=id name=key type=kind inputmode="decimal" value=value aria-describedby=format!("{id}-error") /> }.into_any()
        };
        view! {
            <div class="filter">
                <label for=id>{label}</label>
                {input}
                <crate::ui::FieldError id=format!("{id}-error") field=key error />
            </div>
        }
    };
    // The ranges sit in a menu, so the toolbar stays one line; it opens by itself to show a
    // refused value.
    let ranges = filter.active_ranges();
    let open = error.with_untracked(Option::is_some);
    let cleared = href(&pipeline, &filter.without_ranges());
    let filters_label = ViewFn::from(move || {
        view! {
            {t!(i18n, list.filters)}
            {(ranges > 0).then(|| view! {
                <span class="badge count-badge">{ranges}<span class="visually-hidden">" "{t!(i18n, list.filters_on)}</span></span>
            })}
        }
    });
    let current_name = pipelines
        .iter()
        .find(|p| Some(p.id) == current)
        .map(|p| p.name.clone())
        .unwrap_or_default();
    let range_fields = view! {
        <div class="filters-grid">
            {field("close_from", "board-close-from", "date", filter.close_from.clone(), t!(i18n, pipeline.close_from).into_any())}
            {field("close_to", "board-close-to", "date", filter.close_to.clone(), t!(i18n, pipeline.close_to).into_any())}
            {field("min_value", "board-min-value", "text", filter.min_value.clone(), t!(i18n, pipeline.min_value).into_any())}
            {field("max_value", "board-max-value", "text", filter.max_value.clone(), t!(i18n, pipeline.max_value).into_any())}
        </div>
    };
    let has_pipelines = !pipelines.is_empty();
    let pipeline_links = pipelines
        .into_iter()
        .map(|p| {
            let active = Some(p.id) == current;
            view! {
                <A href=href(&p.id.0.to_string(), &filter) attr:class=if active { "view active" } else { "view" } attr:aria-current=active.then_some("page")>
                    {p.name}
                </A>
            }
        })
        .collect_view();
    let pipelines_label = ViewFn::from(move || {
        view! {
            <span class="visually-hidden">{t!(i18n, pipeline.pipelines)}": "</span>
            <span class="pipeline-name">{current_name.clone()}</span>
        }
    });
    view! {
        <Toolbar class="board-toolbar">
            {has_pipelines.then(move || view! {
                <Menu label=pipelines_label class="views-menu pipelines-menu">
                    <nav class="views" aria-label=move || t_string!(i18n, pipeline.pipelines)>{pipeline_links}</nav>
                </Menu>
            })}
            <nav class="views segmented-links" aria-label=move || t_string!(i18n, pipeline.whose)>
                <A href=all attr:class=if is_mine { "view" } else { "view active" }>{t!(i18n, list.owner_all)}</A>
                <A href=mine attr:class=if is_mine { "view active" } else { "view" }>{t!(i18n, list.owner_me)}</A>
            </nav>
            <nav class="views segmented-links" aria-label=move || t_string!(i18n, pipeline.view_as)>
                <A href=as_board attr:class=if is_table { "view" } else { "view active" } attr:aria-current=(!is_table).then_some("page")>{t!(i18n, deals.board)}</A>
                <A href=as_table attr:class=if is_table { "view active" } else { "view" } attr:aria-current=is_table.then_some("page")>{t!(i18n, deals.table)}</A>
            </nav>
            <form method="GET" action="/pipeline" class="list-filters board-filters" role="search">
                <input type="hidden" name="pipeline" value=pipeline />
                <input type="hidden" name="owner" value=filter.owner.clone() />
                {status.map(|status| view! {
                    <input type="hidden" name="view" value="table" />
                    <input type="hidden" name="sort" value=sort />
                    <input type="hidden" name="desc" value=desc />
                    <label for="table-status" class="visually-hidden">{t!(i18n, deals.status)}</label>
                    <select id="table-status" name="status" aria-describedby="table-status-error">
                        {[("", 0u8), ("won", 1), ("lost", 2), ("all", 3)].into_iter().map(|(v, n)| view! {
                            <option value=v selected=status == v>
                                {match n {
                                    0 => t!(i18n, deals.status_open).into_any(),
                                    1 => t!(i18n, pipeline.won).into_any(),
                                    2 => t!(i18n, pipeline.lost).into_any(),
                                    _ => t!(i18n, list.status_all).into_any(),
                                }}
                            </option>
                        }).collect_view()}
                    </select>
                    <crate::ui::FieldError id="table-status-error" field="status" error />
                })}
                <div class="list-search">
                    <label for="board-q" class="visually-hidden">{t!(i18n, pipeline.search)}</label>
                    <input id="board-q" type="search" name="q" maxlength=crate::records::fields::SEARCH_MAX value=filter.q.clone() placeholder=move || t_string!(i18n, pipeline.search) />
                    <button type="submit">{t!(i18n, list.apply)}</button>
                </div>
                <Menu label=filters_label class="filters-menu" open=open>
                    <fieldset class="plain">
                        <legend class="visually-hidden">{t!(i18n, pipeline.more_filters)}</legend>
                        {range_fields}
                    </fieldset>
                    <div class="menu-actions">
                        <a href=cleared class="button">{t!(i18n, list.clear_filters)}</a>
                        <button type="submit" class="primary">{t!(i18n, list.apply_filters)}</button>
                    </div>
                </Menu>
            </form>
            {(!is_table).then(|| view! {
                <div class="toolbar-end">
                    <Menu label=ViewFn::from(|| "?") aria_label=move || t_string!(i18n, pipeline.help_label).to_string() class="menu-end help-menu">
                        <p>{t!(i18n, pipeline.help)}</p>
                    </Menu>
                </div>
            })}
        </Toolbar>
    }
}
