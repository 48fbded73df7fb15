//! The event stream in the browser: opened once per page that stays live, read into `LiveEvent`s,
//! and handed to the page as what it needs (the board: a reload when an event concerns what it
//! shows). Nothing happens on the server.
#[cfg(feature = "hydrate")]
use leptos::prelude::*;

#[cfg(feature = "hydrate")]
use super::LiveEvent;
use crate::deals::board::views::BoardWatch;

/// Keeps the board of `watch` live while the calling component lives: every change anyone makes to
/// a deal of the shown pipeline reloads it (unless it is the user's own, already shown); after a
/// dropped stream it reloads once, since events sent meanwhile are lost.
pub fn keep_board_live(watch: BoardWatch) {
    #[cfg(feature = "hydrate")]
    Effect::new(move |prev: Option<()>| {
        if prev.is_none() {
            let source = open(
                move |data| match serde_json::from_str::<LiveEvent>(&data) {
                    Ok(e) => {
                        let shown = watch.shown.get_value();
                        if watch.known.with_value(|k| e.reloads(shown, k)) {
                            watch.reload();
                        }
                    }
                    // A server of another release may speak differently: reload to be sure.
                    Err(_) => watch.reload(),
                },
                move || watch.reload(),
            );
            if let Some(source) = source {
                on_cleanup(move || source.close());
            }
        }
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = watch;
}

/// Opens the live event stream; `on_event` gets each message's data, `on_reopen` is called when
/// the stream comes back after a drop (notifications sent meanwhile are lost). The browser
/// reconnects by itself.
#[cfg(feature = "hydrate")]
fn open(
    on_event: impl Fn(String) + 'static,
    on_reopen: impl Fn() + 'static,
) -> Option<web_sys::EventSource> {
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;
    let source = web_sys::EventSource::new("/api/events").ok()?;
    let message = Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
        if let Some(data) = e.data().as_string() {
            on_event(data);
        }
    });
    source.set_onmessage(Some(message.as_ref().unchecked_ref()));
    message.forget();
    let opened_before = std::cell::Cell::new(false);
    let open = Closure::<dyn Fn()>::new(move || {
        if opened_before.replace(true) {
            on_reopen();
        }
    });
    source.set_onopen(Some(open.as_ref().unchecked_ref()));
    open.forget();
    Some(source)
}
