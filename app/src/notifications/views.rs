//! The bell in the top bar: the unread count, and a panel of the newest notifications, each a link
//! to its record that marks it read; "Mark all read". Loaded in the browser (the page does not
//! wait for it), again whenever `refresh` changes: the layer above bumps it on a live event for
//! this user.
use leptos::prelude::*;
use uuid::Uuid;

use super::api::{mark_notifications_read, notifications};
use super::model::{COUNTED, Kind, Notification};
use crate::i18n::*;
use crate::ui::{LocalDateTime, Menu};

fn kind_label(l: Locale, k: Kind) -> &'static str {
    match k {
        Kind::Assigned => td_string!(l, notifications.assigned),
        Kind::Breach => td_string!(l, notifications.breach),
        Kind::Reply => td_string!(l, notifications.reply),
        Kind::Mention => td_string!(l, notifications.mention),
        Kind::WebhookPaused => td_string!(l, notifications.webhook_paused),
    }
}

/// The count as the badge shows it.
fn count(n: i64) -> String {
    if n >= COUNTED {
        format!("{}+", COUNTED - 1)
    } else {
        n.to_string()
    }
}

/// Marks `which` read (all, for `None`), then loads the bell again.
fn mark(which: Option<Uuid>, refresh: RwSignal<u32>) {
    leptos::task::spawn_local(async move {
        if mark_notifications_read(which).await.is_ok() {
            refresh.update(|n| *n += 1);
        }
    });
}

#[component]
pub fn NotificationBell(refresh: RwSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    let inbox = crate::ui::load_in_browser(move || {
        refresh.track();
        notifications()
    });
    let unread = move || inbox.get().and_then(Result::ok).map_or(0, |i| i.unread);
    let label = move || {
        let n = unread();
        match n {
            0 => t_string!(i18n, notifications.title).to_string(),
            _ => format!("{} ({})", t_string!(i18n, notifications.unread), count(n)),
        }
    };
    view! {
        <Menu
            class="menu-end bell"
            aria_label=label
            label=ViewFn::from(move || view! {
                <svg class="bell-icon" viewBox="0 0 24 24" aria-hidden="true" width="20" height="20">
                    <path d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3a1.5 1.5 0 0 0-3 0v1.16A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2Z" fill="currentColor" />
                </svg>
                {move || (unread() > 0).then(|| view! { <span class="bell-count" aria-hidden="true">{count(unread())}</span> })}
            })
        >
            <div class="bell-panel">
                <div class="bell-head">
                    <h2>{t!(i18n, notifications.title)}</h2>
                    <button type="button" class="link-button" disabled=move || unread() == 0 on:click=move |_| mark(None, refresh)>
                        {t!(i18n, notifications.mark_all)}
                    </button>
                </div>
                {move || match inbox.get() {
                    None => view! { <div class="skeleton" aria-busy="true"></div> }.into_any(),
                    Some(Err(e)) => view! { <crate::ui::ErrorMessage error=Signal::stored(Some(e)) /> }.into_any(),
                    Some(Ok(i)) if i.items.is_empty() => view! { <p class="empty">{t!(i18n, notifications.none)}</p> }.into_any(),
                    Some(Ok(i)) => view! {
                        <ul class="bell-list">{i.items.into_iter().map(|n| view! { <Item n refresh /> }).collect_view()}</ul>
                    }.into_any(),
                }}
            </div>
        </Menu>
    }
}

#[component]
fn Item(n: Notification, refresh: RwSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    let id = n.id;
    let read = n.read;
    let kind = n.kind;
    view! {
        <li class:unread=!read>
            <a href=n.link on:click=move |_| if !read { mark(Some(id), refresh) }>
                <span class="bell-kind">{move || kind_label(i18n.get_locale(), kind)}</span>
                {(!read).then(|| view! { <span class="visually-hidden">" "{t!(i18n, notifications.unread_one)}</span> })}
                <span class="bell-title">{n.title}</span>
                <span class="meta">
                    {n.actor.map(|a| view! { {a}" · " })}
                    <LocalDateTime at=n.at />
                </span>
            </a>
        </li>
    }
}
