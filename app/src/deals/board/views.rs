//! The pipeline page (`/pipeline`): the board or the deals table of a pipeline under the toolbar, and
//! what it shares with the layer above that keeps it live (`BoardWatch`). Its parts: the toolbar,
//! the board's columns and moves (`board_view`, arithmetic in `moves`), a column, a card's menu of
//! actions, the lost dialog.
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::api::load_board;
use super::model::{Board, BoardFilter, DealCard, board_href};
use crate::deals::api::deal_table;
use crate::deals::model::{DealId, PipelineId, StageId};
use crate::deals::model::{DealTablePage, TableQuery};
use crate::error::AppError;
use crate::i18n::*;
use crate::pwa::kept::kept_key;
use crate::ui::{ErrorMessage, Menu, PageHeader};

mod board_view;
mod card_menu;
mod column;
mod lost;
mod toolbar;

use board_view::BoardView;
use toolbar::BoardToolbar;

/// What the pipeline page shows, and the signal that loads it again: the layer above that reads
/// the live event stream holds a copy, and reloads the page when an event concerns what it shows.
#[derive(Clone, Copy)]
pub struct BoardWatch {
    /// The pipeline shown, once loaded.
    pub shown: StoredValue<Option<PipelineId>>,
    /// The deals shown (id, version), and the versions the user's own changes will have.
    pub known: StoredValue<Vec<(DealId, i32)>>,
    /// Bumped by live events and conflicts: the page loads again.
    pub refresh: RwSignal<u32>,
}

impl BoardWatch {
    pub fn new() -> Self {
        BoardWatch {
            shown: StoredValue::new(None),
            known: StoredValue::new(Vec::new()),
            refresh: RwSignal::new(0),
        }
    }

    /// Loads the page again.
    pub fn reload(&self) {
        self.refresh.update(|n| *n += 1);
    }
}

impl Default for BoardWatch {
    fn default() -> Self {
        Self::new()
    }
}

/// The pipeline page: the board of a pipeline or the same deals as a table, with its toolbar and
/// "New deal". `watch` is how the layer above keeps it live (see `BoardWatch`).
/// A move or close about to be sent bumps the deal's version by one. Its live event may arrive
/// before the answer, so the board knows that version already and does not reload for it.
fn expect_own_change(known: StoredValue<Vec<(DealId, i32)>>, card: &DealCard) {
    known.update_value(|k| k.push((card.id, card.version + 1)));
}

/// The pipeline page; `actions` are the header's extra actions, handed by the shell (the import
/// link).
#[component]
pub fn PipelinePage(
    watch: BoardWatch,
    #[prop(optional, into)] actions: Option<ViewFn>,
) -> impl IntoView {
    let i18n = use_i18n();
    let params = use_query_map();
    let pipeline = Memo::new(move |_| {
        params
            .read()
            .get("pipeline")
            .and_then(|s| uuid::Uuid::parse_str(&s).ok())
            .map(PipelineId)
    });
    let filter = Memo::new(move |_| BoardFilter::from_query(|k| params.read().get(k)));
    // The same deals as a table (`view=table`), with its status, order and page.
    let table = Memo::new(move |_| {
        let p = params.read();
        (p.get("view").as_deref() == Some("table")).then(|| TableQuery::from_query(|k| p.get(k)))
    });
    let BoardWatch {
        shown: shown_pipeline,
        known,
        refresh,
    } = watch;
    // Why the last move was refused; kept across the reload that a conflict causes.
    let failure = RwSignal::new(None::<AppError>);
    // The shown pipeline's stages, for "New deal".
    let stages = RwSignal::new(Vec::<(StageId, String)>::new());
    let keep_first = crate::pwa::kept::KeepFirst::new();
    let data = crate::ui::page_resource(
        move || (pipeline.get(), filter.get(), table.get(), refresh.get()),
        |(p, f, t, _)| {
            // Kept on this device, for opening offline.
            let key = kept_key("pipeline", &(p, &f, &t));
            crate::pwa::kept::or_kept(key, async move {
                match t {
                    Some(q) => deal_table(p, f, q).await.map(Shown::Table),
                    None => load_board(p, f).await.map(Shown::Board),
                }
            })
        },
    );
    let more_label = ViewFn::from(move || t!(i18n, list.more));
    view! {
        <PageHeader title=move || t_string!(i18n, pipeline.title)>
            {actions.map(|a| view! { <Menu label=more_label class="menu-end more-menu">{a.run()}</Menu> })}
            // Outside the board, so that live reloads of the board leave a half-typed deal alone.
            <crate::deals::views::NewDeal stages on_created=Callback::new(move |_| refresh.update(|n| *n += 1)) />
        </PageHeader>
        <Transition fallback=|| view! { <div class="skeleton" aria-busy="true"></div> }>
            {move || Suspend::new(async move {
                let f = filter.get_untracked();
                let t = table.get_untracked();
                let shown = data.await;
                if let Ok(s) = &shown {
                    keep_first.remember(&kept_key("pipeline", &(pipeline.get_untracked(), &f, &t)), s);
                }
                match shown {
                    Ok(Shown::Board(b)) => {
                        shown_pipeline.set_value(Some(b.pipeline.id));
                        known.set_value(b.columns.iter().flat_map(|c| c.cards.iter().map(|d| (d.id, d.version))).collect());
                        stages.set(b.columns.iter().map(|c| (c.id, c.name.clone())).collect());
                        let empty = b.columns.iter().all(|c| c.count == 0)
                            .then(|| view! { <EmptyBoard pipeline=b.pipeline.id filtered=f != BoardFilter::default() /> });
                        view! {
                            <BoardToolbar pipelines=b.pipelines.clone() current=Some(b.pipeline.id) filter=f.clone() table=None error=None />
                            {empty}
                            <BoardView filter=f board=b refresh known failure />
                        }.into_any()
                    }
                    Ok(Shown::Table(d)) => {
                        shown_pipeline.set_value(Some(d.pipeline.id));
                        known.set_value(d.page.rows.iter().map(|r| (r.id, r.version)).collect());
                        stages.set(d.stages.clone());
                        let q = t.unwrap_or_default();
                        view! {
                            <BoardToolbar pipelines=d.pipelines.clone() current=Some(d.pipeline.id) filter=f.clone() table=Some(q.clone()) error=None />
                            <ErrorMessage error=Signal::derive(move || failure.get()) />
                            <crate::deals::table::DealTable data=d query=q filter=f refresh known failure />
                        }.into_any()
                    }
                    // A filter that is not a date or an amount: the filters again, with the reason.
                    Err(e @ AppError::Validation { .. }) => view! {
                        <BoardToolbar pipelines=Vec::new() current=pipeline.get_untracked() filter=f table=t error=Some(e) />
                    }.into_any(),
                    Err(AppError::Network) => view! { <crate::pwa::OfflineNotice /> }.into_any(),
                    Err(e) => view! { <ErrorMessage error=Signal::stored(Some(e)) /> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// Above a board without a deal: where the first ones come from, or (when a filter hides them
/// all) the way back to the whole board.
#[component]
fn EmptyBoard(pipeline: PipelineId, filtered: bool) -> impl IntoView {
    let i18n = use_i18n();
    if filtered {
        let all = board_href(&pipeline.0.to_string(), &BoardFilter::default(), None);
        return view! {
            <div class="empty-state board-empty" role="status">
                <p class="empty-title">{t!(i18n, pipeline.none)}</p>
                <a href=all class="button">{t!(i18n, list.clear_filters)}</a>
            </div>
        }
        .into_any();
    }
    view! {
        <div class="empty-state board-empty" role="status">
            <p class="empty-title">{t!(i18n, pipeline.empty_title)}</p>
            <p class="muted">{t!(i18n, pipeline.empty_hint)}</p>
            <div class="page-actions">
                <a href="/deals/import" class="button">{t!(i18n, pipeline.empty_import)}</a>
            </div>
        </div>
    }
    .into_any()
}

/// What the pipeline page shows: the board, or the same deals as a table.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
enum Shown {
    Board(Board),
    Table(DealTablePage),
}
