//! What a notification is, to the browser and to the database.
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// What a user is told of.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A ticket was given to them.
    Assigned,
    /// A ticket of theirs passed a due time.
    Breach,
    /// Someone else wrote on a ticket of theirs (the customer, or a colleague's reply).
    Reply,
    /// Someone named them (`@Their Name`) in a note.
    Mention,
    /// A webhook of theirs failed for a day and was paused.
    WebhookPaused,
}

impl Kind {
    pub const ALL: [Kind; 5] = [
        Kind::Assigned,
        Kind::Breach,
        Kind::Reply,
        Kind::Mention,
        Kind::WebhookPaused,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Assigned => "assigned",
            Kind::Breach => "breach",
            Kind::Reply => "reply",
            Kind::Mention => "mention",
            Kind::WebhookPaused => "webhook_paused",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// One notification as the bell lists it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Notification {
    pub id: Uuid,
    pub kind: Kind,
    pub title: String,
    pub link: String,
    pub actor: Option<String>,
    pub at: DateTime<Utc>,
    pub read: bool,
}

/// The bell's content: how many are unread, and the newest notifications.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Inbox {
    pub unread: i64,
    pub items: Vec<Notification>,
}

/// The most unread notifications the bell counts ("99+" from there).
pub const COUNTED: i64 = 100;

/// How many notifications the bell lists.
pub const SHOWN: i64 = 20;

/// Whether `body` names `name` as a mention: `@name`, not inside an address, and not followed by a letter or digit when the
/// name ends in one of the Latin alphabet (so `@Li` is not `@Lily`; Chinese is written without
/// spaces, so `@张伟请看` names 张伟).
pub fn mentions(body: &str, name: &str) -> bool {
    let name = name.trim();
    if name.is_empty() {
        return false;
    }
    let needle = format!("@{name}");
    let ends_latin = name
        .chars()
        .last()
        .is_some_and(|c| c.is_ascii_alphanumeric());
    body.match_indices(&needle).any(|(i, m)| {
        // An address (`li@example.com`) is not a mention.
        let starts = body[..i]
            .chars()
            .next_back()
            .is_none_or(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '+')));
        starts
            && (!ends_latin
                || body[i + m.len()..]
                    .chars()
                    .next()
                    .is_none_or(|c| !(c.is_alphanumeric() || c == '_')))
    })
}

/// A note's first words, as a notification's title.
pub fn excerpt(body: &str) -> String {
    let line = body.split_whitespace().collect::<Vec<_>>().join(" ");
    match line.char_indices().nth(80) {
        Some((i, _)) => format!("{}…", &line[..i]),
        None => line,
    }
}

/// Announced when a user has something new to read: only their own streams hear it.
#[cfg(feature = "ssr")]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notified {
    pub user: Uuid,
}

#[cfg(feature = "ssr")]
impl crate::announce::Announcement for Notified {
    const KIND: &'static str = "notified";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mention_is_the_whole_name_after_an_at_sign() {
        assert!(mentions("@Li Wei please call back", "Li Wei"));
        assert!(mentions("thanks @Li Wei.", "Li Wei"));
        assert!(mentions("@Li", "Li"));
        assert!(!mentions("@Lily can you", "Li"));
        assert!(!mentions("Li Wei please", "Li Wei"));
        assert!(!mentions("mail li@example.com", "example"));
        assert!(mentions("@张伟请看一下", "张伟"));
        assert!(mentions("请@张伟看一下", "张伟"));
        assert!(mentions("a@Li b @Li", "Li"), "a later mention counts");
        assert!(!mentions("@ anyone", " "));
    }

    #[test]
    fn an_excerpt_is_one_line_of_at_most_eighty_characters() {
        assert_eq!(excerpt("Call\n  them   back"), "Call them back");
        let long = "字".repeat(100);
        let e = excerpt(&long);
        assert_eq!(e.chars().count(), 81);
        assert!(e.ends_with('…'));
    }

    #[test]
    fn kinds_read_back_as_themselves() {
        for k in Kind::ALL {
            assert_eq!(Kind::parse(k.as_str()), Some(k));
        }
        assert_eq!(Kind::parse("other"), None);
    }
}
