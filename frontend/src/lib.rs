#![recursion_limit = "512"]
//! The browser entry points: `hydrate` brings the server-rendered page to life; `mount` renders
//! the app in the browser alone, for the app shell the service worker answers with offline.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Lazy routes (their code in chunks of its own) hydrate once their chunk has loaded.
    leptos::mount::hydrate_lazy(app::App);
}

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn mount() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
