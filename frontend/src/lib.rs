#![recursion_limit = "512"]
//! The browser entry points: `hydrate` brings the server-rendered page to life; `mount` renders
//! the app in the browser alone, for the app shell the service worker answers with offline.
use leptos::tachys::dom::body;

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // As `leptos::mount::hydrate_lazy` (lazy routes, their code in chunks of their own, hydrate
    // once their chunk has loaded), and then the app is told that the page is alive.
    wasm_bindgen_futures::spawn_local(async {
        leptos::mount::hydrate_from_async(body(), app::App)
            .await
            .forget();
        app::started();
    });
}

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn mount() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
    app::started();
}
