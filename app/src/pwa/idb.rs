//! The app's IndexedDB database (`keel`) through web-sys: the writes waiting to be sent
//! (`writes`, in order) and the data kept for reading offline (`kept`, by key).
use leptos::prelude::*;
use leptos::wasm_bindgen::prelude::Closure;
use leptos::wasm_bindgen::{JsCast, JsValue};
use leptos::web_sys::{self, IdbDatabase, IdbObjectStore, IdbRequest, IdbTransactionMode, js_sys};
use wasm_bindgen_futures::JsFuture;

use crate::error::AppError;

const DB: &str = "keel";
/// Version 2 added `kept`.
const VERSION: u32 = 2;
pub const WRITES: &str = "writes";
pub const KEPT: &str = "kept";

pub fn failed(_: JsValue) -> AppError {
    AppError::Network
}

/// The request's result, once it succeeds.
pub async fn done(req: &IdbRequest) -> Result<JsValue, AppError> {
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
    let req = factory.open_with_u32(DB, VERSION).map_err(failed)?;
    let upgrade = req.clone();
    let on_upgrade = Closure::once_into_js(move || {
        let Ok(db) = upgrade
            .result()
            .and_then(|r| r.dyn_into::<IdbDatabase>().map_err(JsValue::from))
        else {
            return;
        };
        let names = db.object_store_names();
        if !names.contains(WRITES) {
            let params = web_sys::IdbObjectStoreParameters::new();
            params.set_key_path(&"seq".into());
            params.set_auto_increment(true);
            let _ = db.create_object_store_with_optional_parameters(WRITES, &params);
        }
        if !names.contains(KEPT) {
            let _ = db.create_object_store(KEPT);
        }
    });
    req.set_onupgradeneeded(Some(on_upgrade.unchecked_ref()));
    done(&req).await?.dyn_into().map_err(failed)
}

/// One of the database's stores, in a transaction of its own.
pub async fn store(name: &str, mode: IdbTransactionMode) -> Result<IdbObjectStore, AppError> {
    let db = open().await?;
    db.transaction_with_str_and_mode(name, mode)
        .and_then(|t| t.object_store(name))
        .map_err(failed)
}

/// Empties a store.
pub async fn clear(name: &str) -> Result<(), AppError> {
    let req = store(name, IdbTransactionMode::Readwrite)
        .await?
        .clear()
        .map_err(failed)?;
    done(&req).await.map(|_| ())
}
