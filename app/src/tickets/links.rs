//! Customers' links to their tickets, signed with the desk's key (`desk_secret`), so that nothing
//! needs storing per link and an agent can hand out the same link again:
//! - the follow link `/support/t/{ticket}.{signature}`: whoever holds it reads the ticket's public
//!   conversation (never the internal notes) and may reply;
//! - the rating link `/support/rate/{ticket}.{expires}.{signature}`: good for one rating of one
//!   resolution (it names the resolution's time, so a reopened ticket's old link is dead) until it
//!   expires.
//!
//! A signature is the first 128 bits of HMAC-SHA-256, compared in constant time.
use chrono::{DateTime, Duration, Utc};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use uuid::Uuid;

/// How long a rating link stays good after the ticket is resolved.
pub const RATING_DAYS: i64 = 14;

const SIGNATURE_BYTES: usize = 16;

fn mac(key: &[u8], what: &str) -> Hmac<Sha256> {
    let mut m = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes a key of any length");
    m.update(what.as_bytes());
    m
}

fn sign(key: &[u8], what: &str) -> String {
    let bytes = mac(key, what).finalize().into_bytes();
    bytes[..SIGNATURE_BYTES]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn verify(key: &[u8], what: &str, signature: &str) -> bool {
    if signature.len() != SIGNATURE_BYTES * 2 || !signature.is_ascii() {
        return false;
    }
    let bytes: Option<Vec<u8>> = (0..SIGNATURE_BYTES)
        .map(|i| u8::from_str_radix(&signature[2 * i..2 * i + 2], 16).ok())
        .collect();
    bytes.is_some_and(|b| mac(key, what).verify_truncated_left(&b).is_ok())
}

/// The follow link's token for `ticket`.
pub fn follow_token(key: &[u8], ticket: Uuid) -> String {
    format!("{ticket}.{}", sign(key, &format!("follow:{ticket}")))
}

/// The ticket a follow token names, if its signature holds.
pub fn read_follow(key: &[u8], token: &str) -> Option<Uuid> {
    let (ticket, signature) = token.split_once('.')?;
    let ticket = Uuid::parse_str(ticket).ok()?;
    verify(key, &format!("follow:{ticket}"), signature).then_some(ticket)
}

fn rating_what(ticket: Uuid, expires: i64, resolved_at: DateTime<Utc>) -> String {
    format!("rate:{ticket}:{expires}:{}", resolved_at.timestamp_micros())
}

/// The rating link's token for `ticket`, resolved at `resolved_at`.
pub fn rating_token(key: &[u8], ticket: Uuid, resolved_at: DateTime<Utc>) -> String {
    let expires = (resolved_at + Duration::days(RATING_DAYS)).timestamp();
    let signature = sign(key, &rating_what(ticket, expires, resolved_at));
    format!("{ticket}.{expires}.{signature}")
}

/// A rating token as read, before its signature is checked against the ticket's resolution.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RatingToken {
    pub ticket: Uuid,
    expires: i64,
    signature: String,
}

/// Why a rating link is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refused {
    /// Not a link this desk made (or made for another resolution of the ticket).
    Invalid,
    Expired,
}

impl RatingToken {
    pub fn parse(token: &str) -> Option<RatingToken> {
        let mut parts = token.split('.');
        let ticket = Uuid::parse_str(parts.next()?).ok()?;
        let expires = parts.next()?.parse().ok()?;
        let signature = parts.next()?.to_string();
        parts.next().is_none().then_some(RatingToken {
            ticket,
            expires,
            signature,
        })
    }

    /// Whether the link holds for the ticket resolved at `resolved_at`, at `now`.
    pub fn check(
        &self,
        key: &[u8],
        resolved_at: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Result<(), Refused> {
        let resolved_at = resolved_at.ok_or(Refused::Invalid)?;
        let what = rating_what(self.ticket, self.expires, resolved_at);
        if !verify(key, &what, &self.signature) {
            return Err(Refused::Invalid);
        }
        if now.timestamp() > self.expires {
            return Err(Refused::Expired);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &[u8] = b"0123456789abcdef0123456789abcdef";

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn a_follow_link_names_its_ticket_and_nothing_else() {
        let t = Uuid::from_u128(7);
        let token = follow_token(KEY, t);
        assert_eq!(read_follow(KEY, &token), Some(t));
        assert_eq!(
            read_follow(b"another key, as long as the first", &token),
            None
        );
        let other = Uuid::from_u128(8);
        let forged = token.replace(&t.to_string(), &other.to_string());
        assert_eq!(read_follow(KEY, &forged), None);
        for bad in [
            "",
            ".",
            "x.y",
            &format!("{t}."),
            &format!("{t}.{}", "é".repeat(16)),
        ] {
            assert_eq!(read_follow(KEY, bad), None, "{bad}");
        }
    }

    #[test]
    fn a_rating_link_holds_for_its_resolution_until_it_expires() {
        let t = Uuid::from_u128(7);
        let resolved = at("2026-11-30T10:00:00Z");
        let token = RatingToken::parse(&rating_token(KEY, t, resolved)).unwrap();
        assert_eq!(token.ticket, t);
        assert_eq!(token.check(KEY, Some(resolved), resolved), Ok(()));
        let late = resolved + Duration::days(RATING_DAYS) + Duration::seconds(1);
        assert_eq!(
            token.check(KEY, Some(resolved), late),
            Err(Refused::Expired)
        );
        // Reopened and resolved again: the old link is for the old resolution.
        let again = resolved + Duration::hours(1);
        assert_eq!(token.check(KEY, Some(again), again), Err(Refused::Invalid));
        assert_eq!(token.check(KEY, None, resolved), Err(Refused::Invalid));
        // A later expiry written into the link breaks its signature.
        let mut stretched = token.clone();
        stretched.expires += 86400;
        assert_eq!(
            stretched.check(KEY, Some(resolved), resolved),
            Err(Refused::Invalid)
        );
        assert_eq!(RatingToken::parse("a.b.c"), None);
        assert_eq!(RatingToken::parse(&format!("{t}.1.ab.extra")), None);
    }
}
