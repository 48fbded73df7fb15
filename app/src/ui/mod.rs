//! Reusable UI pieces that know no CRM domain.
mod error_message;
mod field;
pub mod url;
pub use error_message::{ErrorMessage, FieldError, RouteErrors, error_text, invalid_text};
pub use field::Field;

/// Listens to `event` on the window for as long as the calling component lives. (Leptos leaves a
/// window listener in place until it is removed; one left behind by a board that reloaded would
/// read its disposed signals.)
pub fn window_listener<E>(event: E, cb: impl Fn(E::EventType) + 'static)
where
    E: leptos::ev::EventDescriptor + 'static,
    E::EventType: leptos::wasm_bindgen::JsCast,
{
    let handle = leptos::prelude::window_event_listener(event, cb);
    leptos::prelude::on_cleanup(move || handle.remove());
}
