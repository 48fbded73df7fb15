//! Writes made offline (a logged note, a moved deal), kept in IndexedDB until they can be sent, then
//! replayed in the order they were made, each with the key made when it was written (a repeat of a
//! write the server already took is answered with its first result, not written twice). A replay
//! the server refuses (a deal someone else changed meanwhile: a stale version) stays in the queue,
//! shown to the user to resolve; nothing is dropped without them.
//!
//! The queue does not know what its writes are: each is kept as `{kind: arguments}` JSON, and the
//! app hands the layer a `Replay` that sends one (see `crate::offline`).
use std::future::Future;
use std::pin::Pin;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::AppError;

/// A write waiting to be sent, opaque to the queue: its kind's name and its arguments.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Write(pub serde_json::Value);

/// A write that may be kept offline, under the name `KIND` (unique among them).
pub trait Replayable: Serialize {
    const KIND: &'static str;
}

impl Write {
    pub fn of<W: Replayable>(write: &W) -> Write {
        let mut kept = serde_json::Map::new();
        kept.insert(
            W::KIND.to_string(),
            serde_json::to_value(write).unwrap_or_default(),
        );
        Write(serde_json::Value::Object(kept))
    }
}

/// A future of the browser's single thread.
pub type Later<T> = Pin<Box<dyn Future<Output = Result<T, AppError>>>>;

/// How the app sends what the queue keeps: `send` replays a write; `refresh` brings a refused one
/// up to date before the user sends it again (a move goes at the deal as it is now).
#[derive(Clone, Copy)]
pub struct Replay {
    pub send: fn(Write) -> Later<()>,
    pub refresh: fn(Write) -> Later<Write>,
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

#[cfg(feature = "hydrate")]
pub use idb::{all, clear, push, remove, replace};

#[cfg(feature = "hydrate")]
mod idb {
    use leptos::wasm_bindgen::{JsCast, JsValue};
    use leptos::web_sys::{IdbTransactionMode, js_sys};

    use super::super::idb::{self, WRITES, done, failed, store};
    use super::{Entry, Queued};
    use crate::error::AppError;

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
        let req = store(WRITES, IdbTransactionMode::Readwrite)
            .await?
            .add(&record(queued, None)?)
            .map_err(failed)?;
        done(&req).await.map(|_| ())
    }

    /// Keeps a changed entry (a refusal noted) in its place.
    pub async fn replace(entry: &Entry) -> Result<(), AppError> {
        let req = store(WRITES, IdbTransactionMode::Readwrite)
            .await?
            .put(&record(&entry.queued, Some(entry.seq))?)
            .map_err(failed)?;
        done(&req).await.map(|_| ())
    }

    /// Every queued write of `user`, oldest first.
    pub async fn all(user: uuid::Uuid) -> Result<Vec<Entry>, AppError> {
        let req = store(WRITES, IdbTransactionMode::Readonly)
            .await?
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
        let req = store(WRITES, IdbTransactionMode::Readwrite)
            .await?
            .delete(&seq.into())
            .map_err(failed)?;
        done(&req).await.map(|_| ())
    }

    /// Empties the queue (sign-out: what is queued belongs to the user who leaves).
    pub async fn clear() -> Result<(), AppError> {
        idb::clear(WRITES).await
    }
}
