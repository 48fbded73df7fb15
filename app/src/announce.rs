//! Announcements: how a write tells every `keel` instance what changed, on one Postgres channel, in
//! the write's own transaction (so it is heard only if the write commits). The domains announce
//! here; `live` (above them) reads the announcements back and decides what each browser is told.
use serde::Serialize;
use sqlx::PgConnection;

use crate::error::AppError;

/// The one channel every announcement goes out on. Named when deals alone were announced; the
/// name stays, so that instances of the previous release (still running during an upgrade) hear.
pub const CHANNEL: &str = "keel_deals";

/// Something worth announcing: a serde struct, sent with its `KIND` beside its fields.
pub trait Announcement: Serialize {
    /// The payload's `kind`: what `live` tells announcements apart by.
    const KIND: &'static str;
}

/// The payload on the wire: `{"kind": KIND, …the event's fields}`.
#[derive(Serialize)]
struct Tagged<'a, A> {
    kind: &'static str,
    #[serde(flatten)]
    event: &'a A,
}

/// The payload `event` is announced with.
pub fn payload<A: Announcement>(event: &A) -> Result<String, AppError> {
    serde_json::to_string(&Tagged {
        kind: A::KIND,
        event,
    })
    .map_err(AppError::internal)
}

/// Announces `event` to every listening instance when the transaction of `conn` commits.
pub async fn announce<A: Announcement>(conn: &mut PgConnection, event: &A) -> Result<(), AppError> {
    sqlx::query("SELECT pg_notify($1, $2)")
        .bind(CHANNEL)
        .bind(payload(event)?)
        .execute(conn)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Rang {
        bell: u32,
    }
    impl Announcement for Rang {
        const KIND: &'static str = "rang";
    }

    #[test]
    fn an_announcement_carries_its_kind_beside_its_fields() {
        assert_eq!(
            payload(&Rang { bell: 3 }).unwrap(),
            r#"{"kind":"rang","bell":3}"#
        );
    }
}
