//! Sending one delivery: the JSON body, its HMAC-SHA256 signature, and an HTTP client that does
//! not follow redirects and, unless the subscription allows it, reaches public addresses only
//! (its resolver drops the others, and an address written as an IP is checked before connecting).
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use hmac::{Hmac, Mac};
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use sha2::Sha256;

use super::{Due, Settings};
use app::webhooks::model::{Failure, is_public};

/// What one send came to.
#[derive(Debug)]
pub struct Outcome {
    pub status: Option<u16>,
    pub latency: Duration,
    pub error: Option<Failure>,
}

impl Outcome {
    pub fn delivered(&self) -> bool {
        self.error.is_none()
    }
}

/// `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the secret>`: what a receiver
/// recomputes to know the body came from Keel, unchanged, and recently.
pub fn sign(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    let hex: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("t={timestamp},v1={hex}")
}

#[derive(Debug)]
struct Refused;

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the address is inside the house")
    }
}

impl std::error::Error for Refused {}

/// The system's resolver, keeping only public addresses.
struct PublicOnly;

impl Resolve for PublicOnly {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_string();
        Box::pin(async move {
            let found: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let public: Vec<SocketAddr> = found.into_iter().filter(|a| is_public(a.ip())).collect();
            if public.is_empty() {
                return Err(Box::new(Refused) as Box<dyn std::error::Error + Send + Sync>);
            }
            Ok(Box::new(public.into_iter()) as Addrs)
        })
    }
}

/// The worker's two HTTP clients (public addresses only, or any) and its settings.
#[derive(Clone)]
pub struct Sender {
    public: reqwest::Client,
    any: reqwest::Client,
    pub settings: Arc<Settings>,
}

impl Sender {
    pub fn new(settings: Settings) -> Result<Sender, reqwest::Error> {
        // One TLS implementation for the process (ring: no C++ toolchain, a smaller build).
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = |public: bool| {
            let b = reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .connect_timeout(settings.connect_timeout)
                .timeout(settings.timeout)
                .user_agent("Keel-Webhooks/1");
            if public {
                b.dns_resolver(PublicOnly)
            } else {
                b
            }
            .build()
        };
        Ok(Sender {
            public: client(true)?,
            any: client(false)?,
            settings: Arc::new(settings),
        })
    }

    /// Sends one delivery: the body names the event, the record, the attempt and the record's
    /// data and previous values; the headers sign it.
    pub async fn send(&self, d: &Due) -> Outcome {
        let started = Instant::now();
        let failed = |error| Outcome {
            status: None,
            latency: started.elapsed(),
            error: Some(error),
        };
        // Saved as a parsed URL; one that no longer parses cannot be sent.
        let Ok(url) = reqwest::Url::parse(&d.url) else {
            return failed(Failure::Request);
        };
        let literal =
            (url.host_str()).and_then(|h| h.trim_matches(['[', ']']).parse::<IpAddr>().ok());
        if !d.allow_private && literal.is_some_and(|ip| !is_public(ip)) {
            return failed(Failure::PrivateAddress);
        }
        let body = serde_json::json!({
            "id": d.event_id,
            "event": d.event,
            "occurred_at": d.occurred_at,
            "delivery": d.id,
            "attempt": d.attempts,
            "webhook": d.webhook_id,
            "record": { "type": d.entity, "id": d.record_id },
            "actor_id": d.actor_id,
            "data": d.data,
            "previous": d.previous,
        })
        .to_string();
        let now = chrono::Utc::now().timestamp();
        let client = if d.allow_private {
            &self.any
        } else {
            &self.public
        };
        let sent = client
            .post(url)
            .header(http::header::CONTENT_TYPE, "application/json")
            .header("Keel-Event", &d.event)
            .header("Keel-Delivery", d.id.to_string())
            .header("Keel-Attempt", d.attempts.to_string())
            .header("Keel-Signature", sign(&d.secret, now, body.as_bytes()))
            .body(body)
            .send()
            .await;
        match sent {
            Ok(r) => {
                let status = r.status();
                Outcome {
                    status: Some(status.as_u16()),
                    latency: started.elapsed(),
                    error: (!status.is_success()).then_some(Failure::Status),
                }
            }
            Err(e) => failed(failure_of(&e)),
        }
    }
}

fn failure_of(e: &reqwest::Error) -> Failure {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(s) = source {
        if s.is::<Refused>() {
            return Failure::PrivateAddress;
        }
        source = s.source();
    }
    if e.is_timeout() {
        Failure::Timeout
    } else if e.is_connect() {
        Failure::Connect
    } else {
        Failure::Request
    }
}
