//! "Delete" in a record's header: the one control that moves a record to the trash (deals and
//! tickets use it; the trash itself lists and restores).
use leptos::prelude::*;

use crate::error::AppError;
use crate::i18n::*;
use crate::records::model::KEEP_DAYS;
use crate::ui::ErrorMessage;

/// "Delete" in a record's header: asks once (the record can be restored from the trash for
/// `KEEP_DAYS` days), runs `delete`, then goes to `back`; a refusal (someone changed the record
/// meanwhile, say) is shown and nothing moves.
#[component]
pub fn TrashButton<F, Fut>(name: String, delete: F, back: &'static str) -> impl IntoView
where
    F: Fn() -> Fut + Copy + Send + Sync + 'static,
    Fut: std::future::Future<Output = Result<(), AppError>> + 'static,
{
    let i18n = use_i18n();
    let asking = RwSignal::new(false);
    let pending = RwSignal::new(false);
    let done = RwSignal::new(false);
    let failed = RwSignal::new(None::<AppError>);
    let navigate = leptos_router::hooks::use_navigate();
    Effect::new(move |_| {
        if done.get() {
            navigate(back, Default::default());
        }
    });
    let confirm = move |_| {
        pending.set(true);
        leptos::task::spawn_local(async move {
            match delete().await {
                Ok(()) => done.set(true),
                Err(e) => {
                    failed.set(Some(e));
                    asking.set(false);
                }
            }
            pending.set(false);
        });
    };
    let name = StoredValue::new(name);
    view! {
        <Show
            when=move || asking.get()
            fallback=move || view! {
                <button type="button" class="danger secondary" on:click=move |_| { failed.set(None); asking.set(true); }>
                    {t!(i18n, trash.delete)}
                </button>
            }
        >
            <div class="trash-confirm" role="alertdialog" aria-labelledby="trash-confirm-text">
                <p id="trash-confirm-text">{t!(i18n, trash.confirm, name = name.get_value(), n = KEEP_DAYS)}</p>
                <button type="button" on:click=move |_| asking.set(false)>{t!(i18n, list.cancel)}</button>
                <button type="button" class="danger" disabled=move || pending.get() on:click=confirm>
                    {t!(i18n, trash.move_now)}
                </button>
            </div>
        </Show>
        <ErrorMessage error=failed />
    }
}
