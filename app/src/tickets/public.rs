//! The customer's side of the desk, without signing in: a team's web form, the page a customer
//! follows their ticket on (by its signed link) and replies from, and the rating page. Each write
//! counts the client's address against a rate limit before it does anything; a read checks the
//! link's signature before it reads the ticket. None of them shows an internal note.
use chrono::{DateTime, Utc};
use leptos::prelude::*;
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

/// Counts a write from the client's address against the public pages' allowance.
#[cfg(feature = "ssr")]
async fn count_public(pool: &sqlx::PgPool) -> Result<(), AppError> {
    use crate::users::{auth, throttle};
    let key = throttle::ThrottleKey::public_desk(auth::client_addr());
    throttle::count_attempt(pool, &[&key]).await
}

/// Whether a team's web form takes tickets (`NotFound` unless an admin turned it on).
#[server(prefix = "/api", endpoint = "web_form_open")]
pub async fn web_form_open(team: String) -> Result<(), AppError> {
    let st = crate::users::auth::state()?;
    super::db::web_form_open(&st.pool, &team).await
}

/// Opens a ticket from a team's web form and sends the browser to its follow page.
#[server(prefix = "/api", endpoint = "submit_web_ticket")]
pub async fn submit_web_ticket(input: WebTicketInput) -> Result<String, AppError> {
    let st = crate::users::auth::state()?;
    count_public(&st.pool).await?;
    let ticket = input.parse()?;
    let mut tx = st.pool.begin().await?;
    let token = super::db::web_create(&mut tx, &ticket, Utc::now()).await?;
    tx.commit().await?;
    let path = format!("/support/t/{token}");
    leptos_axum::redirect(&path);
    Ok(path)
}

/// The ticket a follow link names, as its customer sees it.
#[server(prefix = "/api", endpoint = "followed_ticket")]
pub async fn followed_ticket(token: String) -> Result<PublicTicket, AppError> {
    let st = crate::users::auth::state()?;
    super::db::public_view(&st.pool, &token, Utc::now()).await
}

/// The customer's reply through their follow link: it reopens a resolved or waiting ticket.
#[server(prefix = "/api", endpoint = "reply_web_ticket")]
pub async fn reply_web_ticket(token: String, body: String) -> Result<(), AppError> {
    let st = crate::users::auth::state()?;
    count_public(&st.pool).await?;
    let mut f = Fields::default();
    let body = f.required("body", &body, super::model::MESSAGE_MAX);
    let body = f.finish(body)?;
    let mut tx = st.pool.begin().await?;
    super::db::public_reply(&mut tx, &token, &body, Utc::now()).await?;
    tx.commit().await?;
    leptos_axum::redirect(&format!("/support/t/{token}"));
    Ok(())
}

/// What a rating link shows.
#[server(prefix = "/api", endpoint = "open_rating")]
pub async fn open_rating(token: String) -> Result<RatingPage, AppError> {
    let st = crate::users::auth::state()?;
    super::db::rating_page(&st.pool, &token, Utc::now()).await
}

/// Records the customer's rating through a rating link (once per resolution).
#[server(prefix = "/api", endpoint = "rate_ticket")]
pub async fn rate_ticket(token: String, score: String, comment: String) -> Result<(), AppError> {
    let st = crate::users::auth::state()?;
    count_public(&st.pool).await?;
    let (score, comment) = parse_rating(&score, &comment)?;
    let mut tx = st.pool.begin().await?;
    super::db::rate(&mut tx, &token, score, comment.as_deref(), Utc::now()).await?;
    tx.commit().await?;
    leptos_axum::redirect(&format!("/support/rate/{token}"));
    Ok(())
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
