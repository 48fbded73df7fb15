//! Sign-in throttling. Every attempt to prove a password (signing in, changing it) is counted in
//! Postgres *before* any hashing, per account and per client address, each in one atomic
//! `INSERT … ON CONFLICT DO UPDATE … WHERE … RETURNING`: parallel guesses queue on the row lock and
//! each sees the count the one before it left. A few attempts are free; after that each next one
//! must wait longer (2 s, doubling, at most 5 minutes) after the previous one. A success clears its
//! account and gives its address the attempt back. Keys are stored as SHA-256 hashes, and rows
//! quiet for longer than the window are purged, so the table keeps no list of emails typed.
use std::net::IpAddr;

use sha2::{Digest, Sha256};
use sqlx::{PgConnection, PgPool};

use super::model::{Email, UserId};
use crate::error::AppError;

/// Attempts on one account that need not wait.
pub const ACCOUNT_FREE: i32 = 5;
/// Attempts from one client address (over every account) that need not wait: an office behind
/// one address has many people signing in, and successes are given back.
pub const ADDRESS_FREE: i32 = 30;
/// Requests from one client address to the desk's public pages (the web form, a customer's follow
/// and rating links) that need not wait, per window.
pub const PUBLIC_DESK_FREE: i32 = 30;
/// An account or address quiet for this long starts afresh (and its row is purged).
pub const WINDOW_SECS: i32 = 3600;
/// The longest wait between two attempts.
pub const MAX_WAIT_SECS: u32 = 300;

/// What attempts are counted against: an account or a client address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ThrottleKey {
    hash: [u8; 32],
    free: i32,
}

impl ThrottleKey {
    /// The account an email names, whether or not it exists (so unknown emails look the same).
    pub fn account(email: &Email) -> ThrottleKey {
        ThrottleKey::new(&format!("account:{}", email.as_str()), ACCOUNT_FREE)
    }

    /// A signed-in user whose stored email does not parse (created before the rules): its id.
    pub fn user(id: UserId) -> ThrottleKey {
        ThrottleKey::new(&format!("user:{}", id.0), ACCOUNT_FREE)
    }

    /// A client address. IPv6 clients are counted per /64 (one customer's network: a single host
    /// can use any address in it); an unknown address (no socket peer, as in tests) is one bucket.
    pub fn address(addr: Option<IpAddr>) -> ThrottleKey {
        ThrottleKey::new(&address_key(addr), ADDRESS_FREE)
    }

    /// A client address on the service desk's public pages (the web form, follow and rating
    /// links): counted apart from signing in, with an allowance of its own.
    pub fn public_desk(addr: Option<IpAddr>) -> ThrottleKey {
        ThrottleKey::new(&format!("desk:{}", address_key(addr)), PUBLIC_DESK_FREE)
    }

    fn new(key: &str, free: i32) -> ThrottleKey {
        ThrottleKey {
            hash: Sha256::digest(key.as_bytes()).into(),
            free,
        }
    }

    /// Seconds to wait after `attempts` were let through, as a table indexed by attempts (the
    /// last entry holds for anything beyond).
    fn schedule(&self) -> Vec<i32> {
        (1..=self.free + 9)
            .map(|n| backoff_secs(n, self.free) as i32)
            .collect()
    }
}

/// A client address as a key: IPv6 per /64; an unknown address (no socket peer) is one bucket.
fn address_key(addr: Option<IpAddr>) -> String {
    match addr.map(canonical) {
        Some(IpAddr::V4(v4)) => format!("address:{v4}"),
        Some(IpAddr::V6(v6)) => {
            let s = v6.segments();
            format!("address:{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
        None => "address:unknown".to_string(),
    }
}

/// An IPv4 client seen through an IPv6 socket is the IPv4 client.
fn canonical(addr: IpAddr) -> IpAddr {
    match addr {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(addr, IpAddr::V4),
        v4 => v4,
    }
}

/// Seconds the next attempt must wait after `attempts` were let through: none while fewer than
/// `free`, then 2 s doubling up to five minutes.
pub fn backoff_secs(attempts: i32, free: i32) -> u32 {
    if attempts < free {
        0
    } else {
        let steps = (attempts - free).min(8) as u32;
        (2u32.pow(steps) * 2).min(MAX_WAIT_SECS)
    }
}

/// Counts one attempt against each key in turn. The first key that must still wait refuses the
/// attempt (`RateLimited` with the seconds left) and the keys after it are not counted. Put the
/// address first: a client that has used up its address budget then spends no account's.
pub async fn count_attempt(pool: &PgPool, keys: &[&ThrottleKey]) -> Result<(), AppError> {
    for key in keys {
        let counted: Option<i32> = sqlx::query_scalar(
            "INSERT INTO sign_in_attempts AS t (key_hash, attempts, last_attempt_at, next_allowed_at)
             VALUES ($1, 1, now(), now() + make_interval(secs => $2[1]::float8))
             ON CONFLICT (key_hash) DO UPDATE SET
                 attempts = CASE WHEN t.last_attempt_at < now() - make_interval(secs => $3::float8)
                                 THEN 1 ELSE t.attempts + 1 END,
                 next_allowed_at = now() + make_interval(secs => $2[LEAST(
                     CASE WHEN t.last_attempt_at < now() - make_interval(secs => $3::float8)
                          THEN 1 ELSE t.attempts + 1 END,
                     cardinality($2))]::float8),
                 last_attempt_at = now()
             WHERE t.next_allowed_at <= now()
                OR t.last_attempt_at < now() - make_interval(secs => $3::float8)
             RETURNING attempts",
        )
        .bind(key.hash.as_slice())
        .bind(key.schedule())
        .bind(WINDOW_SECS)
        .fetch_optional(pool)
        .await?;
        if counted.is_none() {
            let left: Option<i32> = sqlx::query_scalar(
                "SELECT ceil(extract(epoch FROM next_allowed_at - now()))::int
                   FROM sign_in_attempts WHERE key_hash = $1",
            )
            .bind(key.hash.as_slice())
            .fetch_optional(pool)
            .await?;
            return Err(AppError::RateLimited {
                retry_after_secs: left.unwrap_or(1).clamp(1, MAX_WAIT_SECS as i32) as u32,
            });
        }
    }
    Ok(())
}

/// The password was right: the account starts afresh and the address gets its attempt back.
pub async fn succeeded(
    conn: &mut PgConnection,
    account: &ThrottleKey,
    address: &ThrottleKey,
) -> Result<(), AppError> {
    sqlx::query("DELETE FROM sign_in_attempts WHERE key_hash = $1")
        .bind(account.hash.as_slice())
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "UPDATE sign_in_attempts SET attempts = GREATEST(attempts - 1, 0) WHERE key_hash = $1",
    )
    .bind(address.hash.as_slice())
    .execute(conn)
    .await?;
    Ok(())
}

/// Removes the rows of keys quiet for longer than the window (run by the hourly sweeper).
pub async fn purge(pool: &PgPool) -> Result<u64, AppError> {
    let r = sqlx::query(
        "DELETE FROM sign_in_attempts
          WHERE last_attempt_at < now() - make_interval(secs => $1::float8)
            AND next_allowed_at <= now()",
    )
    .bind(WINDOW_SECS)
    .execute(pool)
    .await?;
    Ok(r.rows_affected())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::{Ipv4Addr, Ipv6Addr};

    fn email(s: &str) -> Email {
        Email::parse(s).unwrap()
    }

    async fn attempts(pool: &PgPool, key: &ThrottleKey) -> Option<i32> {
        sqlx::query_scalar("SELECT attempts FROM sign_in_attempts WHERE key_hash = $1")
            .bind(key.hash.as_slice())
            .fetch_optional(pool)
            .await
            .unwrap()
    }

    #[test]
    fn backoff_is_free_then_doubles_and_is_capped() {
        assert_eq!(backoff_secs(4, 5), 0);
        assert_eq!(backoff_secs(5, 5), 2);
        assert_eq!(backoff_secs(6, 5), 4);
        assert_eq!(backoff_secs(50, 5), 300);
        let key = ThrottleKey::account(&email("a@keel.test"));
        assert_eq!(key.schedule().last(), Some(&300));
    }

    #[test]
    fn keys_hold_no_email_or_address_and_ipv6_counts_per_network() {
        let key = ThrottleKey::account(&email("Wang@Keel.test"));
        assert_eq!(key, ThrottleKey::account(&email("wang@keel.test")));
        assert_ne!(key.hash.as_slice(), b"wang@keel.test".as_slice());
        let a: Ipv6Addr = "2001:db8:1:2::1".parse().unwrap();
        let b: Ipv6Addr = "2001:db8:1:2:ffff::9".parse().unwrap();
        let c: Ipv6Addr = "2001:db8:1:3::1".parse().unwrap();
        let addr = |ip: Ipv6Addr| ThrottleKey::address(Some(IpAddr::V6(ip)));
        assert_eq!(addr(a), addr(b));
        assert_ne!(addr(a), addr(c));
        let v4 = Ipv4Addr::new(192, 0, 2, 7);
        assert_eq!(
            ThrottleKey::address(Some(IpAddr::V4(v4))),
            addr(v4.to_ipv6_mapped())
        );
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn the_free_attempts_pass_and_the_next_must_wait(pool: PgPool) {
        let key = ThrottleKey::account(&email("x@keel.test"));
        for _ in 0..ACCOUNT_FREE {
            count_attempt(&pool, &[&key]).await.unwrap();
        }
        match count_attempt(&pool, &[&key]).await {
            Err(AppError::RateLimited { retry_after_secs }) => {
                assert!((1..=2).contains(&retry_after_secs))
            }
            other => panic!("expected a wait, got {other:?}"),
        }
        // A refused attempt is not counted.
        assert_eq!(attempts(&pool, &key).await, Some(ACCOUNT_FREE));
        // Once the wait is over, one more is let through, and the next waits twice as long.
        sqlx::query("UPDATE sign_in_attempts SET next_allowed_at = now() - interval '1 second'")
            .execute(&pool)
            .await
            .unwrap();
        count_attempt(&pool, &[&key]).await.unwrap();
        assert_eq!(
            count_attempt(&pool, &[&key]).await,
            Err(AppError::RateLimited {
                retry_after_secs: 4
            })
        );
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn parallel_attempts_are_counted_one_by_one(pool: PgPool) {
        let key = ThrottleKey::account(&email("race@keel.test"));
        let tries = (0..40).map(|_| {
            let (pool, key) = (pool.clone(), key.clone());
            tokio::spawn(async move { count_attempt(&pool, &[&key]).await })
        });
        let mut through = 0;
        for t in tries {
            if t.await.unwrap().is_ok() {
                through += 1;
            }
        }
        assert_eq!(through, ACCOUNT_FREE);
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_refusing_address_spends_no_account_attempt(pool: PgPool) {
        let address = ThrottleKey::address(None);
        for i in 0..ADDRESS_FREE {
            let account = ThrottleKey::account(&email(&format!("u{i}@keel.test")));
            count_attempt(&pool, &[&address, &account]).await.unwrap();
        }
        let fresh = ThrottleKey::account(&email("fresh@keel.test"));
        assert!(matches!(
            count_attempt(&pool, &[&address, &fresh]).await,
            Err(AppError::RateLimited { .. })
        ));
        assert_eq!(attempts(&pool, &fresh).await, None);
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn success_clears_the_account_and_gives_the_address_its_attempt_back(pool: PgPool) {
        let account = ThrottleKey::account(&email("ok@keel.test"));
        let address = ThrottleKey::address(Some(IpAddr::V4(Ipv4Addr::LOCALHOST)));
        for _ in 0..3 {
            count_attempt(&pool, &[&address, &account]).await.unwrap();
        }
        let mut conn = pool.acquire().await.unwrap();
        succeeded(&mut conn, &account, &address).await.unwrap();
        assert_eq!(attempts(&pool, &account).await, None);
        assert_eq!(attempts(&pool, &address).await, Some(2));
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn rows_quiet_past_the_window_are_purged(pool: PgPool) {
        let old = ThrottleKey::account(&email("old@keel.test"));
        let recent = ThrottleKey::account(&email("recent@keel.test"));
        for _ in 0..ACCOUNT_FREE {
            count_attempt(&pool, &[&old]).await.unwrap();
        }
        count_attempt(&pool, &[&recent]).await.unwrap();
        sqlx::query(
            "UPDATE sign_in_attempts SET last_attempt_at = now() - interval '61 minutes',
                    next_allowed_at = now() - interval '56 minutes' WHERE key_hash = $1",
        )
        .bind(old.hash.as_slice())
        .execute(&pool)
        .await
        .unwrap();
        assert_eq!(purge(&pool).await.unwrap(), 1);
        assert_eq!(attempts(&pool, &old).await, None);
        assert_eq!(attempts(&pool, &recent).await, Some(1));
    }
}
