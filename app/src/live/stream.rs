//! The event stream in the browser: one connection per page, shared by whatever on the page stays
//! live (the board, the bell, a queue), each handed what it needs: a reload when an event concerns
//! what it shows. Nothing happens on the server.
use leptos::prelude::*;

use super::LiveEvent;
use crate::deals::board::views::BoardWatch;

/// What a part of the page hears from the stream.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
#[derive(Clone, Debug)]
enum Heard {
    Event(LiveEvent),
    /// A message this release cannot read (a server of another release): reload to be sure.
    Unreadable,
    /// The stream came back after a drop: whatever was sent meanwhile is lost.
    Reopened,
}

impl Heard {
    /// Whether a part that reloads for events `concern` must reload.
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    fn reloads(&self, concern: impl Fn(&LiveEvent) -> bool) -> bool {
        match self {
            Heard::Event(LiveEvent::Resync) | Heard::Unreadable | Heard::Reopened => true,
            Heard::Event(e) => concern(e),
        }
    }
}

/// Keeps the board of `watch` live while the calling component lives: every change anyone makes to
/// a deal of the shown pipeline reloads it (unless it is the user's own, already shown).
pub fn keep_board_live(watch: BoardWatch) {
    listen(move |heard| {
        let shown = watch.shown.get_value();
        if watch
            .known
            .with_value(|k| heard.reloads(|e| e.reloads(shown, k)))
        {
            watch.reload();
        }
    });
}

/// Bumps `refresh` (the bell loads again) when the user has something new to read.
pub fn keep_bell_live(refresh: RwSignal<u32>) {
    listen(move |heard| {
        if heard.reloads(|e| matches!(e, LiveEvent::Notified)) {
            refresh.update(|n| *n += 1);
        }
    });
}

/// Bumps `refresh` (a queue loads again) when tickets change: once for the changes of half a
/// second, so that a busy desk (or a bulk change of fifty tickets) costs one reload, not fifty.
pub fn keep_queue_live(refresh: RwSignal<u32>) {
    debounced(refresh, |e| matches!(e, LiveEvent::Ticket { .. }));
}

/// Bumps `refresh` (the home dashboard loads again) when deals or tickets change, debounced as
/// the queues are.
pub fn keep_home_live(refresh: RwSignal<u32>) {
    debounced(refresh, |e| {
        matches!(
            e,
            LiveEvent::Ticket { .. } | LiveEvent::Deal { .. } | LiveEvent::Pipeline { .. }
        )
    });
}

/// Bumps `refresh` once for the events `wanted` picks heard within half a second.
fn debounced(refresh: RwSignal<u32>, wanted: fn(&LiveEvent) -> bool) {
    #[cfg(not(feature = "hydrate"))]
    let _ = refresh;
    let waiting = StoredValue::new(false);
    listen(move |heard| {
        if heard.reloads(wanted) && !waiting.get_value() {
            waiting.set_value(true);
            #[cfg(feature = "hydrate")]
            leptos::task::spawn_local(async move {
                gloo_timers::future::TimeoutFuture::new(500).await;
                waiting.try_set_value(false);
                refresh.try_update(|n| *n += 1);
            });
        }
    });
}

/// Calls `f` with what the stream brings while the calling component lives.
fn listen(f: impl Fn(&Heard) + 'static) {
    #[cfg(feature = "hydrate")]
    {
        let id = hub::subscribe(std::rc::Rc::new(f));
        on_cleanup(move || hub::unsubscribe(id));
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = f;
}

/// The page's one connection: opened by the first listener, closed with the last.
#[cfg(feature = "hydrate")]
mod hub {
    use std::cell::RefCell;
    use std::rc::Rc;

    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;

    use super::{Heard, LiveEvent};

    type Listener = Rc<dyn Fn(&Heard)>;

    #[derive(Default)]
    struct Hub {
        source: Option<web_sys::EventSource>,
        next: u64,
        listeners: Vec<(u64, Listener)>,
    }

    thread_local! {
        static HUB: RefCell<Hub> = RefCell::default();
    }

    /// Tells every listener (outside the borrow: a listener may subscribe or leave).
    fn tell(heard: Heard) {
        let listeners: Vec<Listener> =
            HUB.with_borrow(|h| h.listeners.iter().map(|(_, l)| l.clone()).collect());
        for l in listeners {
            l(&heard);
        }
    }

    pub(super) fn subscribe(f: Listener) -> u64 {
        let open = HUB.with_borrow_mut(|h| {
            h.next += 1;
            h.listeners.push((h.next, f));
            (h.source.is_none(), h.next)
        });
        if open.0 {
            let source = open_source();
            HUB.with_borrow_mut(|h| h.source = source);
        }
        open.1
    }

    pub(super) fn unsubscribe(id: u64) {
        HUB.with_borrow_mut(|h| {
            h.listeners.retain(|(i, _)| *i != id);
            if h.listeners.is_empty()
                && let Some(s) = h.source.take()
            {
                s.close();
            }
        });
    }

    /// Opens the stream; the browser reconnects by itself after a drop.
    fn open_source() -> Option<web_sys::EventSource> {
        let source = web_sys::EventSource::new("/api/events").ok()?;
        let message =
            Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
                if let Some(data) = e.data().as_string() {
                    tell(match serde_json::from_str::<LiveEvent>(&data) {
                        Ok(e) => Heard::Event(e),
                        Err(_) => Heard::Unreadable,
                    });
                }
            });
        source.set_onmessage(Some(message.as_ref().unchecked_ref()));
        message.forget();
        let opened_before = std::cell::Cell::new(false);
        let open = Closure::<dyn Fn()>::new(move || {
            if opened_before.replace(true) {
                tell(Heard::Reopened);
            }
        });
        source.set_onopen(Some(open.as_ref().unchecked_ref()));
        open.forget();
        Some(source)
    }
}
