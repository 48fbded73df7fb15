//! Browser-facing defences: security headers with a per-response CSP nonce, refusal of
//! cross-site writes, and HTTP statuses for server-function errors.
use axum::body::Body;
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::header::{CONTENT_SECURITY_POLICY, CONTENT_TYPE, HOST, ORIGIN, RETRY_AFTER};
use http::{HeaderValue, Method, StatusCode};

use app::error::AppError;

/// The nonce for this response's inline scripts; Leptos puts it on its hydration script.
#[derive(Clone, Debug)]
pub struct CspNonce(pub String);

pub fn content_security_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self'; \
         connect-src 'self'; manifest-src 'self'; worker-src 'self'; object-src 'none'; \
         base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// Gives each request a fresh nonce and sends the matching CSP with HTML responses.
pub async fn csp(mut req: Request, next: Next) -> Response {
    let nonce = uuid::Uuid::new_v4().simple().to_string();
    req.extensions_mut().insert(CspNonce(nonce.clone()));
    let mut res = next.run(req).await;
    let is_html = res
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if is_html {
        if let Ok(v) = HeaderValue::from_str(&content_security_policy(&nonce)) {
            res.headers_mut().insert(CONTENT_SECURITY_POLICY, v);
        }
    }
    res
}

/// Refuses requests that would change data when a browser says they come from another site.
/// Browsers send `Sec-Fetch-Site` (or at least `Origin`) on such requests; clients that are not
/// browsers send neither and carry no ambient cookies of a victim, so they pass.
pub async fn reject_cross_site_writes(req: Request, next: Next) -> Response {
    // The public API authenticates by a header a browser never sends by itself: no ambient
    // credential, so no cross-site forgery to refuse.
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS)
        || req.uri().path().starts_with("/api/v1/")
    {
        return next.run(req).await;
    }
    let headers = req.headers();
    let allowed = match headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        Some(site) => site == "same-origin" || site == "none",
        None => match (
            headers.get(ORIGIN).and_then(|v| v.to_str().ok()),
            headers.get(HOST).and_then(|v| v.to_str().ok()),
        ) {
            (Some(origin), Some(host)) => {
                origin
                    .strip_prefix("http://")
                    .or_else(|| origin.strip_prefix("https://"))
                    == Some(host)
            }
            (Some(_), None) => false,
            (None, _) => true,
        },
    };
    if allowed {
        next.run(req).await
    } else {
        tracing::warn!(path = %req.uri().path(), "refused a cross-site write");
        error_response(&AppError::Forbidden)
    }
}

pub fn error_response(e: &AppError) -> Response {
    let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body =
        serde_json::to_string(e).unwrap_or_else(|_| r#"{"kind":"internal","id":"encode"}"#.into());
    let mut res = (status, [(CONTENT_TYPE, "application/json")], body).into_response();
    set_retry_after(res.headers_mut(), e);
    res
}

/// A refusal to go on for now says when to come back (RFC 9110 `Retry-After`, in seconds).
fn set_retry_after(headers: &mut http::HeaderMap, e: &AppError) {
    if let AppError::RateLimited { retry_after_secs } = e {
        headers.insert(RETRY_AFTER, HeaderValue::from(*retry_after_secs));
    }
}

/// Server functions report every error as 500; give each `AppError` its proper status instead
/// (401, 403, 404, 409, 422, 429…), keeping the typed body the client decodes.
pub async fn server_fn_error_status(req: Request, next: Next) -> Response {
    let res = next.run(req).await;
    if res.status() != StatusCode::INTERNAL_SERVER_ERROR
        || !res.headers().contains_key("serverfnerror")
    {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return error_response(&AppError::internal("unreadable server function error body"));
    };
    if let Ok(e) = serde_json::from_slice::<AppError>(&bytes) {
        parts.status =
            StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        set_retry_after(&mut parts.headers, &e);
    }
    Response::from_parts(parts, Body::from(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_csp_allows_only_this_responses_inline_script_and_wasm() {
        let p = content_security_policy("abc");
        assert!(p.contains("script-src 'self' 'nonce-abc' 'wasm-unsafe-eval'"));
        assert!(p.contains("frame-ancestors 'none'"));
        assert!(!p.contains("unsafe-eval'") || p.contains("wasm-unsafe-eval"));
    }
}
