//! Refuses, before any handler runs, text that no column can store: a NUL byte in a query
//! string, a server function's arguments (form or JSON), or an upload's `X-File-Name`. Postgres
//! text cannot hold NUL, so such a value would otherwise reach SQL and fail there as a 500. The
//! answer is the typed 422 naming the field (`Invalid::Characters`), as a form's own check gives.
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use http::header::CONTENT_TYPE;

use app::error::{AppError, Invalid};
use app::ui::url::decode;

use crate::security::error_response;

/// The field a form key names: `input[full_name]` → `full_name`, `query[cols][0]` → `cols`.
fn field_of(key: &str) -> String {
    let parts: Vec<&str> = key
        .split(['[', ']'])
        .filter(|p| !p.is_empty() && !p.bytes().all(|b| b.is_ascii_digit()))
        .collect();
    parts.last().copied().unwrap_or(key).to_string()
}

/// The first form field (`k=v&…`, percent-encoded) whose key or value holds a NUL.
fn nul_in_form(form: &str) -> Option<String> {
    form.split('&').find_map(|kv| {
        let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
        let (k, v) = (decode(k), decode(v));
        (k.contains('\0') || v.contains('\0')).then(|| field_of(&k))
    })
}

/// The first JSON string (or key) holding a NUL, named by the key it is under.
fn nul_in_json(v: &serde_json::Value, under: &str) -> Option<String> {
    match v {
        serde_json::Value::String(s) => s.contains('\0').then(|| under.to_string()),
        serde_json::Value::Array(items) => items.iter().find_map(|i| nul_in_json(i, under)),
        serde_json::Value::Object(map) => map.iter().find_map(|(k, v)| {
            if k.contains('\0') {
                Some(under.to_string())
            } else {
                nul_in_json(v, k)
            }
        }),
        _ => None,
    }
}

/// The refusal, in the public API's error body under `/api/v1`.
fn refused(field: &str, api: bool) -> Response {
    let field = if field.is_empty() { "form" } else { field };
    let e = AppError::invalid(field, Invalid::Characters);
    if api {
        crate::api::ApiError(e).into_response()
    } else {
        error_response(&e)
    }
}

/// The layer; its state is the largest server-function body read (`KEEL_BODY_LIMIT_BYTES`).
pub async fn refuse_nul_bytes(
    State(body_limit): State<usize>,
    req: Request,
    next: Next,
) -> Response {
    let api = req.uri().path().starts_with("/api/v1/");
    if let Some(field) = req.uri().query().and_then(nul_in_form) {
        return refused(&field, api);
    }
    if let Some(name) = req.headers().get("x-file-name") {
        let name = decode(&String::from_utf8_lossy(name.as_bytes()));
        if name.chars().any(char::is_control) {
            return refused("name", api);
        }
    }
    if !req.uri().path().starts_with("/api/") {
        return next.run(req).await;
    }
    let kind = req
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let form = kind.starts_with("application/x-www-form-urlencoded");
    let json = kind.starts_with("application/json");
    if !form && !json {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    let bytes: Bytes = match axum::body::to_bytes(body, body_limit).await {
        Ok(b) => b,
        Err(_) if api => return crate::api::ApiError(AppError::BadRequest).into_response(),
        Err(_) => return StatusCode::PAYLOAD_TOO_LARGE.into_response(),
    };
    let found = if form {
        nul_in_form(&String::from_utf8_lossy(&bytes))
    } else {
        serde_json::from_slice::<serde_json::Value>(&bytes)
            .ok()
            .and_then(|v| nul_in_json(&v, "form"))
    };
    if let Some(field) = found {
        return refused(&field, api);
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_nul_in_a_form_field_names_the_field() {
        assert_eq!(
            nul_in_form("input%5Bfull_name%5D=a%00b&x=1").as_deref(),
            Some("full_name")
        );
        assert_eq!(nul_in_form("query[cols][0]=%00").as_deref(), Some("cols"));
        assert_eq!(nul_in_form("q=wang%20wei&tag=vip"), None);
    }

    #[test]
    fn a_nul_in_json_names_the_key_it_is_under() {
        let v: serde_json::Value =
            serde_json::from_str(r#"{"action":{"add_tag":"a\u0000"},"list":"leads"}"#).unwrap();
        assert_eq!(nul_in_json(&v, "form").as_deref(), Some("add_tag"));
        let v: serde_json::Value = serde_json::from_str(r#"{"a":["x","\\u0000"]}"#).unwrap();
        assert_eq!(
            nul_in_json(&v, "form"),
            None,
            "an escaped backslash is text"
        );
    }
}
