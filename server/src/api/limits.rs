//! The API's rate limits (GCRA, the `governor` crate): per token, and per client address before
//! the token is even looked up, so a client guessing secrets spends least. Each instance holds
//! its own budget in memory: behind a balancer of N instances a token may make up to N times the
//! figures, which the API's description states (a shared counter in Postgres would cost a write
//! per request).
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU32, Ordering};

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use uuid::Uuid;

use app::error::AppError;

pub struct Limits {
    tokens: DefaultKeyedRateLimiter<Uuid>,
    addresses: DefaultKeyedRateLimiter<IpAddr>,
    checks: AtomicU32,
}

fn quota(per_minute: u32, burst: u32) -> Quota {
    let n = |x: u32| NonZeroU32::new(x.max(1)).unwrap_or(NonZeroU32::MIN);
    Quota::per_minute(n(per_minute)).allow_burst(n(burst))
}

impl Limits {
    /// `per_minute` per token in bursts of a tenth of it, twice that per address (the defaults:
    /// 600 and 1,200 a minute, `KEEL_API_RATE`).
    pub fn per_minute(per_minute: u32) -> Self {
        Limits::new(
            (per_minute, per_minute / 10),
            (per_minute * 2, per_minute / 5),
        )
    }

    /// (per minute, burst) for a token and for an address.
    pub fn new(token: (u32, u32), address: (u32, u32)) -> Self {
        Limits {
            tokens: RateLimiter::keyed(quota(token.0, token.1)),
            addresses: RateLimiter::keyed(quota(address.0, address.1)),
            checks: AtomicU32::new(0),
        }
    }

    pub fn token(&self, id: Uuid) -> Result<(), AppError> {
        self.check(&self.tokens, &id)
    }

    /// A request with no known address (a test's) is counted under the unspecified address.
    pub fn address(&self, addr: Option<IpAddr>) -> Result<(), AppError> {
        let addr = addr.unwrap_or(IpAddr::V6(std::net::Ipv6Addr::UNSPECIFIED));
        self.check(&self.addresses, &addr)
    }

    fn check<K>(&self, limiter: &DefaultKeyedRateLimiter<K>, key: &K) -> Result<(), AppError>
    where
        K: std::hash::Hash + Eq + Clone,
    {
        // Keys idle long enough to be full again are forgotten now and then: memory stays bounded
        // by the keys of the last minute.
        if self.checks.fetch_add(1, Ordering::Relaxed) % 4096 == 4095 {
            self.tokens.retain_recent();
            self.addresses.retain_recent();
            self.tokens.shrink_to_fit();
            self.addresses.shrink_to_fit();
        }
        limiter.check_key(key).map_err(|not_until| {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            AppError::RateLimited {
                retry_after_secs: (wait.as_secs_f64().ceil() as u32).max(1),
            }
        })
    }
}
