//! What an announcement means for the event streams (server side): read back into the typed
//! `Announced`, resolved once per instance into `News` (a deal's owner looked up), and told to each
//! `Viewer` within their data scope.
use serde::Deserialize;
use serde::de::DeserializeOwned;
use sqlx::PgPool;
use uuid::Uuid;

use super::LiveEvent;
use crate::announce::Announcement;
use crate::deals::board::db::deal_owner;
use crate::deals::board::model::DealEvent;
use crate::deals::model::PipelineId;
use crate::deals::settings::model::SettingsChanged;
use crate::users::model::UserId;

/// An announcement as read back from `CHANNEL`: one variant per kind the domains announce.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Announced {
    /// A deal changed (moved, closed, opened, edited).
    Deal(DealEvent),
    /// A pipeline's name or stages changed.
    Settings(SettingsChanged),
}

impl Announced {
    /// The announcement of a payload, by its `kind`; an error for a kind this release does not
    /// know or fields that do not fit it.
    pub fn read(payload: &str) -> Result<Announced, serde_json::Error> {
        #[derive(Deserialize)]
        struct Kind {
            kind: String,
        }
        fn fields<A: Announcement + DeserializeOwned>(payload: &str) -> serde_json::Result<A> {
            serde_json::from_str(payload)
        }
        let Kind { kind } = serde_json::from_str(payload)?;
        match kind.as_str() {
            k if k == DealEvent::KIND => fields(payload).map(Announced::Deal),
            k if k == SettingsChanged::KIND => fields(payload).map(Announced::Settings),
            other => Err(serde::de::Error::unknown_variant(
                other,
                &[DealEvent::KIND, SettingsChanged::KIND],
            )),
        }
    }
}

/// What every stream of an instance hears of an announcement.
#[derive(Clone, Debug)]
pub enum News {
    /// A deal changed; its owner and the owner's team now (`None`: the deal is gone).
    Deal {
        event: DealEvent,
        owner: Option<(Option<Uuid>, Option<String>)>,
    },
    /// Something in the pipeline changed that every viewer of it reloads for.
    Pipeline(PipelineId),
    /// Announcements may have been missed, or one could not be read: reload whatever is shown.
    Resync,
}

impl News {
    /// What `payload` (announced on `CHANNEL`) means for the streams: the deal's owner is looked
    /// up here, once per event and instance, not once per stream.
    pub async fn of(pool: &PgPool, payload: &str) -> News {
        match Announced::read(payload) {
            Ok(Announced::Deal(event)) => match deal_owner(pool, event.deal).await {
                Ok(owner) => News::Deal { event, owner },
                // Who may see it is unknown: nobody hears its id.
                Err(e) => {
                    tracing::warn!(error = ?e, "live event: could not look up the deal's owner");
                    News::Pipeline(event.pipeline)
                }
            },
            Ok(Announced::Settings(changed)) => News::Pipeline(changed.pipeline),
            // Announced by another release (during an upgrade) or garbled: what changed is
            // unknown, so every stream reloads what it shows.
            Err(e) => {
                tracing::warn!(error = %e, "live event: unreadable announcement");
                News::Resync
            }
        }
    }
}

/// Who a stream is for, as of its last check of the session.
#[derive(Clone, Debug)]
pub struct Viewer {
    pub id: UserId,
    /// The role sees every record.
    pub all: bool,
    pub team: Option<String>,
}

impl Viewer {
    /// What this viewer is told of `news`: a deal's id and version only if they may open it (the
    /// same rule as `records::db::push_scope`), else only that its pipeline changed.
    pub fn told(&self, news: News) -> LiveEvent {
        match news {
            News::Deal { event, owner } => {
                let sees = owner.is_some_and(|(owner, team)| {
                    self.all || owner == Some(self.id.0) || (team.is_some() && team == self.team)
                });
                if sees {
                    LiveEvent::Deal {
                        deal: event.deal,
                        pipeline: event.pipeline,
                        version: event.version,
                    }
                } else {
                    LiveEvent::Pipeline {
                        pipeline: event.pipeline,
                    }
                }
            }
            News::Pipeline(pipeline) => LiveEvent::Pipeline { pipeline },
            News::Resync => LiveEvent::Resync,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::announce::payload;
    use crate::deals::model::DealId;

    #[test]
    fn every_kind_announced_is_read_back_as_itself() {
        let deal = DealEvent {
            deal: DealId(Uuid::from_u128(1)),
            pipeline: PipelineId(Uuid::from_u128(2)),
            version: 3,
        };
        let settings = SettingsChanged {
            pipeline: PipelineId(Uuid::from_u128(2)),
            settings: 4,
        };
        assert_eq!(
            Announced::read(&payload(&deal).unwrap()).unwrap(),
            Announced::Deal(deal)
        );
        assert_eq!(
            Announced::read(&payload(&settings).unwrap()).unwrap(),
            Announced::Settings(settings)
        );
        assert!(Announced::read(r#"{"kind":"ticket","ticket":1}"#).is_err());
        assert!(Announced::read(r#"{"pipeline":"x","settings":1}"#).is_err());
    }
}
