//! The few DOM facts the board needs while dragging: what lies under the pointer, where the cards
//! of a column are, scrolling near the edges, focus, touch scrolling held during a drag; and for a
//! card's menu of actions, where focus goes in it and whether an event happened inside one. No-ops
//! on the server.
use crate::deals::model::{DealId, StageId};

/// Where focus goes among the items of an open card menu.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MenuFocus {
    First,
    Last,
    Next,
    Previous,
}

/// Where a dragged card would land.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    Column(StageId, usize),
    Won,
    Lost,
}

#[cfg(feature = "hydrate")]
mod imp {
    use super::*;
    use uuid::Uuid;
    use wasm_bindgen::JsCast;
    use web_sys::{Element, HtmlElement};

    fn document() -> web_sys::Document {
        leptos::prelude::document()
    }

    /// The drop target under the point: a Won/Lost zone, or a column and the index among its
    /// cards (the dragged one left out) where the point falls.
    pub fn target_at(x: f64, y: f64, dragged: DealId) -> Option<Target> {
        let el = document().element_from_point(x as f32, y as f32)?;
        if let Ok(Some(zone)) = el.closest("[data-drop]") {
            return match zone.get_attribute("data-drop").as_deref() {
                Some("won") => Some(Target::Won),
                Some("lost") => Some(Target::Lost),
                _ => None,
            };
        }
        let column = el.closest("[data-stage]").ok()??;
        let stage = Uuid::parse_str(&column.get_attribute("data-stage")?).ok()?;
        // The cards are stacked in order, so a binary search reads a handful of positions, not
        // every card's (a column may show a thousand).
        let cards = column
            .query_selector_all(&format!("[data-deal]:not([data-deal=\"{}\"])", dragged.0))
            .ok()?;
        let below_middle = |i: u32| {
            cards
                .item(i)
                .and_then(|n| n.dyn_into::<Element>().ok())
                .is_some_and(|card| {
                    let r = card.get_bounding_client_rect();
                    y > r.top() + r.height() / 2.0
                })
        };
        let (mut lo, mut hi) = (0, cards.length());
        while lo < hi {
            let mid = (lo + hi) / 2;
            if below_middle(mid) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        let index = lo as usize;
        Some(Target::Column(StageId(stage), index))
    }

    /// Scrolls the board sideways, and the column under the point up or down, when the point is
    /// near their edges.
    pub fn autoscroll(x: f64, y: f64) {
        const EDGE: f64 = 48.0;
        const STEP: f64 = 24.0;
        let scroll = |el: &Element, horizontal: bool| {
            let r = el.get_bounding_client_rect();
            let (pos, lo, hi) = if horizontal {
                (x, r.left(), r.right())
            } else {
                (y, r.top(), r.bottom())
            };
            let delta = if pos < lo + EDGE {
                -STEP
            } else if pos > hi - EDGE {
                STEP
            } else {
                return;
            };
            if horizontal {
                el.set_scroll_left(el.scroll_left() + delta as i32);
            } else {
                el.set_scroll_top(el.scroll_top() + delta as i32);
            }
        };
        if let Ok(Some(board)) = document().query_selector(".board") {
            scroll(&board, true);
        }
        // The page, near the top of the window or just above the Won/Lost zones, which cover the
        // bottom while a card is lifted (on a tablet, the lower half of a column's last visible
        // card): lower cards scroll up into reach instead of staying under the zones.
        let window = leptos::prelude::window();
        let floor = document()
            .query_selector(".drop-zones.visible")
            .ok()
            .flatten()
            .map(|z| z.get_bounding_client_rect().top())
            .or_else(|| window.inner_height().ok()?.as_f64())
            .unwrap_or(f64::MAX);
        if y < EDGE {
            window.scroll_by_with_x_and_y(0.0, -STEP);
        } else if y > floor - EDGE && y < floor {
            window.scroll_by_with_x_and_y(0.0, STEP);
        }
        if let Some(Ok(Some(list))) = document()
            .element_from_point(x as f32, y as f32)
            .map(|e| e.closest(".cards"))
        {
            scroll(&list, false);
        }
    }

    /// The value of `attr` on the element under the point or its nearest ancestor having it.
    pub fn attr_at(x: f64, y: f64, attr: &str) -> Option<String> {
        document()
            .element_from_point(x as f32, y as f32)?
            .closest(&format!("[{attr}]"))
            .ok()??
            .get_attribute(attr)
    }

    /// The card's size and the point's offset within it.
    pub fn card_box(deal: DealId, x: f64, y: f64) -> (f64, f64, f64) {
        let sel = format!("[data-deal=\"{}\"]", deal.0);
        match document().query_selector(&sel) {
            Ok(Some(el)) => {
                let r = el.get_bounding_client_rect();
                (x - r.left(), y - r.top(), r.width())
            }
            _ => (16.0, 16.0, 260.0),
        }
    }

    pub fn focus_card(deal: DealId) {
        let sel = format!("[data-deal=\"{}\"]", deal.0);
        if let Ok(Some(el)) = document().query_selector(&sel) {
            if let Ok(el) = el.dyn_into::<HtmlElement>() {
                let _ = el.focus();
            }
        }
    }

    /// The items of the open menu of `deal`'s card.
    fn menu_items(deal: DealId) -> Vec<HtmlElement> {
        let sel = format!("[data-card-menu=\"{}\"] .menu-panel :is(a, button)", deal.0);
        let Ok(items) = document().query_selector_all(&sel) else {
            return Vec::new();
        };
        (0..items.length())
            .filter_map(|i| items.item(i)?.dyn_into::<HtmlElement>().ok())
            .collect()
    }

    /// Moves focus among the items of the open menu of `deal`'s card (round, at either end).
    pub fn focus_menu_item(deal: DealId, to: MenuFocus) {
        let items = menu_items(deal);
        let n = items.len();
        if n == 0 {
            return;
        }
        let active = document().active_element();
        let at = items.iter().position(|i| {
            active
                .as_ref()
                .is_some_and(|a| i.is_same_node(Some(a.unchecked_ref())))
        });
        let next = match (to, at) {
            (MenuFocus::First, _) | (MenuFocus::Next, None) => 0,
            (MenuFocus::Last, _) | (MenuFocus::Previous, None) => n - 1,
            (MenuFocus::Next, Some(i)) => (i + 1) % n,
            (MenuFocus::Previous, Some(i)) => (i + n - 1) % n,
        };
        let _ = items[next].focus();
    }

    /// The card menu (its deal's id) that holds `target`, if one does.
    fn card_menu_of(target: Option<web_sys::EventTarget>) -> Option<String> {
        target?
            .dyn_into::<Element>()
            .ok()?
            .closest("[data-card-menu]")
            .ok()??
            .get_attribute("data-card-menu")
    }

    /// Whether the event happened inside a card's menu (its button or its items).
    pub fn inside_card_menu(ev: &web_sys::Event) -> bool {
        card_menu_of(ev.target()).is_some()
    }

    /// Whether focus, leaving something in `deal`'s card menu, goes to an element outside it
    /// (not when it goes nowhere: a tap on a button in Safari blurs without focusing it).
    pub fn focus_leaves_menu(ev: &web_sys::FocusEvent, deal: DealId) -> bool {
        ev.related_target().is_some()
            && card_menu_of(ev.related_target()) != Some(deal.0.to_string())
    }

    thread_local! {
        static DRAGGING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
        static GUARD: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    }

    /// Stops touch scrolling while a card is dragged: a finger that lifted a card moves the card,
    /// not the page. The listener is installed once (touch listeners must not be passive to be
    /// allowed to do this) and reads the flag set here.
    pub fn hold_touch_scroll(dragging: bool) {
        use wasm_bindgen::closure::Closure;
        DRAGGING.with(|d| d.set(dragging));
        if GUARD.with(|g| g.replace(true)) {
            return;
        }
        let handler = Closure::<dyn Fn(web_sys::Event)>::new(move |e: web_sys::Event| {
            if DRAGGING.with(|d| d.get()) && e.cancelable() {
                e.prevent_default();
            }
        });
        let options = web_sys::AddEventListenerOptions::new();
        options.set_passive(false);
        let _ = document().add_event_listener_with_callback_and_add_event_listener_options(
            "touchmove",
            handler.as_ref().unchecked_ref(),
            &options,
        );
        handler.forget();
    }
}

#[cfg(not(feature = "hydrate"))]
mod imp {
    use super::*;
    pub fn target_at(_: f64, _: f64, _: DealId) -> Option<Target> {
        None
    }
    pub fn autoscroll(_: f64, _: f64) {}
    pub fn attr_at(_: f64, _: f64, _: &str) -> Option<String> {
        None
    }
    pub fn card_box(_: DealId, _: f64, _: f64) -> (f64, f64, f64) {
        (0.0, 0.0, 0.0)
    }
    pub fn focus_card(_: DealId) {}
    pub fn focus_menu_item(_: DealId, _: MenuFocus) {}
    pub fn inside_card_menu(_: &leptos::web_sys::Event) -> bool {
        false
    }
    pub fn focus_leaves_menu(_: &leptos::web_sys::FocusEvent, _: DealId) -> bool {
        false
    }
    pub fn hold_touch_scroll(_: bool) {}
}

pub use imp::*;
