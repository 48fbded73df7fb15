//! Writes made offline (a logged note, a moved deal), kept in IndexedDB until they can be sent, then
//! replayed in the order they were made. A replay the server refuses (a deal someone else changed
//! meanwhile: a stale version) stays in the queue, shown to the user to resolve; nothing is dropped
//! without them.
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::activities::api::LogInteraction;
use crate::error::AppError;
use crate::pipeline::api::MoveDeal;

/// A write waiting to be sent.
#[derive(Clone, Serialize, Deserialize)]
pub enum Write {
    Note(LogInteraction),
    Move(MoveDeal),
}

/// A queued write as the queue keeps it: whose it is, what the user saw (a note's first words, a
/// deal's title), and why the server refused it, if it did.
#[derive(Clone, Serialize, Deserialize)]
pub struct Queued {
    pub user: Uuid,
    pub label: String,
    pub write: Write,
    pub refused: Option<AppError>,
}

/// A queued write and its place in the queue.
#[derive(Clone)]
pub struct Entry {
    pub seq: f64,
    pub queued: Queued,
}

impl Write {
    /// Sends the write; a move returns nothing more than success (the board reloads).
    pub async fn send(self) -> Result<(), AppError> {
        match self {
            Write::Note(n) => crate::activities::api::log_interaction(n.about, n.id, n.input).await,
            Write::Move(m) => crate::pipeline::api::move_deal(m.id, m.version, m.to)
                .await
                .map(|_| ()),
        }
    }
}

#[cfg(feature = "hydrate")]
pub use idb::{all, clear, push, remove, replace};

#[cfg(feature = "hydrate")]
mod idb {
    use leptos::prelude::*;
    use leptos::wasm_bindgen::prelude::Closure;
    use leptos::wasm_bindgen::{JsCast, JsValue};
    use leptos::web_sys::{self, IdbDatabase, IdbRequest, IdbTransactionMode, js_sys};
    use wasm_bindgen_futures::JsFuture;

    use super::{Entry, Queued};
    use crate::error::AppError;

    const DB: &str = "keel";
    const STORE: &str = "writes";

    fn failed(_: JsValue) -> AppError {
        AppError::Network
    }

    /// The request's result, once it succeeds.
    async fn done(req: &IdbRequest) -> Result<JsValue, AppError> {
        let req = req.clone();
        let promise = js_sys::Promise::new(&mut |resolve, reject| {
            let r = req.clone();
            let ok = Closure::once_into_js(move || {
                let _ = resolve.call1(&JsValue::NULL, &r.result().unwrap_or(JsValue::UNDEFINED));
            });
            let err = Closure::once_into_js(move || {
                let _ = reject.call0(&JsValue::NULL);
            });
            req.set_onsuccess(Some(ok.unchecked_ref()));
            req.set_onerror(Some(err.unchecked_ref()));
        });
        JsFuture::from(promise).await.map_err(failed)
    }

    async fn open() -> Result<IdbDatabase, AppError> {
        let factory = window()
            .indexed_db()
            .map_err(failed)?
            .ok_or(AppError::Network)?;
        let req = factory.open_with_u32(DB, 1).map_err(failed)?;
        let upgrade = req.clone();
        let on_upgrade = Closure::once_into_js(move || {
            if let Ok(db) = upgrade
                .result()
                .and_then(|r| r.dyn_into::<IdbDatabase>().map_err(JsValue::from))
            {
                let params = web_sys::IdbObjectStoreParameters::new();
                params.set_key_path(&"seq".into());
                params.set_auto_increment(true);
                let _ = db.create_object_store_with_optional_parameters(STORE, &params);
            }
        });
        req.set_onupgradeneeded(Some(on_upgrade.unchecked_ref()));
        done(&req).await?.dyn_into().map_err(failed)
    }

    fn store(
        db: &IdbDatabase,
        mode: IdbTransactionMode,
    ) -> Result<web_sys::IdbObjectStore, AppError> {
        db.transaction_with_str_and_mode(STORE, mode)
            .and_then(|t| t.object_store(STORE))
            .map_err(failed)
    }

    fn record(queued: &Queued, seq: Option<f64>) -> Result<JsValue, AppError> {
        let json = serde_json::to_string(queued).map_err(|_| AppError::BadRequest)?;
        let obj = js_sys::Object::new();
        js_sys::Reflect::set(&obj, &"json".into(), &json.into()).map_err(failed)?;
        if let Some(seq) = seq {
            js_sys::Reflect::set(&obj, &"seq".into(), &seq.into()).map_err(failed)?;
        }
        Ok(obj.into())
    }

    /// Adds a write at the end of the queue.
    pub async fn push(queued: &Queued) -> Result<(), AppError> {
        let db = open().await?;
        let req = store(&db, IdbTransactionMode::Readwrite)?
            .add(&record(queued, None)?)
            .map_err(failed)?;
        done(&req).await.map(|_| ())
    }

    /// Keeps a changed entry (a refusal noted) in its place.
    pub async fn replace(entry: &Entry) -> Result<(), AppError> {
        let db = open().await?;
        let req = store(&db, IdbTransactionMode::Readwrite)?
            .put(&record(&entry.queued, Some(entry.seq))?)
            .map_err(failed)?;
        done(&req).await.map(|_| ())
    }

    /// Every queued write of `user`, oldest first.
    pub async fn all(user: uuid::Uuid) -> Result<Vec<Entry>, AppError> {
        let db = open().await?;
        let req = store(&db, IdbTransactionMode::Readonly)?
            .get_all()
            .map_err(failed)?;
        let rows: js_sys::Array = done(&req).await?.dyn_into().map_err(failed)?;
        Ok(rows
            .iter()
            .filter_map(|row| {
                let seq = js_sys::Reflect::get(&row, &"seq".into()).ok()?.as_f64()?;
                let json = js_sys::Reflect::get(&row, &"json".into())
                    .ok()?
                    .as_string()?;
                let queued: Queued = serde_json::from_str(&json).ok()?;
                (queued.user == user).then_some(Entry { seq, queued })
            })
            .collect())
    }

    pub async fn remove(seq: f64) -> Result<(), AppError> {
        let db = open().await?;
        let req = store(&db, IdbTransactionMode::Readwrite)?
            .delete(&seq.into())
            .map_err(failed)?;
        done(&req).await.map(|_| ())
    }

    /// Empties the queue (sign-out: what is queued belongs to the user who leaves).
    pub async fn clear() -> Result<(), AppError> {
        let db = open().await?;
        let req = store(&db, IdbTransactionMode::Readwrite)?
            .clear()
            .map_err(failed)?;
        done(&req).await.map(|_| ())
    }
}
