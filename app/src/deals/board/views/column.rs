//! A stage column of the board: its name and figures on three lines, its cards (each with a menu
//! of actions), the gap where a dragged card would land, and "show more".
use leptos::prelude::*;

use super::card_menu::CardMenu;
use crate::deals::board::dom::Target;
use crate::deals::board::model::{BoardColumn, DealCard};
use crate::deals::board::moves::gap_before;
use crate::deals::model::{DealId, StageId};
use crate::i18n::*;
use crate::money::Money;

#[component]
pub(super) fn Column(
    ci: usize,
    cols: RwSignal<Vec<BoardColumn>>,
    placeholder: Signal<Option<(StageId, usize, DealId)>>,
    dragged: Signal<Option<DealId>>,
    /// The card whose menu is open.
    menu: RwSignal<Option<DealId>>,
    on_down: impl Fn(leptos::ev::PointerEvent, DealCard) + Copy + Send + Sync + 'static,
    on_key: impl Fn(leptos::ev::KeyboardEvent, DealCard) + Copy + Send + Sync + 'static,
    commit: impl Fn(DealId, Target) + Copy + Send + Sync + 'static,
    more: impl Fn(usize) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let col =
        move |f: fn(&BoardColumn) -> String| cols.with(|cs| cs.get(ci).map(f).unwrap_or_default());
    let Some((stage, name)) = cols.with_untracked(|cs| cs.get(ci).map(|c| (c.id, c.name.clone())))
    else {
        return ().into_any();
    };
    let heading = format!("stage-{}", stage.0);
    let cards = move || cols.with(|cs| cs.get(ci).map(|c| c.cards.clone()).unwrap_or_default());
    // The card the placeholder stands before (`Some(None)`: at the end of the column), worked out
    // once per pointer move rather than by every card.
    let gap = Memo::new(move |_| {
        let (s, index, dragged) = placeholder.get()?;
        if s != stage {
            return None;
        }
        cols.with(|cs| gap_before(&cs.get(ci)?.cards, dragged, index))
    });
    let has_more = move || cols.with(|cs| cs.get(ci).is_some_and(|c| c.more));
    view! {
        <section class="column" data-stage=stage.0.to_string() aria-labelledby=heading.clone()>
            // Three lines whatever the figures (name and count, total, weighted total; a long list
            // of currencies is cut with its whole text in the title), so the columns line up.
            <header class="column-head">
                <div class="column-title">
                    <h2 id=heading.clone() title=name.clone()>{name.clone()}</h2>
                    <span class="count-pill">
                        {move || col(|c| c.count.to_string())}
                        <span class="visually-hidden">" "{t!(i18n, pipeline.count)}</span>
                    </span>
                </div>
                <p class="column-total" title=move || col(|c| money_list(&c.totals))>
                    {move || col(|c| money_list(&c.totals))}
                </p>
                <p class="column-weighted" title=move || format!("{}: {}", t_string!(i18n, pipeline.weighted), col(|c| money_list(&c.weighted)))>
                    <span class="visually-hidden">{t!(i18n, pipeline.weighted)}": "</span>
                    <span aria-hidden="true">"≈ "</span>
                    {move || col(|c| money_list(&c.weighted))}
                </p>
            </header>
            <ol class="cards" role="list" aria-label=name.clone() aria-describedby="board-help">
                <For each=cards key=|c| (c.id, c.version) let:card>
                    {
                        let id = card.id;
                        let (down, key) = (card.clone(), card.clone());
                        view! {
                            <li
                                class="card"
                                class:gap-before=move || gap.get() == Some(Some(id))
                                class:dragging=move || dragged.get() == Some(id)
                                data-deal=id.0.to_string()
                                tabindex="0"
                                aria-label=card.title.clone()
                                aria-roledescription=move || t_string!(i18n, pipeline.card_role)
                                aria-grabbed=move || (dragged.get() == Some(id)).then_some("true")
                                on:pointerdown=move |ev| on_down(ev, down.clone())
                                on:keydown=move |ev| on_key(ev, key.clone())
                                on:contextmenu=|ev| ev.prevent_default()
                            >
                                <CardBody card=card.clone() />
                                <CardMenu card=card.clone() cols menu commit />
                            </li>
                        }
                        .into_any()
                    }
                </For>
                <li class="end-gap" class:visible=move || gap.get() == Some(None) aria-hidden="true"></li>
            </ol>
            <Show when=has_more>
                <button type="button" class="more" on:click=move |_| more(ci)>{t!(i18n, pipeline.more)}</button>
            </Show>
        </section>
    }
    .into_any()
}

#[component]
pub(super) fn CardBody(card: DealCard) -> impl IntoView {
    let i18n = use_i18n();
    let initial = card
        .owner_name
        .as_deref()
        .and_then(|n| n.chars().next())
        .unwrap_or('?')
        .to_string();
    view! {
        <div class="card-body">
            <strong class="card-title">{card.title.clone()}</strong>
            {card.company_name.clone().map(|c| view! { <span class="muted card-company">{c}</span> })}
            <span class="card-value">{card.value().to_string()}</span>
            <span class="card-meta">
                <span class="avatar small" title=card.owner_name.clone() aria-hidden="true">{initial}</span>
                {card.expected_close_date.map(|date| view! { <span class="muted"><crate::ui::LocalDate date short=true /></span> })}
                {card.rotting.then(|| view! { <span class="badge rotting">{t!(i18n, pipeline.rotting)}</span> })}
                {card.overdue_task.then(|| view! { <span class="badge overdue">{t!(i18n, pipeline.overdue)}</span> })}
            </span>
        </div>
    }
}

fn money_list(m: &[Money]) -> String {
    if m.is_empty() {
        Money {
            minor: 0,
            currency: crate::money::DEFAULT_CURRENCY.into(),
        }
        .to_string()
    } else {
        m.iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(" · ")
    }
}
