//! The bad-input sweep: every registered server function and every plain route (export, import
//! upload, events) is called with malformed values in each argument, as a signed-in admin and a
//! sales user. No answer may be a 5xx, and none may show internal text (SQL, Rust type or file
//! names, panics). Server functions and their arguments are read from the app's source, and the
//! list is checked against the functions the binary registers: a new one is swept without a
//! change here, and one the reader cannot find fails the test.
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use axum::Router;
use axum::body::Body;
use http::{Request, StatusCode, header};
use sqlx::PgPool;
use tower::ServiceExt;
use uuid::Uuid;

use crate::http_tests::app;
use crate::seed;

pub(crate) async fn send(app: &Router, req: Request<Body>) -> http::Response<Body> {
    app.clone().oneshot(req).await.unwrap()
}

/// A signed-in session cookie of the demo user `email`.
pub(crate) async fn sign_in(app: &Router, email: &str) -> String {
    let req = Request::post("/api/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "same-origin")
        .body(Body::from(format!(
            "email={email}&password={}",
            seed::DEMO_PASSWORD
        )))
        .unwrap();
    let res = send(app, req).await;
    res.headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("keel_session=") && !c.starts_with("keel_session=;"))
        .map(|c| c.split(';').next().unwrap_or_default().to_string())
        .unwrap_or_else(|| panic!("{email} could not sign in: {}", res.status()))
}

/// Internal text that must never reach a browser.
const INTERNAL: [&str; 10] = [
    "sqlx",
    "panicked",
    ".rs:",
    "SELECT ",
    "INSERT INTO",
    "syntax error",
    "violates",
    "postgres",
    "SQLSTATE",
    "called `",
];

// ---- reading the server functions from the source ----

/// A server function as declared: endpoint, whether it takes JSON, and its arguments.
#[derive(Debug, Clone)]
struct ServerFn {
    endpoint: String,
    json: bool,
    args: Vec<(String, String)>,
}

/// The source of a type: a struct's fields, or an enum's unit variants as serde names them.
#[derive(Debug, Clone)]
enum Decl {
    Struct(Vec<(String, String)>),
    Enum(Vec<String>),
}

fn rust_files(dir: &Path, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            if let Ok(text) = std::fs::read_to_string(&p) {
                out.push(text);
            }
        }
    }
}

/// Splits `s` at commas outside brackets.
fn split_top(s: &str) -> Vec<String> {
    let (mut depth, mut cur, mut out) = (0i32, String::new(), Vec::new());
    for c in s.chars() {
        match c {
            '<' | '(' | '[' | '{' => depth += 1,
            '>' | ')' | ']' | '}' => depth -= 1,
            ',' if depth == 0 => {
                out.push(std::mem::take(&mut cur));
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    out.push(cur);
    out.into_iter()
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect()
}

fn name_and_type(part: &str) -> Option<(String, String)> {
    let part = part.trim().trim_start_matches("pub ").trim();
    let (name, ty) = part.split_once(':')?;
    Some((
        name.trim().to_string(),
        ty.split_whitespace().collect::<Vec<_>>().join(""),
    ))
}

fn server_fns(sources: &[String]) -> Vec<ServerFn> {
    let mut out = Vec::new();
    for src in sources {
        let mut rest = src.as_str();
        while let Some(at) = rest.find("#[server(") {
            rest = &rest[at..];
            let attr_end = rest.find(")]").unwrap_or(rest.len());
            let attr = &rest[..attr_end];
            let endpoint = attr
                .split("endpoint = \"")
                .nth(1)
                .and_then(|e| e.split('"').next())
                .unwrap_or_default()
                .to_string();
            let json = attr.contains("codec::Json");
            let Some(fn_at) = rest.find("async fn ") else {
                break;
            };
            let sig = &rest[fn_at..];
            let open = sig.find('(').unwrap_or(0);
            let mut depth = 0;
            let mut close = open;
            for (i, c) in sig[open..].char_indices() {
                match c {
                    '(' => depth += 1,
                    ')' => {
                        depth -= 1;
                        if depth == 0 {
                            close = open + i;
                            break;
                        }
                    }
                    _ => {}
                }
            }
            let args = split_top(&sig[open + 1..close])
                .iter()
                .filter_map(|p| name_and_type(p))
                .collect();
            out.push(ServerFn {
                endpoint,
                json,
                args,
            });
            rest = &rest[fn_at + close..];
        }
    }
    out
}

fn snake(name: &str) -> String {
    let mut s = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            s.push('_');
        }
        s.extend(c.to_lowercase());
    }
    s
}

fn without_comments(body: &str) -> String {
    body.lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .filter(|l| !l.trim_start().starts_with("#["))
        .collect::<Vec<_>>()
        .join("\n")
}

fn decls(sources: &[String]) -> BTreeMap<String, Decl> {
    let mut out = BTreeMap::new();
    for src in sources {
        for (kw, is_enum) in [("pub struct ", false), ("pub enum ", true)] {
            let mut from = 0;
            while let Some(at) = src[from..].find(kw) {
                let start = from + at;
                from = start + kw.len();
                let head = &src[from..];
                let name: String = head
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                let after = head[name.len()..].trim_start();
                if !after.starts_with('{') {
                    continue;
                }
                let body_start = from + name.len() + (head.len() - name.len() - after.len()) + 1;
                let Some(len) = src[body_start..].find("\n}") else {
                    continue;
                };
                let body = without_comments(&src[body_start..body_start + len]);
                let decl = if is_enum {
                    let attrs = &src[start.saturating_sub(300)..start];
                    let snake_case = attrs
                        .rsplit("pub ")
                        .next()
                        .is_some_and(|a| a.contains("rename_all = \"snake_case\""));
                    let variants: Vec<String> = split_top(&body)
                        .into_iter()
                        .filter(|v| v.chars().all(|c| c.is_alphanumeric() || c == '_'))
                        .map(|v| if snake_case { snake(&v) } else { v })
                        .collect();
                    Decl::Enum(variants)
                } else {
                    Decl::Struct(
                        split_top(&body)
                            .iter()
                            .filter_map(|p| name_and_type(p))
                            .collect(),
                    )
                };
                out.entry(name).or_insert(decl);
            }
        }
    }
    out
}

// ---- values ----

/// Real ids of the demo data, by the id type that names them.
struct Ids(BTreeMap<&'static str, Uuid>);

impl Ids {
    async fn load(pool: &PgPool) -> Ids {
        let mut m = BTreeMap::new();
        for (ty, table) in [
            ("ContactId", "contacts"),
            ("CompanyId", "companies"),
            ("LeadId", "leads"),
            ("DealId", "deals"),
            ("StageId", "stages"),
            ("PipelineId", "pipelines"),
            ("TaskId", "tasks"),
            ("UserId", "users"),
        ] {
            let id: Option<Uuid> = sqlx::query_scalar(&format!(
                "SELECT id FROM {table} ORDER BY created_at NULLS LAST, id LIMIT 1"
            ))
            .fetch_optional(pool)
            .await
            .ok()
            .flatten();
            m.insert(ty, id.unwrap_or_else(Uuid::new_v4));
        }
        Ids(m)
    }

    fn for_type(&self, ty: &str) -> Uuid {
        self.0.get(ty).copied().unwrap_or(self.0["ContactId"])
    }
}

fn inner<'a>(ty: &'a str, wrapper: &str) -> Option<&'a str> {
    ty.strip_prefix(wrapper)?
        .strip_prefix('<')?
        .strip_suffix('>')
}

/// A valid-looking value for each leaf of an argument of type `ty`, as form pairs under `key`.
fn baseline(
    key: &str,
    ty: &str,
    decls: &BTreeMap<String, Decl>,
    ids: &Ids,
    out: &mut Vec<(String, String)>,
    depth: u8,
) {
    if depth > 3 {
        return;
    }
    if let Some(t) = inner(ty, "Option") {
        return baseline(key, t, decls, ids, out, depth + 1);
    }
    if let Some(t) = inner(ty, "Vec") {
        return baseline(&format!("{key}[0]"), t, decls, ids, out, depth + 1);
    }
    let value = match ty {
        "String" => "x".to_string(),
        "bool" => "false".into(),
        "i16" | "i32" | "i64" | "u8" | "u16" | "u32" | "u64" | "usize" => "1".into(),
        "Uuid" => ids.for_type("ContactId").to_string(),
        t if t.ends_with("Id") => ids.for_type(t).to_string(),
        t => match decls.get(t) {
            Some(Decl::Struct(fields)) => {
                for (f, fty) in fields {
                    baseline(&format!("{key}[{f}]"), fty, decls, ids, out, depth + 1);
                }
                return;
            }
            Some(Decl::Enum(variants)) if !variants.is_empty() => variants[0].clone(),
            _ => return,
        },
    };
    out.push((key.to_string(), value));
}

/// Text no letter pattern repeats in (so that Postgres cannot compress it below an index's limit).
fn long_text() -> String {
    let mut x: u32 = 12345;
    (0..10_000)
        .map(|_| {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            (b'a' + ((x >> 16) % 26) as u8) as char
        })
        .collect()
}

fn hex(s: &str) -> String {
    s.bytes().map(|b| format!("{b:02x}")).collect()
}

/// Malformed values, percent-encoded as a form carries them.
fn bad_values() -> Vec<String> {
    let nil = Uuid::nil();
    vec![
        "a%00b".into(),
        "%00".into(),
        long_text(),
        "%FF%FE%FD".into(),
        "-1".into(),
        "-9223372036854775809".into(),
        "99999999999999999999999".into(),
        "1e400".into(),
        "NaN".into(),
        "-5000-01-01".into(),
        "%2B99999-12-31".into(),
        "2026-02-30".into(),
        "not-a-uuid".into(),
        nil.to_string(),
        "unknown_variant_zzz".into(),
        hex(&format!(r#"["yesterday","{nil}"]"#)),
        hex(&format!(r#"["-5000-01-01 00:00:00+00","{nil}"]"#)),
        "zz".into(),
        "%27%20OR%201%3D1%20--".into(),
        String::new(),
    ]
}

/// JSON stand-ins for the same values, plus values only JSON can carry.
fn bad_json() -> Vec<serde_json::Value> {
    use serde_json::json;
    let mut v: Vec<serde_json::Value> = bad_values()
        .into_iter()
        .map(|s| json!(app::ui::url::decode(&s)))
        .collect();
    v.extend([
        json!(-1),
        json!(9_223_372_036_854_775_807i64),
        json!(18_446_744_073_709_551_615u64),
        json!(-1.5),
        json!(null),
        json!(true),
        json!([]),
        json!({}),
        json!({"unknown_variant": "x"}),
    ]);
    v
}

// ---- the sweep ----

struct Finding {
    what: String,
    status: StatusCode,
    body: String,
}

async fn check(app: &Router, req: Request<Body>, what: String, found: &mut Vec<Finding>) {
    let streamed = req.uri().path() == "/api/events";
    let res = send(app, req).await;
    let status = res.status();
    let body = if streamed {
        String::new()
    } else {
        match tokio::time::timeout(
            std::time::Duration::from_secs(20),
            axum::body::to_bytes(res.into_body(), 8 << 20),
        )
        .await
        {
            Ok(Ok(b)) => String::from_utf8_lossy(&b).into_owned(),
            Ok(Err(e)) => format!("<body failed: {e}>"),
            Err(_) => "<body timed out>".into(),
        }
    };
    let leaked = INTERNAL
        .iter()
        .find(|t| body.to_lowercase().contains(&t.to_lowercase()));
    if status.is_server_error() || leaked.is_some() || body.starts_with("<body") {
        found.push(Finding {
            what,
            status,
            body: body.chars().take(300).collect(),
        });
    }
}

fn form_request(path: &str, cookie: &str, form: String) -> Request<Body> {
    Request::post(path)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "same-origin")
        .header(header::COOKIE, cookie)
        .body(Body::from(form))
        .unwrap()
}

fn json_request(path: &str, cookie: &str, body: Vec<u8>) -> Request<Body> {
    Request::post(path)
        .header(header::CONTENT_TYPE, "application/json")
        .header("sec-fetch-site", "same-origin")
        .header(header::COOKIE, cookie)
        .body(Body::from(body))
        .unwrap()
}

fn encode_form(pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

/// Every JSON leaf replaced, one at a time, by each of `bad`.
fn json_variants(base: &serde_json::Value, bad: &[serde_json::Value]) -> Vec<serde_json::Value> {
    fn leaves(v: &serde_json::Value, path: Vec<String>, out: &mut Vec<Vec<String>>) {
        match v {
            serde_json::Value::Object(m) => {
                for (k, c) in m {
                    let mut p = path.clone();
                    p.push(k.clone());
                    leaves(c, p, out);
                }
            }
            serde_json::Value::Array(a) => {
                for (i, c) in a.iter().enumerate() {
                    let mut p = path.clone();
                    p.push(i.to_string());
                    leaves(c, p, out);
                }
            }
            _ => {}
        }
        out.push(path);
    }
    let mut paths = Vec::new();
    leaves(base, Vec::new(), &mut paths);
    let mut out = Vec::new();
    for path in paths.iter().filter(|p| !p.is_empty()) {
        for b in bad {
            let mut v = base.clone();
            let mut at = &mut v;
            for seg in path {
                at = match at {
                    serde_json::Value::Object(m) => m.get_mut(seg).unwrap(),
                    serde_json::Value::Array(a) => &mut a[seg.parse::<usize>().unwrap()],
                    _ => unreachable!(),
                };
            }
            *at = b.clone();
            out.push(v);
        }
    }
    out
}

/// JSON baselines for the functions that take JSON (their enums carry data, so the form reader
/// above does not describe them).
fn json_baselines(endpoint: &str, ids: &Ids) -> Vec<serde_json::Value> {
    use serde_json::json;
    let contact = ids.for_type("ContactId");
    let query = json!({"q": "", "owner": "", "tag": "", "source": "", "status": "", "created": "",
        "from": "", "to": "", "sort": "", "desc": false, "after": "", "cols": ["email"]});
    match endpoint {
        "bulk_edit" => vec![
            json!({"list": "contacts", "target": {"ids": [contact]}, "action": {"add_tag": "x"}}),
            json!({"list": "leads", "target": {"matching": query}, "action": {"status": "new"}}),
            json!({"list": "contacts", "target": {"matching": query}, "action": {"owner": contact}}),
        ],
        "merge" => vec![
            json!({"kind": "contacts", "keep": contact, "keep_version": 1,
            "other": Uuid::new_v4(), "other_version": 1, "fields": {"full_name": "x"}}),
        ],
        _ => vec![],
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn no_malformed_input_gets_a_server_error_or_internal_text(pool: PgPool) {
    seed::seed_demo(&pool).await.unwrap();
    let ids = Ids::load(&pool).await;
    let app = app(pool);

    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../app/src");
    let mut sources = Vec::new();
    rust_files(&root, &mut sources);
    let fns = server_fns(&sources);
    let decls = decls(&sources);

    // The source reader must know every function the binary serves, and nothing else.
    let registered: BTreeSet<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(p, _)| p.trim_start_matches("/api/").to_string())
        .collect();
    let read: BTreeSet<String> = fns.iter().map(|f| f.endpoint.clone()).collect();
    assert_eq!(
        registered, read,
        "server functions registered vs read from app/src"
    );
    assert!(registered.len() > 40, "{registered:?}");

    let bad = bad_values();
    let bad_json = bad_json();
    let mut found = Vec::new();
    let mut calls = 0usize;
    // Signed in first: the sweep's own failed sign-ins may throttle later ones.
    let mut users = Vec::new();
    for email in ["admin@keel.demo", "sales@keel.demo"] {
        users.push((email, sign_in(&app, email).await));
    }
    for (email, cookie) in users {
        for f in fns.iter().filter(|f| f.endpoint != "logout") {
            let path = format!("/api/{}", f.endpoint);
            if f.json {
                let bases = json_baselines(&f.endpoint, &ids);
                assert!(!bases.is_empty(), "no JSON baseline for {}", f.endpoint);
                for base in &bases {
                    for v in json_variants(base, &bad_json) {
                        let body = serde_json::to_vec(&v).unwrap();
                        check(
                            &app,
                            json_request(&path, &cookie, body),
                            format!("{email} {path} {v}"),
                            &mut found,
                        )
                        .await;
                        calls += 1;
                    }
                }
                let mut raw = b"{\"list\":\"contacts\",\"kind\":\"".to_vec();
                raw.extend([0xff, 0xfe, b'"', b'}']);
                check(
                    &app,
                    json_request(&path, &cookie, raw),
                    format!("{email} {path} invalid UTF-8"),
                    &mut found,
                )
                .await;
                continue;
            }
            let mut base = Vec::new();
            for (name, ty) in &f.args {
                baseline(name, ty, &decls, &ids, &mut base, 0);
            }
            // Every leaf, and each argument itself (a wrong type: text where a struct goes).
            let mut keys: Vec<String> = base.iter().map(|(k, _)| k.clone()).collect();
            keys.extend(f.args.iter().map(|(n, _)| n.clone()));
            keys.dedup();
            let forms = std::iter::once(encode_form(&base))
                .chain(std::iter::once(String::new()))
                .chain(keys.iter().flat_map(|k| {
                    let base = &base;
                    bad.iter().map(move |b| {
                        let mut pairs: Vec<(String, String)> =
                            base.iter().filter(|(bk, _)| bk != k).cloned().collect();
                        pairs.push((k.clone(), b.clone()));
                        encode_form(&pairs)
                    })
                }))
                .collect::<Vec<_>>();
            for form in forms {
                let what = format!(
                    "{email} {path} {}",
                    form.chars().take(200).collect::<String>()
                );
                check(&app, form_request(&path, &cookie, form), what, &mut found).await;
                calls += 1;
            }
        }

        // Plain routes: the export of each list with each query field malformed.
        for list in [
            "contacts.csv",
            "companies.csv",
            "leads.csv",
            "users.csv",
            "%00.csv",
        ] {
            for field in [
                "q", "owner", "tag", "source", "status", "created", "from", "to", "sort", "desc",
                "after", "col", "cols",
            ] {
                for b in &bad {
                    let uri = format!("/export/{list}?{field}={b}");
                    let req = Request::get(&uri)
                        .header(header::COOKIE, &cookie)
                        .body(Body::empty())
                        .unwrap();
                    check(
                        &app,
                        req,
                        format!("{email} GET {}", uri.chars().take(200).collect::<String>()),
                        &mut found,
                    )
                    .await;
                    calls += 1;
                }
            }
        }
        // Uploads: bytes that are not UTF-8, NUL bytes, huge lines; names that are not text.
        let mut not_utf8 = b"full_name,emails\n".to_vec();
        not_utf8.extend([0xff, 0xfe, 0x00, b',', 0xc3, b'\n']);
        let bodies: Vec<Vec<u8>> = vec![
            not_utf8,
            b"full_name\nA\0B\n".to_vec(),
            format!("{}\n{}\n", long_text(), long_text()).into_bytes(),
            b"\0\0\0\0".to_vec(),
            Vec::new(),
        ];
        let names: Vec<http::HeaderValue> = vec![
            http::HeaderValue::from_static("a.csv"),
            http::HeaderValue::from_static("a%00.csv"),
            http::HeaderValue::from_bytes(&[0xff, 0xfe, b'.', b'c']).unwrap(),
            http::HeaderValue::from_str(&long_text()).unwrap(),
            http::HeaderValue::from_static("%FF%FE"),
        ];
        for kind in ["contacts", "companies", "leads", "deals", "users"] {
            for body in &bodies {
                for name in &names {
                    let req = Request::post(format!("/import/{kind}"))
                        .header("sec-fetch-site", "same-origin")
                        .header(header::COOKIE, &cookie)
                        .header("x-file-name", name.clone())
                        .body(Body::from(body.clone()))
                        .unwrap();
                    let what = format!(
                        "{email} upload {kind} {:?} {:?}",
                        String::from_utf8_lossy(&body[..body.len().min(20)]),
                        name.to_str()
                            .map(|n| n.chars().take(20).collect::<String>())
                    );
                    check(&app, req, what, &mut found).await;
                    calls += 1;
                }
            }
        }
        // The event stream and the other plain GET routes with malformed queries and headers.
        for path in ["/api/events", "/healthz", "/sw.js", "/manifest.webmanifest"] {
            for b in bad.iter().take(6) {
                let req = Request::get(format!("{path}?x={b}&pipeline={b}"))
                    .header(header::COOKIE, &cookie)
                    .header(
                        "last-event-id",
                        http::HeaderValue::from_bytes(&[0xff, b'1']).unwrap(),
                    )
                    .body(Body::empty())
                    .unwrap();
                check(
                    &app,
                    req,
                    format!(
                        "{email} GET {path} {}",
                        b.chars().take(40).collect::<String>()
                    ),
                    &mut found,
                )
                .await;
                calls += 1;
            }
        }
        let out = form_request("/api/logout", &cookie, "x=%00&y=%FF".into());
        check(&app, out, format!("{email} logout"), &mut found).await;
    }

    // One example per route (the second word of `what`), with how often it failed.
    let mut by_route: BTreeMap<String, (usize, String)> = BTreeMap::new();
    for f in &found {
        let route = f.what.split_whitespace().nth(1).unwrap_or("").to_string();
        let e = by_route
            .entry(route)
            .or_insert_with(|| (0, format!("{} -> {}: {}", f.what, f.status, f.body)));
        e.0 += 1;
    }
    let report: Vec<String> = by_route
        .iter()
        .map(|(route, (n, example))| format!("{route} ({n}x), e.g. {example}"))
        .collect();
    assert!(
        found.is_empty(),
        "{} of {calls} calls answered 5xx or internal text:\n{}",
        found.len(),
        report.join("\n")
    );
}

#[test]
fn the_source_reader_finds_arguments_and_struct_fields() {
    let src = vec![
        r#"
#[server(prefix = "/api", endpoint = "save_view")]
pub async fn save_view(list: ListKind, name: String, query: Option<ListQuery>) -> Result<Uuid, AppError> {
    Ok(Uuid::nil())
}
#[derive(Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ListKind {
    /// People.
    Contacts,
    Companies,
}
pub struct ListQuery {
    /// Search.
    #[serde(default)]
    pub q: String,
    pub cols: Vec<String>,
}
"#
        .to_string(),
    ];
    let fns = server_fns(&src);
    assert_eq!(fns.len(), 1);
    assert_eq!(fns[0].endpoint, "save_view");
    assert_eq!(
        fns[0].args,
        [
            ("list".to_string(), "ListKind".to_string()),
            ("name".into(), "String".into()),
            ("query".into(), "Option<ListQuery>".into())
        ]
    );
    let d = decls(&src);
    assert!(matches!(&d["ListKind"], Decl::Enum(v) if v == &["contacts", "companies"]));
    assert!(
        matches!(&d["ListQuery"], Decl::Struct(f) if f.len() == 2 && f[1] == ("cols".to_string(), "Vec<String>".to_string()))
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn board_totals_of_many_huge_deals_do_not_overflow(pool: PgPool) {
    seed::seed_demo(&pool).await.unwrap();
    sqlx::query("UPDATE deals SET value_minor = 9000000000000000000, currency = 'CNY' WHERE status = 'open'")
        .execute(&pool)
        .await
        .unwrap();
    let app = app(pool);
    let cookie = sign_in(&app, "admin@keel.demo").await;
    let res = send(
        &app,
        form_request("/api/board", &cookie, "filter[owner]=".into()),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let body = axum::body::to_bytes(res.into_body(), 8 << 20)
        .await
        .unwrap();
    let board: serde_json::Value = serde_json::from_slice(&body).unwrap();
    let totals: Vec<i64> = board["columns"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["totals"].as_array().unwrap().clone())
        .map(|m| m["minor"].as_i64().unwrap())
        .collect();
    assert!(
        totals.contains(&i64::MAX),
        "a column of several such deals shows the largest amount Money holds: {totals:?}"
    );
}
