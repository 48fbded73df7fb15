//! The service worker at `/sw.js`: `public/sw.js` with this release's version in it, so that a
//! new release is a new worker (and new caches). The version also goes out with every response
//! (`x-keel-version`), for the worker to tell pages of another release from its own. And the web
//! app manifest, in the browser's language.
use std::sync::Arc;

use axum::Extension;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

/// This release, as the service worker knows it.
#[derive(Clone)]
pub struct Release {
    pub version: HeaderValue,
    worker: Arc<str>,
    /// `public/manifest.webmanifest`, translated per request.
    manifest: Arc<serde_json::Value>,
}

impl Release {
    /// Reads the worker and hashes the files it precaches (a missing file hashes as empty: the
    /// server runs without a built front end in some tests). `KEEL_RELEASE` is mixed in, so that a
    /// deployment can force a new worker without a new build.
    pub fn load(site_root: &str) -> Release {
        let read = |path: &str| std::fs::read(format!("{site_root}/{path}")).unwrap_or_default();
        let worker = String::from_utf8(read("sw.js")).unwrap_or_default();
        let manifest = serde_json::from_slice(&read("manifest.webmanifest")).unwrap_or_default();
        let mut hash = Sha256::new();
        for file in [
            "pkg/keel.js",
            "pkg/keel.wasm",
            "pkg/keel.css",
            "manifest.webmanifest",
            "shell.html",
            "shell.js",
        ] {
            hash.update(read(file));
        }
        hash.update(worker.as_bytes());
        hash.update(std::env::var("KEEL_RELEASE").unwrap_or_default());
        let version: String = hash
            .finalize()
            .iter()
            .take(6)
            .map(|b| format!("{b:02x}"))
            .collect();
        Release {
            manifest: Arc::new(manifest),
            worker: worker.replace("__KEEL_VERSION__", &version).into(),
            version: HeaderValue::from_str(&version).unwrap_or(HeaderValue::from_static("dev")),
        }
    }
}

/// `GET /sw.js`: never cached by the HTTP cache, so that browsers see a new release at once.
pub async fn worker(Extension(release): Extension<Release>) -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/javascript; charset=utf-8"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
            (
                header::HeaderName::from_static("service-worker-allowed"),
                HeaderValue::from_static("/"),
            ),
        ],
        release.worker.to_string(),
    )
        .into_response()
}

/// `GET /manifest.webmanifest`: the manifest in the language the browser asks for first (Chinese
/// or English; the manifest request carries no session to read the user's choice from).
pub async fn manifest(
    Extension(release): Extension<Release>,
    headers: axum::http::HeaderMap,
) -> Response {
    let chinese = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .is_some_and(|first| first.trim().to_ascii_lowercase().starts_with("zh"));
    let locale = if chinese {
        app::i18n::Locale::zh_CN
    } else {
        app::i18n::Locale::en
    };
    let body = app::pwa::localized_manifest(&release.manifest, locale);
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/manifest+json"),
            ),
            (header::VARY, HeaderValue::from_static("accept-language")),
        ],
        body.to_string(),
    )
        .into_response()
}
