//! Server-side session plumbing: tokens, cookies, and the signed-in user of the current request.
//! The server crate's middleware resolves the cookie; server functions read the result here.
use argon2::password_hash::rand_core::{OsRng, RngCore};
use http::HeaderMap;
use leptos::prelude::use_context;
use sha2::{Digest, Sha256};
use sqlx::PgPool;

use super::db::SessionLimits;
use super::password::HashGate;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::model::{CurrentUser, Role, UserId};
use crate::error::AppError;

pub const SESSION_COOKIE: &str = "keel_session";
/// The cookie leptos_i18n reads for the UI language.
pub const LOCALE_COOKIE: &str = "i18n_pref_locale";

/// What every server function may need from the server, provided as Leptos context per request.
#[derive(Clone)]
pub struct ServerState {
    pub pool: PgPool,
    pub limits: SessionLimits,
    pub secure_cookies: bool,
    pub sessions: SessionCache,
    /// Bounds the password hashing that sign-in and password changes do at once.
    pub hashing: HashGate,
    /// When Keel runs behind a reverse proxy: the header in which the proxy names the client
    /// (e.g. `x-forwarded-for`; its last entry is used). Without it, the socket peer is the client.
    pub client_ip_header: Option<http::HeaderName>,
}

/// The client's address as the session layer determined it (see `ServerState::client_ip_header`);
/// `None` when the server is not told (a router driven without a socket, as in tests).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientAddr(pub Option<IpAddr>);

impl ClientAddr {
    /// The client named by `header` (its last comma-separated entry: a proxy appends the address
    /// it saw to whatever the client sent, so only the last is the proxy's word), else `peer`.
    pub fn from_request(
        headers: &HeaderMap,
        header: Option<&http::HeaderName>,
        peer: Option<IpAddr>,
    ) -> ClientAddr {
        let forwarded = header.and_then(|name| {
            headers
                .get_all(name)
                .iter()
                .next_back()?
                .to_str()
                .ok()?
                .rsplit(',')
                .next()?
                .trim()
                .parse::<IpAddr>()
                .ok()
        });
        ClientAddr(forwarded.or(peer))
    }
}

/// The client address of the current request.
pub fn client_addr() -> Option<IpAddr> {
    request_parts()
        .ok()?
        .extensions
        .get::<ClientAddr>()
        .and_then(|c| c.0)
}

pub use super::db::SESSION_CHANNEL;

/// Recently resolved sessions, so a burst of requests (a page and its server functions) looks the
/// session up in Postgres once. Entries live a few seconds; sign-out, a password change or a locale
/// change drop the user's entries at once on this instance, and through `SESSION_CHANNEL` on the
/// others.
/// Nothing is cached unless the instance is listening on `SESSION_CHANNEL`
/// (`set_listening`), so no sign-out can go unheard.
#[derive(Clone, Default)]
pub struct SessionCache(Arc<Mutex<Sessions>>);

#[derive(Default)]
pub struct Sessions {
    listening: bool,
    known: HashMap<Vec<u8>, (CurrentUser, Instant)>,
}

impl SessionCache {
    pub const TTL: Duration = Duration::from_secs(5);

    fn lock(&self) -> std::sync::MutexGuard<'_, Sessions> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn get(&self, token_hash: &[u8]) -> Option<CurrentUser> {
        self.lock()
            .known
            .get(token_hash)
            .filter(|(_, at)| at.elapsed() < Self::TTL)
            .map(|(user, _)| user.clone())
    }

    pub fn put(&self, token_hash: &[u8], user: CurrentUser) {
        let mut s = self.lock();
        if !s.listening {
            return;
        }
        if s.known.len() >= 10_000 {
            s.known.retain(|_, (_, at)| at.elapsed() < Self::TTL);
        }
        s.known.insert(token_hash.to_vec(), (user, Instant::now()));
    }

    pub fn forget(&self, token_hash: &[u8]) {
        self.lock().known.remove(token_hash);
    }

    pub fn forget_user(&self, user: UserId) {
        self.lock().known.retain(|_, (u, _)| u.id != user);
    }

    /// Called when the listener starts or stops hearing `SESSION_CHANNEL`; either way what was
    /// cached goes, since notifications may have been missed.
    pub fn set_listening(&self, listening: bool) {
        let mut s = self.lock();
        s.listening = listening;
        s.known.clear();
    }

    pub fn is_listening(&self) -> bool {
        self.lock().listening
    }
}

/// Placed in the request's extensions by the session middleware when the cookie names a live session.
#[derive(Clone, Debug)]
pub struct Authenticated {
    pub user: CurrentUser,
    pub token_hash: Vec<u8>,
}

/// A fresh random session token (256 bits, hex) and the hash stored for it.
pub fn new_token() -> (String, Vec<u8>) {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    let token: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let hash = hash_token(&token);
    (token, hash)
}

/// Only hashes of tokens are stored, so a leaked table does not hand out sessions.
pub fn hash_token(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

pub fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

pub fn session_cookie(token: &str, secure: bool, limits: SessionLimits) -> String {
    format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{}",
        limits.absolute.num_seconds(),
        if secure { "; Secure" } else { "" }
    )
}

pub fn clear_session_cookie(secure: bool) -> String {
    format!(
        "{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{}",
        if secure { "; Secure" } else { "" }
    )
}

pub fn locale_cookie(locale: &str, secure: bool) -> String {
    format!(
        "{LOCALE_COOKIE}={locale}; Path=/; SameSite=Lax; Max-Age=31536000{}",
        if secure { "; Secure" } else { "" }
    )
}

pub fn state() -> Result<ServerState, AppError> {
    use_context::<ServerState>()
        .ok_or_else(|| AppError::internal("ServerState missing from context"))
}

fn request_parts() -> Result<http::request::Parts, AppError> {
    use_context::<http::request::Parts>()
        .ok_or_else(|| AppError::internal("request parts missing from context"))
}

/// The session of the current request, or `Unauthorized`.
pub fn authenticated() -> Result<Authenticated, AppError> {
    request_parts()?
        .extensions
        .get::<Authenticated>()
        .cloned()
        .ok_or(AppError::Unauthorized)
}

/// The signed-in user, or `Unauthorized`.
pub fn current_user() -> Result<CurrentUser, AppError> {
    authenticated().map(|a| a.user)
}

/// The signed-in user if their role is one of `roles`; `Forbidden` otherwise.
pub fn require_role(roles: &[Role]) -> Result<CurrentUser, AppError> {
    let user = current_user()?;
    if roles.contains(&user.role) {
        Ok(user)
    } else {
        Err(AppError::Forbidden)
    }
}

pub fn request_header(name: http::header::HeaderName) -> Option<String> {
    request_parts()
        .ok()?
        .headers
        .get(name)?
        .to_str()
        .ok()
        .map(str::to_string)
}

pub fn request_cookie(name: &str) -> Option<String> {
    cookie_value(&request_parts().ok()?.headers, name)
}

/// True when the request is a plain HTML form post (no WASM yet), which expects a redirect.
pub fn is_plain_form_post() -> bool {
    request_header(http::header::ACCEPT).is_some_and(|a| a.contains("text/html"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_only_their_hash_is_kept() {
        let (a, ha) = new_token();
        let (b, _) = new_token();
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert_eq!(ha, hash_token(&a));
        assert_ne!(ha, a.as_bytes());
    }

    #[test]
    fn the_session_cookie_is_http_only_same_site_and_secure_on_https() {
        let limits = SessionLimits {
            idle: chrono::Duration::minutes(1),
            absolute: chrono::Duration::hours(1),
        };
        let c = session_cookie("abc", true, limits);
        assert!(
            c.contains("HttpOnly")
                && c.contains("SameSite=Lax")
                && c.contains("Secure")
                && c.contains("Max-Age=3600")
        );
        assert!(!session_cookie("abc", false, limits).contains("Secure"));
    }

    #[test]
    fn the_client_is_the_last_entry_of_the_trusted_header_else_the_peer() {
        let peer: IpAddr = "10.0.0.1".parse().unwrap();
        let xff = http::HeaderName::from_static("x-forwarded-for");
        let mut h = HeaderMap::new();
        h.append(&xff, "6.6.6.6, 203.0.113.9".parse().unwrap());
        assert_eq!(
            ClientAddr::from_request(&h, Some(&xff), Some(peer)).0,
            Some("203.0.113.9".parse().unwrap())
        );
        // Not configured: a client-sent header counts for nothing.
        assert_eq!(ClientAddr::from_request(&h, None, Some(peer)).0, Some(peer));
        // Configured but missing or garbled: the peer.
        let mut garbled = HeaderMap::new();
        garbled.append(&xff, "not-an-address".parse().unwrap());
        assert_eq!(
            ClientAddr::from_request(&garbled, Some(&xff), Some(peer)).0,
            Some(peer)
        );
        assert_eq!(
            ClientAddr::from_request(&HeaderMap::new(), Some(&xff), None).0,
            None
        );
    }

    #[test]
    fn a_cookie_is_found_among_others() {
        let mut h = HeaderMap::new();
        h.append(
            http::header::COOKIE,
            "a=1; keel_session=xyz; b=2".parse().unwrap(),
        );
        assert_eq!(cookie_value(&h, SESSION_COOKIE).as_deref(), Some("xyz"));
        assert_eq!(cookie_value(&h, "missing"), None);
    }
}
