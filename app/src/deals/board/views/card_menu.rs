//! A card's menu of actions, behind its "⋯" button: open the deal, move it to another stage, Won or
//! Lost (which asks for a reason). The path that needs no drag. The button is no tab stop of its
//! own (the card is one, and Enter on it opens this menu); the board keeps which card's menu is
//! open, so one listener closes it on a click elsewhere, not one per card.
use leptos::prelude::*;
use leptos_router::components::A;

use crate::deals::board::dom::{self, MenuFocus, Target};
use crate::deals::board::model::{BoardColumn, DealCard};
use crate::deals::model::DealId;
use crate::i18n::*;

/// Opens `deal`'s card menu and puts focus on its first item once it is drawn.
pub(super) fn open_menu(menu: RwSignal<Option<DealId>>, deal: DealId) {
    menu.set(Some(deal));
    request_animation_frame(move || dom::focus_menu_item(deal, MenuFocus::First));
}

#[component]
pub(super) fn CardMenu(
    card: DealCard,
    cols: RwSignal<Vec<BoardColumn>>,
    /// The card whose menu is open (one at a time, kept by the board).
    menu: RwSignal<Option<DealId>>,
    commit: impl Fn(DealId, Target) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = card.id;
    let current = card.stage_id;
    let title = card.title;
    // "Actions for <deal>", in the language shown.
    let label =
        Signal::derive(move || format!("{} {title}", t_string!(i18n, pipeline.card_actions)));
    let heading = format!("move-to-{}", id.0);
    let open = move || menu.with(|m| *m == Some(id));
    let choose = move |to: Target| {
        menu.set(None);
        commit(id, to);
    };
    let toggle = move |_| {
        if menu.get_untracked() == Some(id) {
            menu.set(None);
        } else {
            open_menu(menu, id);
        }
    };
    // Keys inside the menu are the menu's: the card's own (Space lifts, Enter opens) stay out.
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        ev.stop_propagation();
        let to = match ev.key().as_str() {
            "Escape" => {
                ev.prevent_default();
                menu.set(None);
                dom::focus_card(id);
                return;
            }
            "ArrowDown" => MenuFocus::Next,
            "ArrowUp" => MenuFocus::Previous,
            "Home" => MenuFocus::First,
            "End" => MenuFocus::Last,
            _ => return,
        };
        ev.prevent_default();
        dom::focus_menu_item(id, to);
    };
    // Tabbing out of the menu closes it.
    let on_focusout = move |ev: leptos::ev::FocusEvent| {
        if menu.get_untracked() == Some(id) && dom::focus_leaves_menu(&ev, id) {
            menu.set(None);
        }
    };
    view! {
        <div
            class="menu menu-end card-menu"
            data-card-menu=id.0.to_string()
            on:pointerdown=|ev| ev.stop_propagation()
            on:keydown=on_key
            on:focusout=on_focusout
        >
            <button
                type="button"
                class="card-menu-button"
                tabindex="-1"
                aria-expanded=move || if open() { "true" } else { "false" }
                aria-label=label.clone()
                on:click=toggle
            >
                <span aria-hidden="true">"⋯"</span>
            </button>
            <Show when=open>
                <div class="menu-panel" role="group" aria-label=label.clone()>
                    <A href=format!("/deals/{}", id.0) attr:class="button">{t!(i18n, deals.open)}</A>
                    <hr />
                    <h3 id=heading.clone()>{t!(i18n, pipeline.move_to)}</h3>
                    <div class="move-choices" role="group" aria-labelledby=heading.clone()>
                        {move || cols.with(|cs| cs.iter().filter(|c| c.id != current).map(|c| {
                            let (stage, name) = (c.id, c.name.clone());
                            view! { <button type="button" on:click=move |_| choose(Target::Column(stage, 0))>{name}</button> }
                        }).collect_view())}
                        <button type="button" class="won" on:click=move |_| choose(Target::Won)>{t!(i18n, pipeline.won)}</button>
                        <button type="button" class="lost" on:click=move |_| choose(Target::Lost)>{t!(i18n, pipeline.lost)}</button>
                    </div>
                </div>
            </Show>
        </div>
    }
}
