//! The browser side of the offline layer: the service worker, the online/offline and install
//! events, and the Web Lock that lets one tab replay the queue.
use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;
use leptos::wasm_bindgen::prelude::Closure;
use leptos::web_sys::{self, js_sys};

use super::Pwa;

/// Runs `work` while this tab holds the Web Lock `name` (other tabs asking for it wait), or
/// just runs it where the browser has no Web Locks.
pub async fn one_tab_at_a_time(name: &str, work: impl std::future::Future<Output = ()> + 'static) {
    let navigator = window().navigator();
    let locks = js_sys::Reflect::get(&navigator, &"locks".into()).unwrap_or_default();
    let request = js_sys::Reflect::get(&locks, &"request".into())
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    let Some(request) = request.filter(|_| !locks.is_undefined()) else {
        work.await;
        return;
    };
    // The lock is held until the promise the callback returns settles.
    let held = Closure::once_into_js(move |_lock: leptos::wasm_bindgen::JsValue| {
        wasm_bindgen_futures::future_to_promise(async move {
            work.await;
            Ok(leptos::wasm_bindgen::JsValue::UNDEFINED)
        })
    });
    if let Ok(p) = request.call2(&locks, &name.into(), &held) {
        if let Ok(p) = p.dyn_into::<js_sys::Promise>() {
            let _ = wasm_bindgen_futures::JsFuture::from(p).await;
        }
    }
}

thread_local! {
    /// The app's `Pwa`, for code that runs outside components (the kept copies).
    pub static PWA: std::cell::Cell<Option<Pwa>> = const { std::cell::Cell::new(None) };
    /// The app's root, for the listeners `start` sets up after hydration.
    pub static OWNER: std::cell::RefCell<Option<Owner>> = const { std::cell::RefCell::new(None) };
}

pub fn start(pwa: Pwa) {
    let w = window();
    pwa.online.set(window().navigator().on_line());
    crate::ui::window_listener(leptos::ev::online, move |_| pwa.online.set(true));
    crate::ui::window_listener(leptos::ev::offline, move |_| pwa.online.set(false));
    let on_prompt = Closure::<dyn Fn(web_sys::Event)>::new(move |ev: web_sys::Event| {
        ev.prevent_default();
        pwa.install_prompt.set_value(Some(ev.into()));
        pwa.can_install.set(true);
    });
    let _ = w.add_event_listener_with_callback(
        "beforeinstallprompt",
        on_prompt.as_ref().unchecked_ref(),
    );
    on_prompt.forget();
    let on_installed = Closure::<dyn Fn()>::new(move || pwa.can_install.set(false));
    let _ =
        w.add_event_listener_with_callback("appinstalled", on_installed.as_ref().unchecked_ref());
    on_installed.forget();
    register(pwa);
}

fn container() -> Option<web_sys::ServiceWorkerContainer> {
    let navigator = window().navigator();
    js_sys::Reflect::has(&navigator, &"serviceWorker".into())
        .unwrap_or(false)
        .then(|| navigator.service_worker())
}

/// Registers `/sw.js` and watches for a new release: once installed while another worker runs
/// the page, it waits for the user; when it takes over, the page reloads.
fn register(pwa: Pwa) {
    let Some(sw) = container() else { return };
    let had_controller = sw.controller().is_some();
    let on_change = Closure::<dyn Fn()>::new(move || {
        if had_controller {
            let _ = window().location().reload();
        }
    });
    sw.set_oncontrollerchange(Some(on_change.as_ref().unchecked_ref()));
    on_change.forget();
    leptos::task::spawn_local(async move {
        let options = web_sys::RegistrationOptions::new();
        options.set_scope("/");
        let Ok(registration) =
            wasm_bindgen_futures::JsFuture::from(sw.register_with_options("/sw.js", &options))
                .await
        else {
            return;
        };
        // A browser that blocks workers (a policy, an automated browser) answers with nothing.
        if registration.is_undefined() || registration.is_null() {
            return;
        }
        let registration: web_sys::ServiceWorkerRegistration = registration.unchecked_into();
        watch(pwa, &registration);
    });
}

fn watch(pwa: Pwa, registration: &web_sys::ServiceWorkerRegistration) {
    let waiting = |r: &web_sys::ServiceWorkerRegistration| {
        r.waiting().is_some() && container().and_then(|c| c.controller()).is_some()
    };
    if waiting(registration) {
        pwa.update_ready.set(true);
    }
    let r = registration.clone();
    let on_found = Closure::<dyn Fn()>::new(move || {
        let Some(installing) = r.installing() else {
            return;
        };
        let r = r.clone();
        let on_state = Closure::<dyn Fn()>::new(move || {
            if waiting(&r) {
                pwa.update_ready.set(true);
            }
        });
        installing.set_onstatechange(Some(on_state.as_ref().unchecked_ref()));
        on_state.forget();
    });
    registration.set_onupdatefound(Some(on_found.as_ref().unchecked_ref()));
    on_found.forget();
}

pub fn update() {
    let Some(sw) = container() else { return };
    let Ok(ready) = sw.ready() else { return };
    leptos::task::spawn_local(async move {
        let Ok(r) = wasm_bindgen_futures::JsFuture::from(ready).await else {
            return;
        };
        let r: web_sys::ServiceWorkerRegistration = r.unchecked_into();
        if let Some(waiting) = r.waiting() {
            let _ = waiting.post_message(&"skip-waiting".into());
        }
    });
}

pub fn install(pwa: Pwa) {
    let Some(prompt) = pwa.install_prompt.get_value() else {
        return;
    };
    let call = js_sys::Reflect::get(&prompt, &"prompt".into())
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    if let Some(f) = call {
        let _ = f.call0(&prompt);
    }
    // A prompt can be shown once.
    pwa.install_prompt.set_value(None);
    pwa.can_install.set(false);
}
