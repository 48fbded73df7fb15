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
use crate::notifications::model::Notified;
use crate::tickets::model::{TicketChanged, TicketId};
use crate::users::model::UserId;

/// An announcement as read back from `CHANNEL`: one variant per kind the domains announce.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Announced {
    /// A deal changed (moved, closed, opened, edited).
    Deal(DealEvent),
    /// A pipeline's name or stages changed.
    Settings(SettingsChanged),
    /// A ticket changed.
    Ticket(TicketChanged),
    /// A user has something new to read.
    Notified(Notified),
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
            k if k == TicketChanged::KIND => fields(payload).map(Announced::Ticket),
            k if k == Notified::KIND => fields(payload).map(Announced::Notified),
            other => Err(serde::de::Error::unknown_variant(
                other,
                &[
                    DealEvent::KIND,
                    SettingsChanged::KIND,
                    TicketChanged::KIND,
                    Notified::KIND,
                ],
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
    /// A ticket changed.
    Ticket(TicketId),
    /// This user has something new to read.
    Notified(UserId),
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
            Ok(Announced::Ticket(changed)) => News::Ticket(changed.ticket),
            Ok(Announced::Notified(n)) => News::Notified(UserId(n.user)),
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
    /// What this viewer is told of `news`, if anything: a deal's id and version only if they may
    /// open it (the same rule as `records::db::push_scope`), else only that its pipeline changed;
    /// a ticket's id only if they see every ticket; a notification only if it is theirs.
    pub fn told(&self, news: News) -> Option<LiveEvent> {
        Some(match news {
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
            News::Ticket(ticket) => LiveEvent::Ticket {
                ticket: self.all.then_some(ticket),
            },
            News::Notified(user) if user == self.id => LiveEvent::Notified,
            News::Notified(_) => return None,
            News::Resync => LiveEvent::Resync,
        })
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
        let ticket = TicketChanged {
            ticket: TicketId(Uuid::from_u128(5)),
        };
        assert_eq!(
            Announced::read(&payload(&ticket).unwrap()).unwrap(),
            Announced::Ticket(ticket)
        );
        let notified = Notified {
            user: Uuid::from_u128(6),
        };
        assert_eq!(
            Announced::read(&payload(&notified).unwrap()).unwrap(),
            Announced::Notified(notified)
        );
        assert!(Announced::read(r#"{"kind":"ticket","ticket":1}"#).is_err());
        assert!(Announced::read(r#"{"kind":"rang","bell":1}"#).is_err());
        assert!(Announced::read(r#"{"pipeline":"x","settings":1}"#).is_err());
    }

    #[test]
    fn a_notification_is_told_to_its_user_alone_and_a_tickets_id_to_those_who_see_all() {
        let me = UserId(Uuid::from_u128(1));
        let rep = Viewer {
            id: me,
            all: false,
            team: Some("East".into()),
        };
        let agent = Viewer {
            id: UserId(Uuid::from_u128(2)),
            all: true,
            team: None,
        };
        assert_eq!(rep.told(News::Notified(me)), Some(LiveEvent::Notified));
        assert_eq!(agent.told(News::Notified(me)), None);
        let t = TicketId(Uuid::from_u128(3));
        assert_eq!(
            rep.told(News::Ticket(t)),
            Some(LiveEvent::Ticket { ticket: None })
        );
        assert_eq!(
            agent.told(News::Ticket(t)),
            Some(LiveEvent::Ticket { ticket: Some(t) })
        );
    }
}
