//! The installable app: the service worker's registration and updates, the install entry, and
//! what the page does while offline (the data kept for reading, the writes kept for sending, and a
//! banner that says so).
#[cfg(feature = "hydrate")]
mod browser;
#[cfg(feature = "hydrate")]
mod idb;
pub mod kept;
pub mod queue;

use leptos::prelude::*;
use uuid::Uuid;

use crate::error::AppError;
use crate::i18n::*;
use crate::ui::error_text;
use queue::{Entry, Queued, Replay, Write};

/// What the browser lets the app do, and whether it is online.
#[derive(Clone, Copy)]
pub struct Pwa {
    pub online: RwSignal<bool>,
    /// A new release is installed and waits for the user to reload.
    pub update_ready: RwSignal<bool>,
    /// The browser offered to install the app (its `beforeinstallprompt`, kept for the menu).
    pub can_install: RwSignal<bool>,
    /// Writes kept on this device until they can be sent (those the server refused included).
    pub queued: RwSignal<Vec<Entry>>,
    /// Counts the replays that reached the server, for pages to reload what they show.
    pub synced: RwSignal<u32>,
    /// When the oldest copy this page shows instead of the server's answer was seen (milliseconds
    /// since 1970); `None` while everything shown came from the server.
    pub copy_seen: RwSignal<Option<f64>>,
    /// One replay at a time: two would send the same write twice.
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    syncing: StoredValue<bool>,
    #[cfg(feature = "hydrate")]
    install_prompt: StoredValue<Option<leptos::wasm_bindgen::JsValue>, LocalStorage>,
    /// How the kept writes are sent.
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    replay: Replay,
}

/// Provides `Pwa` to the app; `replay` sends the writes kept offline. The browser's side (the
/// service worker, the online/offline and install listeners) starts with `start_browser`.
pub fn provide_pwa(replay: Replay) -> Pwa {
    let pwa = Pwa {
        online: RwSignal::new(true),
        update_ready: RwSignal::new(false),
        can_install: RwSignal::new(false),
        queued: RwSignal::new(Vec::new()),
        synced: RwSignal::new(0),
        copy_seen: RwSignal::new(None),
        syncing: StoredValue::new(false),
        #[cfg(feature = "hydrate")]
        install_prompt: StoredValue::new_local(None),
        replay,
    };
    provide_context(pwa);
    #[cfg(feature = "hydrate")]
    {
        browser::PWA.set(Some(pwa));
        browser::OWNER.set(Owner::current());
    }
    pwa
}

/// Starts the service worker and the online/offline and install listeners, once the page is
/// alive (hydrated, or mounted from the app shell). Not before: a lazy route's chunk is fetched
/// while hydration waits, and what the browser says meanwhile (an install offer, going offline)
/// would change the markup hydration has yet to meet, and break it.
#[cfg(feature = "hydrate")]
pub fn start_browser() {
    if let (Some(pwa), Some(owner)) = (browser::PWA.get(), browser::OWNER.take()) {
        owner.with(|| browser::start(pwa));
    }
}

/// Whether the page shows copies kept on this device.
#[cfg(feature = "hydrate")]
fn shows_copy() -> bool {
    browser::PWA
        .get()
        .is_some_and(|p| p.copy_seen.try_get_untracked().flatten().is_some())
}

/// The page shows a copy kept on this device, seen at `seen`: the banner says since when.
#[cfg(feature = "hydrate")]
fn shown_copy(seen: f64) {
    if let Some(pwa) = browser::PWA.get() {
        pwa.copy_seen
            .try_update(|c| *c = Some(c.map_or(seen, |c| c.min(seen))));
    }
}

impl Pwa {
    /// Shows the browser's install dialog, if it offered one.
    pub fn install(self) {
        #[cfg(feature = "hydrate")]
        browser::install(self);
    }

    /// Replaces the running release with the waiting one; the page reloads when it takes over.
    pub fn update(self) {
        #[cfg(feature = "hydrate")]
        browser::update();
    }

    /// Whether the browser is offline now (a write is then kept instead of sent).
    pub fn offline(self) -> bool {
        !self.online.get_untracked()
    }

    /// Keeps a write that could not be sent, to be replayed once back online.
    pub fn keep(self, user: Uuid, label: String, write: Write) {
        let queued = Queued {
            user,
            label,
            write,
            refused: None,
        };
        leptos::task::spawn_local(async move {
            #[cfg(feature = "hydrate")]
            if queue::push(&queued).await.is_ok() {
                self.queued.set(queue::all(user).await.unwrap_or_default());
            }
            #[cfg(not(feature = "hydrate"))]
            let _ = queued;
        });
    }

    /// Sends the kept writes, oldest first, while the network answers. A write the server refuses
    /// stays, with the reason, for the user to send again or discard.
    /// One tab replays at a time (a Web Lock shared by the browser's tabs), reading the queue once
    /// it holds the lock, so a second tab finds what the first sent already gone.
    pub async fn sync(self, user: Uuid) {
        #[cfg(feature = "hydrate")]
        {
            if self.syncing.get_value() {
                return;
            }
            self.syncing.set_value(true);
            let sent = std::rc::Rc::new(std::cell::Cell::new(0));
            let counted = sent.clone();
            browser::one_tab_at_a_time(REPLAY_LOCK, async move {
                for mut entry in queue::all(user).await.unwrap_or_default() {
                    if entry.queued.refused.is_some() {
                        continue;
                    }
                    match (self.replay.send)(entry.queued.write.clone()).await {
                        Ok(()) => {
                            let _ = queue::remove(entry.seq).await;
                            counted.set(counted.get() + 1);
                        }
                        Err(AppError::Network) => break,
                        Err(e) => {
                            entry.queued.refused = Some(e);
                            let _ = queue::replace(&entry).await;
                        }
                    }
                }
            })
            .await;
            self.queued.set(queue::all(user).await.unwrap_or_default());
            self.syncing.set_value(false);
            if sent.get() > 0 {
                self.synced.update(|n| *n += 1);
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = user;
    }

    /// Sends a refused write again; a move goes at the deal as it is now (the user chose so).
    pub async fn retry(self, user: Uuid, mut entry: Entry) {
        match (self.replay.refresh)(entry.queued.write.clone()).await {
            Ok(write) => entry.queued.write = write,
            Err(AppError::Network) => return,
            Err(_) => {}
        }
        entry.queued.refused = None;
        #[cfg(feature = "hydrate")]
        {
            let _ = queue::replace(&entry).await;
        }
        self.sync(user).await;
    }

    /// Drops a refused write, at the user's word.
    pub async fn discard(self, user: Uuid, seq: f64) {
        #[cfg(feature = "hydrate")]
        {
            let _ = queue::remove(seq).await;
            self.queued.set(queue::all(user).await.unwrap_or_default());
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (user, seq);
    }
}

/// The Web Lock held by the tab that replays the queue.
#[cfg(feature = "hydrate")]
const REPLAY_LOCK: &str = "keel-replay";

/// A fresh random key for one write, made on the device that writes it: sent with the write and
/// kept with it in the queue, so the server can tell a repeat from a new write.
pub fn write_key() -> Uuid {
    #[cfg(feature = "hydrate")]
    {
        let mut bytes = [0u8; 16];
        let filled = leptos::web_sys::window()
            .and_then(|w| w.crypto().ok())
            .is_some_and(|c| c.get_random_values_with_u8_array(&mut bytes).is_ok());
        if !filled {
            for b in &mut bytes {
                *b = (leptos::web_sys::js_sys::Math::random() * 256.0) as u8;
            }
        }
        uuid::Builder::from_random_bytes(bytes).into_uuid()
    }
    #[cfg(all(feature = "ssr", not(feature = "hydrate")))]
    {
        Uuid::new_v4()
    }
    #[cfg(not(any(feature = "ssr", feature = "hydrate")))]
    {
        Uuid::nil()
    }
}

/// Forgets what this browser kept for the user who signs out: the data kept for reading and the
/// writes not sent.
pub async fn forget_offline_data() {
    kept::forget().await;
    #[cfg(feature = "hydrate")]
    let _ = queue::clear().await;
}

/// The writes kept on this device: how many wait, and each one the server refused with what the
/// user can do about it. Sends them when the page opens online and whenever the network returns.
#[component]
pub fn PendingWrites(user: Uuid) -> impl IntoView {
    let i18n = use_i18n();
    let Some(pwa) = use_context::<Pwa>() else {
        return ().into_any();
    };
    Effect::new(move |_| {
        if pwa.online.get() {
            leptos::task::spawn_local(pwa.sync(user));
        }
    });
    let waiting = move || {
        pwa.queued
            .with(|q| q.iter().filter(|e| e.queued.refused.is_none()).count())
    };
    let refused = move || {
        pwa.queued
            .get()
            .into_iter()
            .filter(|e| e.queued.refused.is_some())
            .collect::<Vec<_>>()
    };
    view! {
        <Show when=move || { waiting() > 0 }>
            <p class="offline-banner" role="status">{move || t!(i18n, pwa.waiting, count = move || waiting() as u64)}</p>
        </Show>
        <Show when=move || !refused().is_empty()>
            <section class="panel sync-problems" aria-labelledby="sync-problems">
                <h2 id="sync-problems">{t!(i18n, pwa.refused_title)}</h2>
                <ul>
                    {move || refused().into_iter().map(|entry| {
                        let seq = entry.seq;
                        let why = entry.queued.refused.clone().unwrap_or(AppError::Network);
                        let label = entry.queued.label.clone();
                        let name = label.clone();
                        view! {
                            <li>
                                <strong>{label}</strong>": "{error_text(i18n, &why)}
                                <div class="actions">
                                    <button type="button" aria-label=move || format!("{} {name}", t_string!(i18n, pwa.send_again)) on:click=move |_| {
                                        leptos::task::spawn_local(pwa.retry(user, entry.clone()));
                                    }>{t!(i18n, pwa.send_again)}</button>
                                    <button type="button" class="danger" on:click=move |_| {
                                        leptos::task::spawn_local(pwa.discard(user, seq));
                                    }>{t!(i18n, pwa.discard)}</button>
                                </div>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </section>
        </Show>
    }
    .into_any()
}

/// "Offline." while the browser is offline, "Showing what was last seen at …" while the page shows
/// copies kept on this device (from when), and "Update available — reload" when a new release
/// waits.
#[component]
pub fn PwaBanners() -> impl IntoView {
    let i18n = use_i18n();
    let pwa = use_context::<Pwa>();
    let online = move || pwa.is_none_or(|p| p.online.get());
    let ready = move || pwa.is_some_and(|p| p.update_ready.get());
    let seen = move || pwa.and_then(|p| p.copy_seen.get()).map(local_time);
    // Each page says for itself whether it shows copies.
    let location = leptos_router::hooks::use_location();
    Effect::new(move |_| {
        location.pathname.track();
        if let Some(p) = pwa {
            p.copy_seen.set(None);
        }
    });
    view! {
        <Show when=move || !online() || seen().is_some()>
            <p class="offline-banner" role="status">
                {move || (!online()).then(|| t!(i18n, pwa.offline))}
                {move || seen().map(|at| view! { " " {t!(i18n, pwa.last_updated, at = move || at.clone())} })}
            </p>
        </Show>
        <Show when=ready>
            <div class="update-banner" role="status">
                <span>{t!(i18n, pwa.update_available)}</span>
                <button type="button" class="primary" on:click=move |_| { if let Some(p) = pwa { p.update() } }>
                    {t!(i18n, pwa.reload)}
                </button>
            </div>
        </Show>
    }
}

/// A moment (milliseconds since 1970) in the browser's language and time zone.
fn local_time(ms: f64) -> String {
    #[cfg(feature = "hydrate")]
    {
        let date = leptos::web_sys::js_sys::Date::new(&ms.into());
        date.to_locale_string("default", &Default::default())
            .as_string()
            .unwrap_or_default()
    }
    #[cfg(not(feature = "hydrate"))]
    ms.to_string()
}

/// What a page shows when the server cannot be reached: offline, that the page was not kept on
/// this device; either way, "Try again" loads it once more.
#[component]
pub fn OfflineNotice() -> impl IntoView {
    let i18n = use_i18n();
    let pwa = use_context::<Pwa>();
    let online = move || pwa.is_none_or(|p| p.online.get());
    let retry = move |_| {
        #[cfg(feature = "hydrate")]
        let _ = window().location().reload();
    };
    view! {
        <section class="error-panel offline-notice">
            <h2>{move || if online() { t!(i18n, errors.title).into_any() } else { t!(i18n, pwa.offline_title).into_any() }}</h2>
            <p role="alert">{move || if online() { t!(i18n, errors.network).into_any() } else { t!(i18n, pwa.offline_about).into_any() }}</p>
            <button type="button" class="primary" on:click=retry>{t!(i18n, pwa.retry)}</button>
        </section>
    }
}

/// The web app manifest (`public/manifest.webmanifest`) in the reader's language: the description
/// and the shortcuts' names are translated, the language is set.
#[cfg(feature = "ssr")]
pub fn localized_manifest(template: &serde_json::Value, locale: Locale) -> serde_json::Value {
    let mut m = template.clone();
    m["lang"] = locale.as_str().into();
    m["description"] = td_string!(locale, pwa.description).into();
    if let Some(shortcuts) = m["shortcuts"].as_array_mut() {
        for s in shortcuts {
            let name = match s["url"].as_str() {
                Some("/pipeline") => td_string!(locale, nav.pipeline),
                Some("/contacts/new") => td_string!(locale, contacts.new),
                _ => continue,
            };
            s["name"] = name.into();
            s["short_name"] = name.into();
        }
    }
    m
}
