//! What the app showed (the board, records, their timelines and related lists), kept on this
//! device in IndexedDB for reading offline. Copies are kept per user: each key starts with the
//! signed-in user's id, a different user signing in on this browser wipes the previous user's
//! copies, and signing out wipes them all. The service worker keeps no data, only the app's files.
use leptos::prelude::{GetValue, SetValue, StoredValue};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::future::Future;

use crate::error::AppError;
use crate::users::model::CurrentUser;

/// Where a record page, or a part of one, is kept on this device: its kind and the record's id.
pub fn kept_key(kind: &str, id: &impl Serialize) -> String {
    format!("{kind}/{}", serde_json::to_string(id).unwrap_or_default())
}

/// Loads with `fetch` and keeps what it answers under `key` for the signed-in user. When `fetch`
/// fails for want of network, answers with the copy kept instead and tells the banner when that
/// copy was seen; without one, the network error stands.
pub fn or_kept<T, F>(key: String, fetch: F) -> impl Future<Output = Result<T, AppError>> + Send
where
    T: Serialize + DeserializeOwned + Send + 'static,
    F: Future<Output = Result<T, AppError>> + Send + 'static,
{
    #[cfg(feature = "hydrate")]
    {
        // IndexedDB's futures are not Send; the browser runs one thread.
        send_wrapper::SendWrapper::new(async move {
            let result = fetch.await;
            match &result {
                Ok(value) => keep(&key, value),
                Err(AppError::Network) => {
                    if let Some((value, seen)) = browser::recall(&key).await {
                        super::shown_copy(seen);
                        return Ok(value);
                    }
                }
                Err(_) => {}
            }
            result
        })
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = key;
        fetch
    }
}

/// Keeps what a page shows first, for data a resource may bring with the page: hydrated from the
/// server's answer, it never passes through `or_kept`. Later values load in the browser through
/// `or_kept`, which keeps them, so they are not serialised twice.
#[derive(Clone, Copy)]
pub struct KeepFirst(StoredValue<bool>);

impl KeepFirst {
    pub fn new() -> Self {
        KeepFirst(StoredValue::new(true))
    }

    /// Keeps `value` under `key` for the signed-in user if it is the first value shown (in the
    /// browser, and unless the page shows copies: keeping a copy again would make it look newer
    /// than it is).
    pub fn remember<T: Serialize>(self, key: &str, value: &T) {
        if !self.0.get_value() {
            return;
        }
        self.0.set_value(false);
        #[cfg(feature = "hydrate")]
        if super::shows_copy() {
            return;
        }
        keep(key, value);
    }
}

fn keep<T: Serialize>(key: &str, value: &T) {
    #[cfg(feature = "hydrate")]
    if let (Some(key), Ok(json)) = (browser::user_key(key), serde_json::to_string(value)) {
        leptos::task::spawn_local(async move {
            let _ = browser::put(&key, json).await;
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (key, value);
}

/// Keys the copies to `user` from now on. Another user's copies on this browser (they did not
/// sign out) go.
pub fn adopt(user: &CurrentUser) {
    #[cfg(feature = "hydrate")]
    {
        browser::USER.set(Some(user.id.0));
        let user = user.clone();
        leptos::task::spawn_local(async move {
            let _ = browser::adopt(&user).await;
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = user;
}

/// The signed-in user, from the server; offline, the user whose copies this browser keeps.
pub async fn signed_in_user() -> Result<CurrentUser, AppError> {
    let found = crate::users::api::me().await;
    #[cfg(feature = "hydrate")]
    if found == Err(AppError::Network) {
        let kept = send_wrapper::SendWrapper::new(browser::get(browser::OWNER));
        if let Some(user) = kept
            .await
            .and_then(|(json, _)| serde_json::from_str(&json).ok())
        {
            return Ok(user);
        }
    }
    found
}

/// Forgets every copy (sign-out).
pub async fn forget() {
    #[cfg(feature = "hydrate")]
    {
        browser::USER.set(None);
        let _ = super::idb::clear(super::idb::KEPT).await;
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use leptos::wasm_bindgen::{JsCast, JsValue};
    use leptos::web_sys::{IdbTransactionMode, js_sys};
    use serde::de::DeserializeOwned;
    use std::cell::Cell;

    use super::super::idb::{KEPT, done, failed, store};
    use crate::error::AppError;
    use crate::users::model::CurrentUser;

    /// The key of the user whose copies these are.
    pub const OWNER: &str = "user";

    thread_local! {
        pub static USER: Cell<Option<uuid::Uuid>> = const { Cell::new(None) };
    }

    /// `key` for the signed-in user, if one is known.
    pub fn user_key(key: &str) -> Option<String> {
        USER.get().map(|u| format!("{u}/{key}"))
    }

    pub async fn put(key: &str, json: String) -> Result<(), AppError> {
        let row = js_sys::Object::new();
        js_sys::Reflect::set(&row, &"json".into(), &json.into()).map_err(failed)?;
        js_sys::Reflect::set(&row, &"seen".into(), &js_sys::Date::now().into()).map_err(failed)?;
        let req = store(KEPT, IdbTransactionMode::Readwrite)
            .await?
            .put_with_key(&row, &JsValue::from_str(key))
            .map_err(failed)?;
        done(&req).await.map(|_| ())
    }

    /// The JSON kept under `key` and when it was seen (milliseconds since 1970).
    pub async fn get(key: &str) -> Option<(String, f64)> {
        let req = store(KEPT, IdbTransactionMode::Readonly)
            .await
            .ok()?
            .get(&JsValue::from_str(key))
            .ok()?;
        let row = done(&req).await.ok()?;
        let json = js_sys::Reflect::get(&row, &"json".into())
            .ok()?
            .as_string()?;
        let seen = js_sys::Reflect::get(&row, &"seen".into()).ok()?.as_f64()?;
        Some((json, seen))
    }

    /// The signed-in user's copy under `key`, and when it was seen.
    pub async fn recall<T: DeserializeOwned>(key: &str) -> Option<(T, f64)> {
        let (json, seen) = get(&user_key(key)?).await?;
        Some((serde_json::from_str(&json).ok()?, seen))
    }

    /// Deletes every copy that is not `user`'s (only those: the page may already be keeping
    /// `user`'s first copies), and names `user` as the owner.
    pub async fn adopt(user: &CurrentUser) -> Result<(), AppError> {
        let req = store(KEPT, IdbTransactionMode::Readonly)
            .await?
            .get_all_keys()
            .map_err(failed)?;
        let keys: js_sys::Array = done(&req).await?.dyn_into().map_err(failed)?;
        let theirs = format!("{}/", user.id.0);
        // One transaction: its requests run in order, so the last one done means all are.
        let kept = store(KEPT, IdbTransactionMode::Readwrite).await?;
        let mut last = None;
        for key in keys.iter() {
            let name = key.as_string().unwrap_or_default();
            if name != OWNER && !name.starts_with(&theirs) {
                last = Some(kept.delete(&key).map_err(failed)?);
            }
        }
        if let Some(req) = last {
            done(&req).await?;
        }
        let json = serde_json::to_string(user).map_err(|_| AppError::BadRequest)?;
        put(OWNER, json).await
    }
}
