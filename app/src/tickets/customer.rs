//! What the customer's side of the desk deals in, shared by both sides: the web form and its
//! checks, a ticket as its customer sees it (never an internal note), the rating page and a rating.
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::model::{DESCRIPTION_MAX, SUBJECT_MAX};
use crate::error::{AppError, Invalid};
use crate::records::fields::Fields;

pub const NAME_MAX: u32 = 200;
pub const COMMENT_MAX: u32 = 2000;

/// The web form as typed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct WebTicketInput {
    pub team: String,
    pub name: String,
    pub email: String,
    pub subject: String,
    pub description: String,
}

/// The web form, checked.
#[derive(Clone, Debug, PartialEq)]
pub struct WebTicket {
    pub team: String,
    pub name: String,
    /// Lower-cased.
    pub email: String,
    pub subject: String,
    pub description: String,
}

impl WebTicketInput {
    pub fn parse(&self) -> Result<WebTicket, AppError> {
        let mut f = Fields::default();
        let name = f.required("name", &self.name, NAME_MAX);
        let email = match crate::users::model::Email::parse(&self.email) {
            Ok(e) => e.as_str().to_string(),
            Err(why) => {
                f.fail("email", why);
                String::new()
            }
        };
        let subject = f.required("subject", &self.subject, SUBJECT_MAX);
        let description = f.required("description", &self.description, DESCRIPTION_MAX);
        f.finish(WebTicket {
            team: self.team.trim().to_string(),
            name,
            email,
            subject,
            description,
        })
    }
}

/// One message of the public conversation: the customer's, or an agent's reply.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct PublicMessage {
    pub from_customer: bool,
    /// The agent's name (replies only).
    pub author: Option<String>,
    pub body: String,
    pub at: DateTime<Utc>,
}

/// A ticket as its customer sees it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PublicTicket {
    pub number: i64,
    pub subject: String,
    pub status: String,
    pub created_at: DateTime<Utc>,
    /// The description first, then the replies and the customer's words; never a note.
    pub messages: Vec<PublicMessage>,
    pub rating: Option<i16>,
    /// The rating page, while the ticket is resolved and not rated for this resolution.
    pub rating_link: Option<String>,
}

/// A rating page: the ticket it rates, or why the link no longer holds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum RatingPage {
    Open { number: i64, subject: String },
    Used,
    Expired,
}

/// A score of 1 to 5 and an optional comment.
pub fn parse_rating(score: &str, comment: &str) -> Result<(i16, Option<String>), AppError> {
    let mut f = Fields::default();
    let score = match score.trim().parse::<i16>() {
        Ok(s @ 1..=5) => s,
        _ => {
            f.fail("score", Invalid::Choice);
            0
        }
    };
    let comment = f.optional("comment", comment, COMMENT_MAX);
    f.finish((score, comment))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_web_form_needs_a_name_an_email_a_subject_and_a_description() {
        let e = WebTicketInput {
            email: "not an email".into(),
            ..Default::default()
        }
        .parse()
        .unwrap_err();
        for field in ["name", "subject", "description"] {
            assert_eq!(e.field(field), Some(Invalid::Required), "{field}");
        }
        assert_eq!(e.field("email"), Some(Invalid::Email));
        let t = WebTicketInput {
            team: " Service ".into(),
            name: "Li Na".into(),
            email: "Li.Na@Example.cn".into(),
            subject: "Printer".into(),
            description: "It jams".into(),
        }
        .parse()
        .unwrap();
        assert_eq!(
            (t.team.as_str(), t.email.as_str()),
            ("Service", "li.na@example.cn")
        );
    }

    #[test]
    fn a_rating_is_one_to_five_with_an_optional_comment() {
        assert_eq!(parse_rating("5", ""), Ok((5, None)));
        assert_eq!(parse_rating(" 1 ", "slow"), Ok((1, Some("slow".into()))));
        for bad in ["0", "6", "", "five"] {
            assert_eq!(
                parse_rating(bad, "").unwrap_err().field("score"),
                Some(Invalid::Choice)
            );
        }
        let long = "x".repeat(COMMENT_MAX as usize + 1);
        assert!(
            parse_rating("3", &long)
                .unwrap_err()
                .field("comment")
                .is_some()
        );
    }
}
