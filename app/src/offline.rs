//! The writes Keel keeps on a device while it is offline and replays later, each named once: a note
//! logged on a record (`Note`) and a deal moved on the board (`Move`). The offline layer (`pwa`)
//! stores them as opaque `{kind: arguments}` JSON; this module, above the domains, sends them.
use serde::{Deserialize, Serialize};

use crate::activities::api::{LogInteraction, log_interaction};
use crate::deals::board::api::{MoveDeal, move_deal};
use crate::error::AppError;
use crate::pwa::queue::{Replay, Replayable, Write};

/// Every kind of write that may wait offline; a variant's name is its kind in the queue.
#[derive(Clone, Serialize, Deserialize)]
pub enum OfflineWrite {
    Note(LogInteraction),
    Move(MoveDeal),
}

impl Replayable for LogInteraction {
    const KIND: &'static str = "Note";
}

impl Replayable for MoveDeal {
    const KIND: &'static str = "Move";
}

impl OfflineWrite {
    fn read(write: Write) -> Result<Self, AppError> {
        serde_json::from_value(write.0).map_err(|_| AppError::BadRequest)
    }

    async fn send(self) -> Result<(), AppError> {
        match self {
            OfflineWrite::Note(n) => log_interaction(n.about, n.id, n.input, n.key).await,
            OfflineWrite::Move(m) => move_deal(m.id, m.version, m.to, m.key).await.map(|_| ()),
        }
    }

    /// A refused move goes at the deal as it is now (the user chose to send it again).
    async fn refresh(self) -> Result<Write, AppError> {
        Ok(match self {
            OfflineWrite::Move(mut m) => {
                m.version = crate::deals::api::get_deal(m.id).await?.version;
                Write::of(&m)
            }
            OfflineWrite::Note(n) => Write::of(&n),
        })
    }
}

/// What the shell hands the offline layer.
pub const REPLAY: Replay = Replay {
    send: |w| Box::pin(async move { OfflineWrite::read(w)?.send().await }),
    refresh: |w| Box::pin(async move { OfflineWrite::read(w)?.refresh().await }),
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::activities::model::{InteractionInput, SubjectKind};
    use crate::deals::board::model::MoveTo;
    use crate::deals::model::{DealId, StageId};
    use uuid::Uuid;

    #[test]
    fn each_kept_write_reads_back_as_the_kind_it_was_kept_as() {
        let note = LogInteraction {
            about: SubjectKind::Contact,
            id: Uuid::from_u128(1),
            input: InteractionInput::default(),
            key: Some(Uuid::from_u128(2)),
        };
        let moved = MoveDeal {
            id: DealId(Uuid::from_u128(3)),
            version: 4,
            to: MoveTo {
                stage: StageId(Uuid::from_u128(5)),
                after: None,
                before: None,
            },
            key: None,
        };
        let read = |w: Write| OfflineWrite::read(w).map(|w| serde_json::to_value(w).unwrap());
        let as_kept = |w: OfflineWrite| serde_json::to_value(w).unwrap();
        assert_eq!(
            read(Write::of(&note)),
            Ok(as_kept(OfflineWrite::Note(note.clone())))
        );
        assert_eq!(
            read(Write::of(&moved)),
            Ok(as_kept(OfflineWrite::Move(moved)))
        );
        // What earlier releases kept on a device (`{"Note": …}`) still reads.
        let kept = serde_json::json!({ "Note": serde_json::to_value(&note).unwrap() });
        assert_eq!(read(Write(kept)), Ok(as_kept(OfflineWrite::Note(note))));
        assert_eq!(
            read(Write(serde_json::json!({"Drop": {}}))),
            Err(AppError::BadRequest)
        );
    }
}
