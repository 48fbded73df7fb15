//! Live events: the typed `LiveEvent` that the event stream (`GET /api/events`) carries to browsers,
//! and above the domains the two ends of it: what each announcement means and which user is told
//! what (`news`, server side), and the stream's reader in the browser that keeps pages live
//! (`stream`: the board, the bell, the ticket queues).
use serde::{Deserialize, Serialize};

use crate::deals::model::{DealId, PipelineId};
use crate::tickets::model::TicketId;

#[cfg(feature = "ssr")]
mod news;
mod stream;

#[cfg(feature = "ssr")]
pub use crate::announce::CHANNEL;
#[cfg(feature = "ssr")]
pub use news::{Announced, News, Viewer};
pub use stream::{keep_bell_live, keep_board_live, keep_home_live, keep_queue_live};

/// What the event stream (`GET /api/events`) sends a browser. A deal's id and version go only to
/// users who may open that deal; everyone else hears that something in the pipeline changed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LiveEvent {
    /// A deal the user may see changed: boards showing its pipeline reload unless they show it
    /// at this version already (the user's own move).
    Deal {
        deal: DealId,
        pipeline: PipelineId,
        version: i32,
    },
    /// Something in the pipeline changed (its settings, or a deal out of the user's sight, which
    /// may have just left it): boards showing it reload.
    Pipeline { pipeline: PipelineId },
    /// A ticket changed (opened, triaged, written on): queues reload. Its id only to those who
    /// see every ticket; to the rest, that some ticket changed.
    Ticket { ticket: Option<TicketId> },
    /// The user has something new to read: the bell loads again. Told to that user alone.
    Notified,
    /// Events may have been missed (the server's listener reconnected, or this stream lagged):
    /// reload whatever is shown.
    Resync,
}

impl LiveEvent {
    /// Whether a board of `shown`, holding the cards `known` (id, version), must reload.
    pub fn reloads(&self, shown: Option<PipelineId>, known: &[(DealId, i32)]) -> bool {
        match self {
            LiveEvent::Deal {
                deal,
                pipeline,
                version,
            } => shown == Some(*pipeline) && !known.iter().any(|(d, v)| d == deal && v >= version),
            LiveEvent::Pipeline { pipeline } => shown == Some(*pipeline),
            LiveEvent::Resync => true,
            LiveEvent::Ticket { .. } | LiveEvent::Notified => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    #[test]
    fn a_board_reloads_for_changes_to_its_pipeline_it_does_not_show_yet() {
        let (p, other) = (
            PipelineId(Uuid::from_u128(1)),
            PipelineId(Uuid::from_u128(2)),
        );
        let deal = DealId(Uuid::from_u128(3));
        let known = [(deal, 4)];
        let changed = |version| LiveEvent::Deal {
            deal,
            pipeline: p,
            version,
        };
        // Our own move, already shown at this version: nothing to load.
        assert!(!changed(4).reloads(Some(p), &known));
        assert!(changed(5).reloads(Some(p), &known));
        assert!(!changed(5).reloads(Some(other), &known));
        assert!(LiveEvent::Pipeline { pipeline: p }.reloads(Some(p), &known));
        assert!(!LiveEvent::Pipeline { pipeline: p }.reloads(Some(other), &known));
        assert!(LiveEvent::Resync.reloads(None, &[]));
        assert!(!LiveEvent::Notified.reloads(Some(p), &known));
        assert!(!LiveEvent::Ticket { ticket: None }.reloads(Some(p), &known));
    }

    #[test]
    fn live_events_are_tagged_by_kind_on_the_wire() {
        let e = LiveEvent::Pipeline {
            pipeline: PipelineId(Uuid::nil()),
        };
        assert_eq!(
            serde_json::to_string(&e).unwrap(),
            r#"{"kind":"pipeline","pipeline":"00000000-0000-0000-0000-000000000000"}"#
        );
        assert_eq!(
            serde_json::from_str::<LiveEvent>(r#"{"kind":"resync"}"#).unwrap(),
            LiveEvent::Resync
        );
    }
}
