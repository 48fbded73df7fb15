//! The dialog that asks why a deal was lost before it leaves the board.
use leptos::prelude::*;

use super::expect_own_change;
use crate::deals::board::api::CloseDeal;
use crate::deals::board::model::{BoardColumn, DealCard, LOST_REASON_MAX};
use crate::deals::board::moves::take;
use crate::deals::model::DealId;
use crate::error::AppError;
use crate::i18n::*;

/// Lost needs a reason before the deal leaves the board.
#[component]
pub(super) fn LostDialog(
    card: DealCard,
    cols: RwSignal<Vec<BoardColumn>>,
    losing: RwSignal<Option<DealCard>>,
    failure: RwSignal<Option<AppError>>,
    refresh: RwSignal<u32>,
    known: StoredValue<Vec<(DealId, i32)>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<CloseDeal>::new();
    let (id, title) = (card.id, card.title.clone());
    Effect::new(move |_| match action.value().get() {
        Some(Ok(v)) => {
            known.update_value(|k| k.push((id, v)));
            cols.update(|c| {
                take(c, id);
            });
            losing.set(None);
        }
        Some(Err(AppError::Conflict)) => {
            losing.set(None);
            failure.set(Some(AppError::Conflict));
            refresh.update(|n| *n += 1);
        }
        _ => {}
    });
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let reason_error = move || {
        error
            .get()
            .and_then(|e| e.field("reason"))
            .map(|why| crate::ui::invalid_text(i18n, why))
    };
    let reason = RwSignal::new(String::new());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        expect_own_change(known, &card);
        action.dispatch(CloseDeal {
            id,
            version: card.version,
            won: false,
            reason: reason.get_untracked(),
        });
    };
    view! {
        <div class="dialog-backdrop">
            <form class="card dialog" role="dialog" aria-modal="true" aria-labelledby="lost-title" on:submit=submit>
                <h2 id="lost-title">{t!(i18n, pipeline.lost_title)} " " {title}</h2>
                <label for="lost-reason">{t!(i18n, pipeline.lost_reason)}</label>
                <textarea
                    id="lost-reason"
                    rows="3"
                    maxlength=LOST_REASON_MAX
                    prop:value=move || reason.get()
                    on:input=move |ev| reason.set(event_target_value(&ev))
                    aria-invalid=move || reason_error().is_some().then_some("true")
                    aria-describedby="lost-reason-error"
                    autofocus
                />
                <p id="lost-reason-error" class="field-error" role="alert">{reason_error}</p>
                <div class="actions">
                    <button type="button" on:click=move |_| losing.set(None)>{t!(i18n, list.cancel)}</button>
                    <button type="submit" class="primary" disabled=move || action.pending().get()>{t!(i18n, pipeline.mark_lost)}</button>
                </div>
            </form>
        </div>
    }
}
