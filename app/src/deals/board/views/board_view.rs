//! The board's columns and what moves their cards: pointer drags (mouse, touch, pen) with a ghost
//! and Won/Lost zones, keyboard lifts, the moves chosen in a card's menu (which card's is open), and
//! the optimistic commit of a move or close with its rollback; the arithmetic is `moves`.
use leptos::prelude::*;

use super::card_menu::open_menu;
use super::column::{CardBody, Column};
use super::expect_own_change;
use super::lost::LostDialog;
use crate::deals::board::api::{close_deal, column_page, move_deal};
use crate::deals::board::dom::{self, Target};
use crate::deals::board::model::{Board, BoardFilter, COLUMN_PAGE, DealCard, MoveTo};
use crate::deals::board::moves::{Planned, Step, others, plan, step, take};
use crate::deals::model::{DealId, StageId};
use crate::error::AppError;
use crate::i18n::*;
use crate::ui::ErrorMessage;
use crate::ui::window_listener;

/// How long a finger must rest on a card before it lifts (so that a swipe still scrolls).
const HOLD_MS: u64 = 300;

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

#[component]
pub(super) fn BoardView(
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
    // The card whose menu of actions is open, if any.
    let menu = RwSignal::new(None::<DealId>);
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
                let Some(Planned {
                    card,
                    to,
                    columns,
                    stage_name,
                    position,
                    of,
                }) = plan(&before, deal, stage, index)
                else {
                    return;
                };
                cols.set(columns);
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
        menu.set(None);
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
    let navigate = leptos_router::hooks::use_navigate();
    let on_up = move |ev: leptos::ev::PointerEvent| {
        // A press let go before it became a drag (a click, or a tap shorter than the hold) opens
        // the deal, as a card does in every pipeline.
        let tapped = press.with_value(|p| {
            p.as_ref()
                .filter(|p| p.pointer == ev.pointer_id())
                .map(|p| p.card.id)
        });
        cancel_press();
        if let Some(id) = tapped.filter(|_| drag.get_untracked().is_none()) {
            navigate(&format!("/deals/{}", id.0), Default::default());
            return;
        }
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
    // A click outside the open card menu closes it (one listener for every card's menu).
    window_listener(leptos::ev::click, move |ev| {
        if menu.get_untracked().is_some() && !dom::inside_card_menu(&ev) {
            menu.set(None);
        }
    });
    window_listener(leptos::ev::keydown, move |ev| {
        if ev.key() == "Escape" && menu.get_untracked().is_some() {
            menu.set(None);
        }
        if ev.key() == "Escape" && drag.get_untracked().is_some() {
            drag.set(None);
            cancel_press();
            announce.set(t_string!(i18n, pipeline.cancelled).to_string());
        }
    });

    // Keyboard: Space lifts and drops, arrows move, Escape cancels; Enter opens the card's menu.
    let on_key = move |ev: leptos::ev::KeyboardEvent, card: DealCard| {
        let key = ev.key();
        let Some(l) = lifted.get_untracked() else {
            if key == "Enter" {
                ev.prevent_default();
                open_menu(menu, card.id);
            } else if key == " " {
                menu.set(None);
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
        let step_to =
            |s: Step| cols.with_untracked(|cs| step(cs, l.card.id, (l.column, l.index), s));
        let next = match key.as_str() {
            "ArrowLeft" => step_to(Step::Left),
            "ArrowRight" => step_to(Step::Right),
            "ArrowUp" => step_to(Step::Up),
            "ArrowDown" => step_to(Step::Down),
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
                cols.with_untracked(|cs| others(cs, column, l.card.id)) + 1
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
        // What the cards' list is described by; shown on the toolbar's "?" menu.
        <p class="visually-hidden" id="board-help">{t!(i18n, pipeline.help)}</p>
        <div class="board" class:dragging=is_dragging>
            <For each=columns key=move |ci| cols.with_untracked(|cs| cs[*ci].id) let:ci>
                <Column ci cols placeholder=Signal::from(placeholder) dragged=Signal::from(dragged) menu on_down on_key commit more />
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
