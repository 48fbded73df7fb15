//! The service worker at `/sw.js`: `public/sw.js` with this release's version in it, so that a
//! new release is a new worker (and new caches). The version also goes out with every response
//! (`x-keel-version`), for the worker to tell pages of another release from its own. And the web
//! app manifest, in the browser's language.
use std::sync::Arc;

use axum::Extension;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

/// The front end's files under the site root, by the names this build gave them: with a hash in
/// each name (`pkg/keel.<hash>.js`, from the build's hash file) they never change and are cached
/// for good; without, `pkg/keel.js` and so on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assets {
    pub js: String,
    pub wasm: String,
    pub css: String,
    pub hashed: bool,
}

impl Assets {
    /// Reads the hash file (`js: <hash>` lines, as cargo-leptos writes it), if there is one.
    pub fn load(hash_file: Option<&str>) -> Assets {
        let text = hash_file
            .and_then(|f| std::fs::read_to_string(f).ok())
            .unwrap_or_default();
        let hash = |ext: &str| {
            text.lines()
                .filter_map(|l| l.split_once(':'))
                .find(|(k, _)| k.trim() == ext)
                .map(|(_, h)| h.trim().to_string())
                .filter(|h| !h.is_empty())
        };
        // Hashed names for all three files, or plain names for all three.
        match (hash("js"), hash("wasm"), hash("css")) {
            (Some(js), Some(wasm), Some(css)) => Assets {
                js: format!("pkg/keel.{js}.js"),
                wasm: format!("pkg/keel.{wasm}.wasm"),
                css: format!("pkg/keel.{css}.css"),
                hashed: true,
            },
            _ => Assets {
                js: "pkg/keel.js".into(),
                wasm: "pkg/keel.wasm".into(),
                css: "pkg/keel.css".into(),
                hashed: false,
            },
        }
    }

    /// `text` with the placeholders of the files' paths (`__KEEL_JS__` and so on) filled in.
    fn fill(&self, text: &str) -> String {
        text.replace("__KEEL_JS__", &format!("/{}", self.js))
            .replace("__KEEL_WASM__", &format!("/{}", self.wasm))
            .replace("__KEEL_CSS__", &format!("/{}", self.css))
    }
}

/// The route splitting's files that keep one name from build to build (`scripts/site-build`):
/// the chunks' loader and the manifest. Revalidated, never kept for a year.
const SPLIT_FILES: &str = "pkg/__wasm_split";
/// The chunks' loader, which the main script imports.
const SPLIT_LOADER: &str = "pkg/__wasm_split.______________________.js";
/// Each lazy part's chunks (`{"__board_route_view_…": ["chunk_3.<hash>", …]}`), as the splitter
/// wrote them.
const SPLIT_MANIFEST: &str = "pkg/__wasm_split_manifest.json";

/// What the worker precaches of a split build: the chunks' loader and every chunk, so that the
/// installed app opens every page offline, not only those whose code this device loaded online.
fn split_files(loader: &[u8], manifest: &[u8]) -> Vec<String> {
    if loader.is_empty() {
        return Vec::new();
    }
    let parts: std::collections::BTreeMap<String, Vec<String>> =
        serde_json::from_slice(manifest).unwrap_or_default();
    let chunks: std::collections::BTreeSet<String> = parts
        .into_values()
        .flatten()
        .map(|stem| format!("/pkg/{stem}.wasm"))
        .collect();
    std::iter::once(format!("/{SPLIT_LOADER}"))
        .chain(chunks)
        .collect()
}

/// This release, as the service worker knows it.
#[derive(Clone)]
pub struct Release {
    pub version: HeaderValue,
    worker: Arc<str>,
    /// The app shell's page and script (`public/shell.html`, `public/shell.js`) with this
    /// build's file names filled in.
    shell_page: Arc<str>,
    shell_script: Arc<str>,
    /// `public/manifest.webmanifest`, translated per request.
    manifest: Arc<serde_json::Value>,
}

impl Release {
    /// Reads the worker and hashes the files it precaches (a missing file hashes as empty: the
    /// server runs without a built front end in some tests). `KEEL_RELEASE` is mixed in, so that a
    /// deployment can force a new worker without a new build.
    pub fn load(site_root: &str, assets: &Assets) -> Release {
        let read = |path: &str| std::fs::read(format!("{site_root}/{path}")).unwrap_or_default();
        let text = |path: &str| String::from_utf8(read(path)).unwrap_or_default();
        // A split build's chunks and their loader, precached by the worker (see public/sw.js).
        let loader = read(SPLIT_LOADER);
        let split_manifest = read(SPLIT_MANIFEST);
        let split = serde_json::to_string(&split_files(&loader, &split_manifest))
            .unwrap_or_else(|_| "[]".into());
        let worker = assets
            .fill(&text("sw.js"))
            .replace("__KEEL_SPLIT__", &split);
        let shell_page = assets.fill(&text("shell.html"));
        let shell_script = assets.fill(&text("shell.js"));
        let manifest = serde_json::from_slice(&read("manifest.webmanifest")).unwrap_or_default();
        let mut hash = Sha256::new();
        for file in [
            assets.js.as_str(),
            &assets.wasm,
            &assets.css,
            "manifest.webmanifest",
            "shell.html",
            "shell.js",
        ] {
            hash.update(read(file));
        }
        hash.update(&loader);
        hash.update(&split_manifest);
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
            shell_page: shell_page.into(),
            shell_script: shell_script.into(),
            worker: worker.replace("__KEEL_VERSION__", &version).into(),
            version: HeaderValue::from_str(&version).unwrap_or(HeaderValue::from_static("dev")),
        }
    }
}

/// `GET /sw.js`: never cached by the HTTP cache, so that browsers see a new release at once.
pub async fn worker(Extension(release): Extension<Release>) -> Response {
    let mut res = revalidated("text/javascript; charset=utf-8", &release.worker);
    res.headers_mut().insert(
        header::HeaderName::from_static("service-worker-allowed"),
        HeaderValue::from_static("/"),
    );
    res
}

/// `GET /shell.html`: the app shell, naming this build's files (revalidated each time).
pub async fn shell_page(Extension(release): Extension<Release>) -> Response {
    revalidated("text/html; charset=utf-8", &release.shell_page)
}

/// `GET /shell.js`: the app shell's starter, naming this build's files.
pub async fn shell_script(Extension(release): Extension<Release>) -> Response {
    revalidated("text/javascript; charset=utf-8", &release.shell_script)
}

fn revalidated(content_type: &'static str, body: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
        body.to_string(),
    )
        .into_response()
}

/// How long a browser may keep a static file: a front-end file with a hash in its name for a
/// year without asking again (a new build has new names); every other file is revalidated, the
/// route chunks' loader (`pkg/__wasm_split.…`, one name for every build) among them.
pub async fn cache_lifetime(
    axum::extract::State(assets): axum::extract::State<Assets>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let path = req.uri().path();
    let split_file = path.trim_start_matches('/').starts_with(SPLIT_FILES);
    let hashed = assets.hashed && path.starts_with("/pkg/") && !split_file;
    let mut res = next.run(req).await;
    if res.status().is_success() {
        let lifetime = if hashed {
            "public, max-age=31536000, immutable"
        } else {
            "no-cache"
        };
        res.headers_mut()
            .entry(header::CACHE_CONTROL)
            .or_insert(HeaderValue::from_static(lifetime));
    }
    res
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
