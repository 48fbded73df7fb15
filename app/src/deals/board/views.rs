//! The pipeline board: stage columns of deal cards moved by pointer (mouse, touch, pen), by
//! keyboard, or through a "Move to…" menu; optimistic moves with rollback; live updates.
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use super::api::{CloseDeal, close_deal, column_page, load_board, move_deal};
use super::dom::{self, Target};
use super::model::{Board, BoardColumn, BoardFilter, COLUMN_PAGE, DealCard, MoveTo, board_href};
use crate::deals::api::deal_table;
use crate::deals::model::{DealId, PipelineId, PipelineRef, StageId};
use crate::deals::model::{DealTablePage, TableQuery};
use crate::error::AppError;
use crate::i18n::*;
use crate::money::Money;
use crate::pwa::kept::kept_key;
use crate::ui::ErrorMessage;
use crate::ui::window_listener;

/// How long a finger must rest on a card before it lifts (so that a swipe still scrolls).
const HOLD_MS: u64 = 300;

#[component]
pub fn PipelinePage() -> impl IntoView {
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
    // Bumped by live events and conflicts: the board loads again.
    let refresh = RwSignal::new(0u32);
    // Why the last move was refused; kept across the reload that a conflict causes.
    let failure = RwSignal::new(None::<AppError>);
    // The shown pipeline's stages, for "New deal".
    let stages = RwSignal::new(Vec::<(StageId, String)>::new());
    let keep_first = crate::pwa::kept::KeepFirst::new();
    let data = Resource::new(
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
    // Live: every change anyone makes to a deal of this pipeline reloads it (unless it is our own,
    // already shown); after a dropped stream, reload once, since events sent meanwhile are lost.
    let known = StoredValue::new(Vec::<(DealId, i32)>::new());
    let shown_pipeline = StoredValue::new(None::<PipelineId>);
    #[cfg(feature = "hydrate")]
    Effect::new(move |prev: Option<()>| {
        if prev.is_none() {
            let source = dom::subscribe(
                move |data| match serde_json::from_str::<super::model::LiveEvent>(&data) {
                    Ok(e) => {
                        let shown = shown_pipeline.get_value();
                        if known.with_value(|k| e.reloads(shown, k)) {
                            refresh.update(|n| *n += 1);
                        }
                    }
                    // A server of another release may speak differently: reload to be sure.
                    Err(_) => refresh.update(|n| *n += 1),
                },
                move || refresh.update(|n| *n += 1),
            );
            if let Some(source) = source {
                on_cleanup(move || source.close());
            }
        }
    });
    view! {
        <header class="page-header">
            <h1>{t!(i18n, pipeline.title)}</h1>
            {crate::imports::views::import_link(crate::imports::model::ImportKind::Deals)}
            // Outside the board, so that live reloads of the board leave a half-typed deal alone.
            <crate::deals::views::NewDeal stages on_created=Callback::new(move |_| refresh.update(|n| *n += 1)) />
        </header>
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
                        view! {
                            <BoardToolbar pipelines=b.pipelines.clone() current=Some(b.pipeline.id) filter=f.clone() table=None error=None />
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

/// What the pipeline page shows: the board, or the same deals as a table.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
enum Shown {
    Board(Board),
    Table(DealTablePage),
}

#[component]
fn BoardToolbar(
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
        let mode = if kind == "date" {
            None
        } else {
            Some("decimal")
        };
        view! {
            <div class="filter">
                <label for=id>{label}</label>
                <input id=id name=key type=kind inputmode=mode value=value aria-describedby=format!("{id}-error") />
                <crate::ui::FieldError id=format!("{id}-error") field=key error />
            </div>
        }
    };
    // The ranges sit in a disclosure, so the toolbar stays one line; it opens by itself to show
    // a refused value.
    let ranges = [
        &filter.close_from,
        &filter.close_to,
        &filter.min_value,
        &filter.max_value,
    ]
    .into_iter()
    .filter(|v| !v.is_empty())
    .count();
    let open = error.with_untracked(Option::is_some);
    view! {
        <div class="board-toolbar">
            <nav class="views" aria-label=move || t_string!(i18n, pipeline.pipelines)>
                {pipelines.into_iter().map(|p| {
                    let active = Some(p.id) == current;
                    view! {
                        <A href=href(&p.id.0.to_string(), &filter) attr:class=if active { "view active" } else { "view" } attr:aria-current=active.then_some("page")>
                            {p.name}
                        </A>
                    }
                }).collect_view()}
            </nav>
            <nav class="views" aria-label=move || t_string!(i18n, pipeline.whose)>
                <A href=all attr:class=if is_mine { "view" } else { "view active" }>{t!(i18n, list.owner_all)}</A>
                <A href=mine attr:class=if is_mine { "view active" } else { "view" }>{t!(i18n, list.owner_me)}</A>
            </nav>
            <nav class="views" aria-label=move || t_string!(i18n, pipeline.view_as)>
                <A href=as_board attr:class=if is_table { "view" } else { "view active" } attr:aria-current=(!is_table).then_some("page")>{t!(i18n, deals.board)}</A>
                <A href=as_table attr:class=if is_table { "view active" } else { "view" } attr:aria-current=is_table.then_some("page")>{t!(i18n, deals.table)}</A>
            </nav>
            <form method="GET" action="/pipeline" class="filters" role="search">
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
                <label for="board-q" class="visually-hidden">{t!(i18n, pipeline.search)}</label>
                <input id="board-q" type="search" name="q" maxlength=crate::records::fields::SEARCH_MAX value=filter.q.clone() placeholder=move || t_string!(i18n, pipeline.search) />
                <details class="columns ranges" open=open>
                    <summary>
                        {t!(i18n, pipeline.more_filters)}
                        {(ranges > 0).then(|| view! { " (" {ranges} ")" })}
                    </summary>
                    <fieldset aria-label=move || t_string!(i18n, pipeline.more_filters)>
                        {field("close_from", "board-close-from", "date", filter.close_from.clone(), t!(i18n, pipeline.close_from).into_any())}
                        {field("close_to", "board-close-to", "date", filter.close_to.clone(), t!(i18n, pipeline.close_to).into_any())}
                        {field("min_value", "board-min-value", "text", filter.min_value.clone(), t!(i18n, pipeline.min_value).into_any())}
                        {field("max_value", "board-max-value", "text", filter.max_value.clone(), t!(i18n, pipeline.max_value).into_any())}
                    </fieldset>
                </details>
                <button type="submit">{t!(i18n, list.apply)}</button>
            </form>
        </div>
    }
}

/// A drag in progress: the card, where the pointer is, where it would land.
#[derive(Clone, Debug, PartialEq)]
struct Dragging {
    card: DealCard,
    x: f64,
    y: f64,
    /// The pointer's offset within the card, and the card's width (for the ghost).
    dx: f64,
    dy: f64,
    width: f64,
    target: Option<Target>,
}

/// A press that may become a drag (after moving a little with a mouse, after resting with a finger).
#[derive(Clone, Debug)]
struct Press {
    card: DealCard,
    pointer: i32,
    x: f64,
    y: f64,
    touch: bool,
}

/// A keyboard lift: the card and the column and index it would land at.
#[derive(Clone, Debug, PartialEq)]
struct Lifted {
    card: DealCard,
    column: usize,
    index: usize,
}

/// A move or close about to be sent bumps the deal's version by one. Its live event may arrive
/// before the answer, so the board knows that version already and does not reload for it.
fn expect_own_change(known: StoredValue<Vec<(DealId, i32)>>, card: &DealCard) {
    known.update_value(|k| k.push((card.id, card.version + 1)));
}

fn sum_into(totals: &mut Vec<Money>, value: &Money, sign: i64) {
    match totals.iter_mut().find(|m| m.currency == value.currency) {
        Some(m) => m.minor += sign * value.minor,
        None if sign > 0 => totals.push(value.clone()),
        None => {}
    }
    totals.retain(|m| m.minor != 0);
}

/// Takes the card out of its column (figures included); returns it with its old place.
fn take(cols: &mut [BoardColumn], deal: DealId) -> Option<(DealCard, usize, usize)> {
    for (ci, col) in cols.iter_mut().enumerate() {
        if let Some(i) = col.cards.iter().position(|c| c.id == deal) {
            let card = col.cards.remove(i);
            col.count -= 1;
            sum_into(&mut col.totals, &card.value(), -1);
            let weighted = Money {
                minor: card.value_minor * i64::from(col.win_probability) / 100,
                currency: card.currency.clone(),
            };
            sum_into(&mut col.weighted, &weighted, -1);
            return Some((card, ci, i));
        }
    }
    None
}

fn put(cols: &mut [BoardColumn], column: usize, index: usize, mut card: DealCard) {
    let col = &mut cols[column];
    card.stage_id = col.id;
    col.count += 1;
    sum_into(&mut col.totals, &card.value(), 1);
    let weighted = Money {
        minor: card.value_minor * i64::from(col.win_probability) / 100,
        currency: card.currency.clone(),
    };
    sum_into(&mut col.weighted, &weighted, 1);
    let index = index.min(col.cards.len());
    col.cards.insert(index, card);
}

fn money_list(m: &[Money]) -> String {
    if m.is_empty() {
        Money {
            minor: 0,
            currency: "CNY".into(),
        }
        .to_string()
    } else {
        m.iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(" · ")
    }
}

#[component]
fn BoardView(
    /// The board's filters, for loading more cards.
    filter: BoardFilter,
    board: Board,
    refresh: RwSignal<u32>,
    known: StoredValue<Vec<(DealId, i32)>>,
    failure: RwSignal<Option<AppError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let filter = StoredValue::new(filter);
    let cols = RwSignal::new(board.columns);
    let drag = RwSignal::new(None::<Dragging>);
    // The page must not scroll under a finger that is dragging a card.
    Effect::new(move |_| dom::hold_touch_scroll(drag.with(Option::is_some)));
    let press = StoredValue::new(None::<Press>);
    let hold = StoredValue::new(None::<TimeoutHandle>);
    let lifted = RwSignal::new(None::<Lifted>);
    let announce = RwSignal::new(String::new());
    let losing = RwSignal::new(None::<DealCard>);
    // Offline, a move stays on the board and is kept on the device, to be sent later.
    let pwa = use_context::<crate::pwa::Pwa>();
    let user = use_context::<crate::users::model::CurrentUser>().map(|u| u.id.0);
    let keep_move = move |card: &DealCard, to: MoveTo, key: uuid::Uuid| {
        let (Some(pwa), Some(user)) = (pwa, user) else {
            return false;
        };
        let write = crate::pwa::queue::Write::of(&crate::deals::board::api::MoveDeal {
            id: card.id,
            version: card.version,
            to,
            key: Some(key),
        });
        pwa.keep(user, card.title.clone(), write);
        true
    };

    // Moves the card at once, then asks the server; on refusal puts the board back and says why.
    let commit = move |deal: DealId, target: Target| {
        let before = cols.get_untracked();
        let Some(card) = before
            .iter()
            .flat_map(|c| c.cards.iter())
            .find(|c| c.id == deal)
            .cloned()
        else {
            return;
        };
        failure.set(None);
        match target {
            Target::Lost => losing.set(Some(card)),
            Target::Won => {
                cols.update(|c| {
                    take(c, deal);
                });
                announce.set(format!("{}: {}", t_string!(i18n, pipeline.won), card.title));
                expect_own_change(known, &card);
                leptos::task::spawn_local(async move {
                    match close_deal(deal, card.version, true, String::new()).await {
                        Ok(v) => known.update_value(|k| k.push((deal, v))),
                        Err(e) => {
                            cols.set(before);
                            if e == AppError::Conflict {
                                refresh.update(|n| *n += 1)
                            }
                            failure.set(Some(e));
                        }
                    }
                });
            }
            Target::Column(stage, index) => {
                let Some(ci) = before.iter().position(|c| c.id == stage) else {
                    return;
                };
                let mut after = before.clone();
                let Some((card, from_col, from_idx)) = take(&mut after, deal) else {
                    return;
                };
                if from_col == ci && from_idx == index {
                    return;
                }
                let to = MoveTo {
                    stage,
                    after: index
                        .checked_sub(1)
                        .and_then(|i| after[ci].cards.get(i))
                        .map(|c| c.id),
                    before: after[ci].cards.get(index).map(|c| c.id),
                };
                let stage_name = after[ci].name.clone();
                let (position, of) = (
                    index.min(after[ci].cards.len()) + 1,
                    after[ci].cards.len() + 1,
                );
                put(&mut after, ci, index, card.clone());
                cols.set(after);
                announce.set(format!(
                    "{} {}: {} ({position}/{of})",
                    card.title,
                    t_string!(i18n, pipeline.moved_to),
                    stage_name
                ));
                expect_own_change(known, &card);
                // One key for this move, sent now or kept with it: a replay of a move whose
                // answer was lost is then answered with the first result.
                let key = crate::pwa::write_key();
                if pwa.is_some_and(|p| p.offline()) && keep_move(&card, to.clone(), key) {
                    return;
                }
                leptos::task::spawn_local(async move {
                    match move_deal(deal, card.version, to.clone(), Some(key)).await {
                        Ok(stored) => {
                            known.update_value(|k| k.push((deal, stored.version)));
                            cols.update(|c| {
                                if let Some(slot) = c
                                    .iter_mut()
                                    .flat_map(|c| c.cards.iter_mut())
                                    .find(|c| c.id == deal)
                                {
                                    *slot = stored;
                                }
                            });
                        }
                        Err(AppError::Network) if keep_move(&card, to, key) => {}
                        Err(e) => {
                            cols.set(before);
                            if e == AppError::Conflict {
                                refresh.update(|n| *n += 1)
                            }
                            failure.set(Some(e));
                        }
                    }
                    // After the board has re-rendered the card.
                    set_timeout(
                        move || dom::focus_card(deal),
                        std::time::Duration::from_millis(30),
                    );
                });
            }
        }
    };

    // The next cards of a column, after the last one shown.
    let more = move |ci: usize| {
        let Some((stage, last)) = cols.with_untracked(|cs| {
            cs.get(ci)
                .and_then(|c| Some((c.id, c.cards.last()?.clone())))
        }) else {
            return;
        };
        let filter = filter.get_value();
        leptos::task::spawn_local(async move {
            match column_page(stage, last.rank, last.id, filter).await {
                Ok(next) => cols.update(|cs| {
                    if let Some(c) = cs.iter_mut().find(|c| c.id == stage) {
                        c.more = next.len() as i64 >= COLUMN_PAGE;
                        c.cards.extend(next);
                    }
                }),
                Err(e) => failure.set(Some(e)),
            }
        });
    };
    let cancel_press = move || {
        press.set_value(None);
        if let Some(h) = hold.get_value() {
            h.clear();
        }
        hold.set_value(None);
    };
    let start_drag = move |p: &Press, x: f64, y: f64| {
        let (dx, dy, width) = dom::card_box(p.card.id, p.x, p.y);
        drag.set(Some(Dragging {
            card: p.card.clone(),
            x,
            y,
            dx,
            dy,
            width,
            target: dom::target_at(x, y, p.card.id),
        }));
        announce.set(format!(
            "{}: {}",
            t_string!(i18n, pipeline.lifted),
            p.card.title
        ));
    };
    let on_down = move |ev: leptos::ev::PointerEvent, card: DealCard| {
        if !ev.is_primary() || ev.button() > 0 || drag.get_untracked().is_some() {
            return;
        }
        let touch = ev.pointer_type() != "mouse";
        let p = Press {
            card,
            pointer: ev.pointer_id(),
            x: f64::from(ev.client_x()),
            y: f64::from(ev.client_y()),
            touch,
        };
        if touch {
            let held = p.clone();
            hold.set_value(
                set_timeout_with_handle(
                    move || {
                        if press
                            .with_value(|p| p.as_ref().is_some_and(|p| p.pointer == held.pointer))
                        {
                            start_drag(&held, held.x, held.y);
                        }
                    },
                    std::time::Duration::from_millis(HOLD_MS),
                )
                .ok(),
            );
        }
        press.set_value(Some(p));
    };
    let on_move = move |ev: leptos::ev::PointerEvent| {
        let (x, y) = (f64::from(ev.client_x()), f64::from(ev.client_y()));
        if let Some(d) = drag.get_untracked() {
            ev.prevent_default();
            dom::autoscroll(x, y);
            let target = dom::target_at(x, y, d.card.id);
            drag.set(Some(Dragging { x, y, target, ..d }));
            return;
        }
        let Some(p) = press.get_value() else { return };
        if p.pointer != ev.pointer_id() {
            return;
        }
        let moved = (x - p.x).abs().max((y - p.y).abs());
        if p.touch && moved > 8.0 {
            cancel_press(); // a swipe: let the board scroll
        } else if !p.touch && moved > 5.0 {
            cancel_press();
            start_drag(&p, x, y);
        }
    };
    let on_up = move |ev: leptos::ev::PointerEvent| {
        cancel_press();
        if let Some(d) = drag.get_untracked() {
            drag.set(None);
            // Where the pointer is let go decides, even if the last move was not handled yet
            // (browsers deliver moves once a frame, a release at once).
            let (x, y) = (f64::from(ev.client_x()), f64::from(ev.client_y()));
            let target = if x > 0.0 || y > 0.0 {
                dom::target_at(x, y, d.card.id)
            } else {
                d.target
            };
            match target {
                Some(t) => commit(d.card.id, t),
                None => announce.set(t_string!(i18n, pipeline.cancelled).to_string()),
            }
        }
    };
    let on_cancel = move |_ev: leptos::ev::PointerEvent| {
        cancel_press();
        if drag.get_untracked().is_some() {
            drag.set(None);
            announce.set(t_string!(i18n, pipeline.cancelled).to_string());
        }
    };
    // The window hears the pointer, not the board: a drag may end over the Won and Lost zones
    // (outside the board) or anywhere else, and must still drop or cancel there. It also hears
    // Escape, which cancels a pointer drag wherever focus is. The listeners go with the board.
    window_listener(leptos::ev::pointermove, on_move);
    window_listener(leptos::ev::pointerup, on_up);
    window_listener(leptos::ev::pointercancel, on_cancel);
    window_listener(leptos::ev::keydown, move |ev| {
        if ev.key() == "Escape" && drag.get_untracked().is_some() {
            drag.set(None);
            cancel_press();
            announce.set(t_string!(i18n, pipeline.cancelled).to_string());
        }
    });

    // Keyboard: Space lifts and drops, arrows move, Escape cancels.
    let on_key = move |ev: leptos::ev::KeyboardEvent, card: DealCard| {
        let key = ev.key();
        let Some(l) = lifted.get_untracked() else {
            if key == " " {
                ev.prevent_default();
                let at = cols.with_untracked(|cs| {
                    cs.iter().enumerate().find_map(|(ci, c)| {
                        c.cards
                            .iter()
                            .position(|d| d.id == card.id)
                            .map(|i| (ci, i))
                    })
                });
                if let Some((column, index)) = at {
                    announce.set(format!(
                        "{}: {}",
                        t_string!(i18n, pipeline.lifted),
                        card.title
                    ));
                    lifted.set(Some(Lifted {
                        card,
                        column,
                        index,
                    }));
                }
            }
            return;
        };
        let n = cols.with_untracked(Vec::len);
        let len = |c: usize| {
            cols.with_untracked(|cs| cs[c].cards.iter().filter(|d| d.id != l.card.id).count())
        };
        let next = match key.as_str() {
            "ArrowLeft" if l.column > 0 => Some((l.column - 1, l.index.min(len(l.column - 1)))),
            "ArrowRight" if l.column + 1 < n => {
                Some((l.column + 1, l.index.min(len(l.column + 1))))
            }
            "ArrowUp" if l.index > 0 => Some((l.column, l.index - 1)),
            "ArrowDown" if l.index < len(l.column) => Some((l.column, l.index + 1)),
            " " | "Enter" => {
                ev.prevent_default();
                lifted.set(None);
                let stage = cols.with_untracked(|cs| cs[l.column].id);
                commit(l.card.id, Target::Column(stage, l.index));
                return;
            }
            "Escape" => {
                lifted.set(None);
                announce.set(t_string!(i18n, pipeline.cancelled).to_string());
                return;
            }
            _ => None,
        };
        if key.starts_with("Arrow") {
            ev.prevent_default();
        }
        if let Some((column, index)) = next {
            let name = cols.with_untracked(|cs| cs[column].name.clone());
            announce.set(format!(
                "{}: {} ({}/{})",
                t_string!(i18n, pipeline.over),
                name,
                index + 1,
                len(column) + 1
            ));
            lifted.set(Some(Lifted { column, index, ..l }));
        }
    };

    // Where the placeholder stands: before the card at `index` of the column (or at its end).
    // Memos: a pointer move changes the drag's position many times a second, but these only when
    // the card or its landing place changes, so the cards that read them rarely re-run.
    let placeholder = Memo::new(move |_| -> Option<(StageId, usize, DealId)> {
        if let Some(d) = drag.get() {
            if let Some(Target::Column(stage, index)) = d.target {
                return Some((stage, index, d.card.id));
            }
            return None;
        }
        lifted
            .get()
            .map(|l| (cols.with(|cs| cs[l.column].id), l.index, l.card.id))
    });
    let dragged = Memo::new(move |_| {
        drag.with(|d| d.as_ref().map(|d| d.card.id))
            .or_else(|| lifted.with(|l| l.as_ref().map(|l| l.card.id)))
    });

    let columns =
        move || cols.with(|cs| cs.iter().enumerate().map(|(ci, _)| ci).collect::<Vec<_>>());
    let ghost = Memo::new(move |_| drag.with(|d| d.as_ref().map(|d| (d.card.clone(), d.width))));
    let is_dragging = Memo::new(move |_| drag.with(Option::is_some));
    view! {
        <p class="visually-hidden" aria-live="assertive" role="status">{move || announce.get()}</p>
        <ErrorMessage error=Signal::derive(move || failure.get()) />
        <p class="board-help" id="board-help">{t!(i18n, pipeline.help)}</p>
        <div class="board" class:dragging=is_dragging>
            <For each=columns key=move |ci| cols.with_untracked(|cs| cs[*ci].id) let:ci>
                <Column ci cols placeholder=Signal::from(placeholder) dragged=Signal::from(dragged) on_down on_key commit more />
            </For>
        </div>
        <div class="drop-zones" class:visible=is_dragging aria-hidden="true">
            <div class="drop-zone won" data-drop="won" class:over=move || drag.with(|d| d.as_ref().is_some_and(|d| d.target == Some(Target::Won)))>
                {t!(i18n, pipeline.won)}
            </div>
            <div class="drop-zone lost" data-drop="lost" class:over=move || drag.with(|d| d.as_ref().is_some_and(|d| d.target == Some(Target::Lost)))>
                {t!(i18n, pipeline.lost)}
            </div>
        </div>
        // Made once per drag; each move only changes its transform, which needs no layout (with a
        // thousand cards in a column, a fresh ghost per move cost a full layout each time).
        {move || ghost.get().map(|(card, width)| view! {
            <div
                class="card ghost"
                aria-hidden="true"
                style:width=format!("{width}px")
                style:transform=move || drag.with(|d| d.as_ref().map(|d| format!("translate({}px,{}px)", d.x - d.dx, d.y - d.dy)).unwrap_or_default())
            >
                <CardBody card />
            </div>
        })}
        {move || losing.get().map(|card| view! { <LostDialog card cols losing failure refresh known /> })}
    }
}

#[component]
fn Column(
    ci: usize,
    cols: RwSignal<Vec<BoardColumn>>,
    placeholder: Signal<Option<(StageId, usize, DealId)>>,
    dragged: Signal<Option<DealId>>,
    on_down: impl Fn(leptos::ev::PointerEvent, DealCard) + Copy + Send + Sync + 'static,
    on_key: impl Fn(leptos::ev::KeyboardEvent, DealCard) + Copy + Send + Sync + 'static,
    commit: impl Fn(DealId, Target) + Copy + Send + Sync + 'static,
    more: impl Fn(usize) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let col =
        move |f: fn(&BoardColumn) -> String| cols.with(|cs| cs.get(ci).map(f).unwrap_or_default());
    let Some((stage, name)) = cols.with_untracked(|cs| cs.get(ci).map(|c| (c.id, c.name.clone())))
    else {
        return ().into_any();
    };
    let heading = format!("stage-{}", stage.0);
    let cards = move || cols.with(|cs| cs.get(ci).map(|c| c.cards.clone()).unwrap_or_default());
    // The card the placeholder stands before (`Some(None)`: at the end of the column), worked out
    // once per pointer move rather than by every card.
    // No gap where the card already stands (its faded self marks the place): a drag that starts
    // must not shift the cards under the pointer.
    let gap = Memo::new(move |_| {
        let (s, index, dragged) = placeholder.get()?;
        if s != stage {
            return None;
        }
        cols.with(|cs| {
            let cards = &cs.get(ci)?.cards;
            if cards.iter().position(|d| d.id == dragged) == Some(index) {
                return None;
            }
            Some(
                cards
                    .iter()
                    .filter(|d| d.id != dragged)
                    .nth(index)
                    .map(|d| d.id),
            )
        })
    });
    let has_more = move || cols.with(|cs| cs.get(ci).is_some_and(|c| c.more));
    view! {
        <section class="column" data-stage=stage.0.to_string() aria-labelledby=heading.clone()>
            <header class="column-head">
                <h2 id=heading.clone()>{name.clone()}</h2>
                <p class="column-figures">
                    <span class="count">{move || col(|c| c.count.to_string())}</span>
                    <span>{move || col(|c| money_list(&c.totals))}</span>
                    <span class="weighted" title=move || t_string!(i18n, pipeline.weighted)>
                        {move || col(|c| format!("≈ {}", money_list(&c.weighted)))}
                    </span>
                </p>
            </header>
            <ol class="cards" role="list" aria-label=name.clone() aria-describedby="board-help">
                <For each=cards key=|c| (c.id, c.version) let:card>
                    {
                        let id = card.id;
                        let (down, key) = (card.clone(), card.clone());
                        view! {
                            <li
                                class="card"
                                class:gap-before=move || gap.get() == Some(Some(id))
                                class:dragging=move || dragged.get() == Some(id)
                                data-deal=id.0.to_string()
                                tabindex="0"
                                aria-label=card.title.clone()
                                aria-roledescription=move || t_string!(i18n, pipeline.card_role)
                                aria-grabbed=move || (dragged.get() == Some(id)).then_some("true")
                                on:pointerdown=move |ev| on_down(ev, down.clone())
                                on:keydown=move |ev| on_key(ev, key.clone())
                                on:contextmenu=|ev| ev.prevent_default()
                            >
                                <CardBody card=card.clone() />
                                <MoveMenu card=card.clone() cols commit />
                            </li>
                        }
                        .into_any()
                    }
                </For>
                <li class="end-gap" class:visible=move || gap.get() == Some(None) aria-hidden="true"></li>
            </ol>
            <Show when=has_more>
                <button type="button" class="more" on:click=move |_| more(ci)>{t!(i18n, pipeline.more)}</button>
            </Show>
        </section>
    }
    .into_any()
}

#[component]
fn CardBody(card: DealCard) -> impl IntoView {
    let i18n = use_i18n();
    let initial = card
        .owner_name
        .as_deref()
        .and_then(|n| n.chars().next())
        .unwrap_or('?')
        .to_string();
    view! {
        <div class="card-body">
            <strong class="card-title">{card.title.clone()}</strong>
            {card.company_name.clone().map(|c| view! { <span class="muted">{c}</span> })}
            <span class="card-value">{card.value().to_string()}</span>
            <span class="card-meta">
                <span class="avatar small" title=card.owner_name.clone() aria-hidden="true">{initial}</span>
                {card.expected_close_date.map(|d| view! { <span class="muted">{d.format("%Y-%m-%d").to_string()}</span> })}
                {card.rotting.then(|| view! { <span class="badge rotting">{t!(i18n, pipeline.rotting)}</span> })}
                {card.overdue_task.then(|| view! { <span class="badge overdue">{t!(i18n, pipeline.overdue)}</span> })}
            </span>
        </div>
    }
}

/// The path that needs no drag: every stage, Won and Lost.
#[component]
fn MoveMenu(
    card: DealCard,
    cols: RwSignal<Vec<BoardColumn>>,
    commit: impl Fn(DealId, Target) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = card.id;
    let current = card.stage_id;
    let menu = NodeRef::<leptos::html::Details>::new();
    let close = move || {
        if let Some(d) = menu.get() {
            d.set_open(false);
        }
    };
    let title = card.title.clone();
    view! {
        <details class="move-menu" node_ref=menu on:pointerdown=|ev| ev.stop_propagation() on:keydown=|ev| ev.stop_propagation()>
            <summary aria-label=move || format!("{} {}", t_string!(i18n, pipeline.move_to), title)>{t!(i18n, pipeline.move_to)}</summary>
            <div class="menu-panel" role="group">
                <A href=format!("/deals/{}", id.0) attr:class="menu-link">{t!(i18n, deals.open)}</A>
                {move || cols.with(|cs| cs.iter().filter(|c| c.id != current).map(|c| {
                    let (stage, name) = (c.id, c.name.clone());
                    view! { <button type="button" on:click=move |_| { close(); commit(id, Target::Column(stage, 0)); }>{name}</button> }
                }).collect_view())}
                <button type="button" class="won" on:click=move |_| { close(); commit(id, Target::Won); }>{t!(i18n, pipeline.won)}</button>
                <button type="button" class="lost" on:click=move |_| { close(); commit(id, Target::Lost); }>{t!(i18n, pipeline.lost)}</button>
            </div>
        </details>
    }
}

/// Lost needs a reason before the deal leaves the board.
#[component]
fn LostDialog(
    card: DealCard,
    cols: RwSignal<Vec<BoardColumn>>,
    losing: RwSignal<Option<DealCard>>,
    failure: RwSignal<Option<AppError>>,
    refresh: RwSignal<u32>,
    known: StoredValue<Vec<(DealId, i32)>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<CloseDeal>::new();
    let (id, title) = (card.id, card.title.clone());
    Effect::new(move |_| match action.value().get() {
        Some(Ok(v)) => {
            known.update_value(|k| k.push((id, v)));
            cols.update(|c| {
                take(c, id);
            });
            losing.set(None);
        }
        Some(Err(AppError::Conflict)) => {
            losing.set(None);
            failure.set(Some(AppError::Conflict));
            refresh.update(|n| *n += 1);
        }
        _ => {}
    });
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let reason_error = move || {
        error
            .get()
            .and_then(|e| e.field("reason"))
            .map(|why| crate::ui::invalid_text(i18n, why))
    };
    let reason = RwSignal::new(String::new());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        expect_own_change(known, &card);
        action.dispatch(CloseDeal {
            id,
            version: card.version,
            won: false,
            reason: reason.get_untracked(),
        });
    };
    view! {
        <div class="dialog-backdrop">
            <form class="card dialog" role="dialog" aria-modal="true" aria-labelledby="lost-title" on:submit=submit>
                <h2 id="lost-title">{t!(i18n, pipeline.lost_title)} " " {title}</h2>
                <label for="lost-reason">{t!(i18n, pipeline.lost_reason)}</label>
                <textarea
                    id="lost-reason"
                    rows="3"
                    maxlength=crate::deals::board::model::LOST_REASON_MAX
                    prop:value=move || reason.get()
                    on:input=move |ev| reason.set(event_target_value(&ev))
                    aria-invalid=move || reason_error().is_some().then_some("true")
                    aria-describedby="lost-reason-error"
                    autofocus
                />
                <p id="lost-reason-error" class="field-error" role="alert">{reason_error}</p>
                <div class="actions">
                    <button type="button" on:click=move |_| losing.set(None)>{t!(i18n, list.cancel)}</button>
                    <button type="submit" class="primary" disabled=move || action.pending().get()>{t!(i18n, pipeline.mark_lost)}</button>
                </div>
            </form>
        </div>
    }
}
