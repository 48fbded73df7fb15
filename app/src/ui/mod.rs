//! Reusable UI pieces that know no CRM domain.
pub mod chart;
mod date_input;
mod error_message;
mod field;
mod layout;
mod local_date;
mod page_data;
mod stars;
pub mod theme;
pub mod url;
pub use date_input::DateInput;
pub use error_message::{
    ErrorMessage, FieldError, PageError, RouteErrors, action_errors, error_text, invalid_text,
    page_error,
};
pub use field::{Field, SecretNotice};
pub use layout::{Menu, PageHeader, Toolbar};
pub use local_date::{LocalDate, LocalDateTime, LocalValue};
pub use page_data::{PageResources, page_resource};
pub use stars::Stars;

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

/// What `fetch` answers, loaded in the browser into a plain signal (`None` until it arrives, also
/// on the server), again each time a signal `fetch` reads changes. For parts of a record page: a
/// Suspense nested in the page's own does not hydrate the server's markup (the client expects a
/// marker the server never writes, and the failed hydration leaves the page dead), and a resource
/// read there would suspend the whole page.
pub fn load_in_browser<T, Fut>(
    fetch: impl Fn() -> Fut + 'static,
) -> leptos::prelude::RwSignal<Option<Result<T, crate::error::AppError>>>
where
    T: Send + Sync + 'static,
    Fut: std::future::Future<Output = Result<T, crate::error::AppError>> + 'static,
{
    use leptos::prelude::*;
    let value = RwSignal::new(None);
    Effect::new(move |_| {
        let loading = fetch();
        leptos::task::spawn_local(async move {
            value.try_set(Some(loading.await));
        });
    });
    value
}
