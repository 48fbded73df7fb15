//! Webhooks: an administrator's subscription of a URL to events, and the log of its deliveries.
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[cfg(feature = "ssr")]
use crate::error::{AppError, Invalid};

/// The kinds of record whose changes are events, as the events name them.
pub const ENTITIES: [&str; 7] = [
    "contact", "company", "lead", "deal", "ticket", "activity", "task",
];

/// The events the form offers, beside "everything" (`*.*`) and a kind's every event (`deal.*`).
pub const EVENTS: [&str; 26] = [
    "contact.created",
    "contact.updated",
    "contact.deleted",
    "contact.restored",
    "contact.merged",
    "company.created",
    "company.updated",
    "company.deleted",
    "lead.created",
    "lead.updated",
    "lead.deleted",
    "deal.created",
    "deal.updated",
    "deal.stage_changed",
    "deal.won",
    "deal.lost",
    "deal.deleted",
    "deal.restored",
    "ticket.created",
    "ticket.updated",
    "ticket.deleted",
    "ticket.restored",
    "activity.logged",
    "task.deleted",
    "task.restored",
    "contact.forgotten",
];

pub const URL_MAX: u32 = 2000;

/// Whether an event name is one a subscription may ask for.
pub fn known_event(e: &str) -> bool {
    e == "*.*" || EVENTS.contains(&e) || e.strip_suffix(".*").is_some_and(|k| ENTITIES.contains(&k))
}

/// Whether an address is on the public internet: not loopback, private, link-local, shared
/// (carrier NAT), unspecified, multicast, broadcast, documentation or reserved — the addresses a
/// webhook must not reach unless an administrator allows it (no requests into the house).
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => public_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => public_v4(v4),
            None => public_v6(v6),
        },
    }
}

fn public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    !(ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_multicast()
        || ip.is_broadcast()
        || ip.is_documentation()
        || a == 0
        || a >= 240
        || (a == 100 && (64..128).contains(&b))
        || (a == 198 && (b == 18 || b == 19)))
}

fn public_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    !(ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        || (first & 0xfe00) == 0xfc00 // unique local
        || (first & 0xffc0) == 0xfe80 // link-local
        || first == 0x2001 && ip.segments()[1] == 0x0db8 // documentation
        || first == 0x0064 && ip.segments()[1] == 0xff9b) // NAT64 to any IPv4
}

/// The subscription form as typed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct WebhookInput {
    pub url: String,
    /// Each chosen event, as the form's checkboxes send them (`input[events][deal.won]=on`).
    #[serde(default)]
    pub events: std::collections::BTreeMap<String, String>,
    /// "on" when an administrator allows a private or local address.
    #[serde(default)]
    pub allow_private: Option<String>,
}

/// A parsed subscription. The address's host is checked against `is_public` when it is saved
/// (and again at each delivery, since what a name resolves to can change).
#[derive(Clone, Debug, PartialEq)]
pub struct WebhookDraft {
    pub url: String,
    pub host: String,
    pub port: u16,
    pub events: Vec<String>,
    pub allow_private: bool,
}

impl WebhookInput {
    #[cfg(feature = "ssr")]
    pub fn parse(&self) -> Result<WebhookDraft, AppError> {
        let mut fields = std::collections::BTreeMap::new();
        let text = self.url.trim();
        let url = if text.is_empty() {
            fields.insert("url".to_string(), Invalid::Required);
            None
        } else if text.chars().count() > URL_MAX as usize {
            fields.insert("url".to_string(), Invalid::TooLong { max: URL_MAX });
            None
        } else {
            match url::Url::parse(text) {
                Ok(u)
                    if matches!(u.scheme(), "http" | "https")
                        && u.username().is_empty()
                        && u.password().is_none()
                        && u.host_str().is_some_and(|h| !h.is_empty())
                        && u.fragment().is_none() =>
                {
                    Some(u)
                }
                _ => {
                    fields.insert("url".to_string(), Invalid::Url);
                    None
                }
            }
        };
        let events: Vec<String> = (self.events.iter())
            .filter(|(_, on)| on.as_str() == "on")
            .map(|(e, _)| e.trim().to_string())
            .collect();
        if events.is_empty() {
            fields.insert("events".to_string(), Invalid::Required);
        } else if !events.iter().all(|e| known_event(e)) || events.len() > 50 {
            fields.insert("events".to_string(), Invalid::Choice);
        }
        match url {
            Some(u) if fields.is_empty() => Ok(WebhookDraft {
                host: u
                    .host_str()
                    .unwrap_or_default()
                    .trim_matches(['[', ']'])
                    .to_string(),
                port: u.port_or_known_default().unwrap_or(80),
                url: u.to_string(),
                events,
                allow_private: self.allow_private.as_deref() == Some("on"),
            }),
            _ => Err(AppError::Validation { fields }),
        }
    }
}

/// A subscription as the settings page lists it (never its secret).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Webhook {
    pub id: Uuid,
    pub url: String,
    pub events: Vec<String>,
    pub allow_private: bool,
    pub owner: String,
    pub created_at: DateTime<Utc>,
    pub failing_since: Option<DateTime<Utc>>,
    pub paused_at: Option<DateTime<Utc>>,
    /// Deliveries waiting (due, or retrying).
    pub pending: i64,
}

/// A new subscription and its signing secret, shown once.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NewWebhook {
    pub id: Uuid,
    pub secret: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryState {
    Pending,
    Delivered,
    Failed,
}

impl DeliveryState {
    pub fn parse(s: &str) -> Self {
        match s {
            "delivered" => Self::Delivered,
            "failed" => Self::Failed,
            _ => Self::Pending,
        }
    }
}

/// Why a delivery failed, as the log keeps it (a code in the database, translated on the page).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Failure {
    /// The receiver answered, but not with 2xx.
    Status,
    Timeout,
    Connect,
    /// The address is inside the house and the subscription does not allow that.
    PrivateAddress,
    /// Anything else on the way (TLS, a broken answer).
    Request,
    /// Still waiting when the log's keeping time ran out (a subscription paused that long).
    Expired,
}

impl Failure {
    pub const ALL: [Failure; 6] = [
        Self::Status,
        Self::Timeout,
        Self::Connect,
        Self::PrivateAddress,
        Self::Request,
        Self::Expired,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Status => "status",
            Self::Timeout => "timeout",
            Self::Connect => "connect",
            Self::PrivateAddress => "private_address",
            Self::Request => "request",
            Self::Expired => "expired",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.code() == code)
    }
}

/// One line of a subscription's delivery log.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Delivery {
    pub id: i64,
    pub event: String,
    pub record_id: Uuid,
    pub occurred_at: DateTime<Utc>,
    pub state: DeliveryState,
    pub attempts: i32,
    pub next_at: Option<DateTime<Utc>>,
    pub last_at: Option<DateTime<Utc>>,
    pub last_status: Option<i32>,
    pub last_latency_ms: Option<i32>,
    pub last_error: Option<Failure>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_loopback_and_link_local_addresses_are_not_public() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "::1",
            "::",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "64:ff9b::a00:1",
        ] {
            assert!(!is_public(ip.parse().unwrap()), "{ip}");
        }
        for ip in [
            "93.184.216.34",
            "8.8.8.8",
            "2606:4700::1111",
            "::ffff:8.8.8.8",
        ] {
            assert!(is_public(ip.parse().unwrap()), "{ip}");
        }
    }

    #[test]
    fn each_failure_reads_back_from_its_code() {
        for f in Failure::ALL {
            assert_eq!(Failure::parse(f.code()), Some(f));
        }
        assert_eq!(Failure::parse("gremlins"), None);
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn a_subscription_needs_a_web_address_and_known_events() {
        let input = |url: &str, events: &[&str]| WebhookInput {
            url: url.into(),
            events: events
                .iter()
                .map(|e| (e.to_string(), "on".to_string()))
                .collect(),
            allow_private: None,
        };
        let ok = input(
            "https://hooks.example.com:8443/keel",
            &["deal.won", "contact.*"],
        )
        .parse()
        .unwrap();
        assert_eq!(ok.events, ["contact.*", "deal.won"]);
        assert_eq!((ok.host.as_str(), ok.port), ("hooks.example.com", 8443));
        for bad in [
            "ftp://x.example",
            "https://user:pw@x.example/",
            "not a url",
            "http://",
        ] {
            assert_eq!(
                input(bad, &["*.*"]).parse().unwrap_err().field("url"),
                Some(Invalid::Url),
                "{bad}"
            );
        }
        let e = input("https://x.example", &["deal.exploded"])
            .parse()
            .unwrap_err();
        assert_eq!(e.field("events"), Some(Invalid::Choice));
        let e = input("", &[]).parse().unwrap_err();
        assert_eq!(e.field("url"), Some(Invalid::Required));
        assert_eq!(e.field("events"), Some(Invalid::Required));
        let v6 = input("http://[::1]:9000/x", &["*.*"]).parse().unwrap();
        assert_eq!((v6.host.as_str(), v6.port), ("::1", 9000));
    }
}
