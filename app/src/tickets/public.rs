//! Server functions of the customer's side of the desk, without signing in: a team's web form, the
//! page a customer follows their ticket on (by its signed link) and replies from, and the rating
//! page. Each write counts the client's address against a rate limit before it does anything; a
//! read checks the link's signature before it reads the ticket.
use leptos::prelude::*;

use super::customer::{PublicTicket, RatingPage, WebTicketInput};
use crate::error::AppError;

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
    let token = super::db::web_create(&mut tx, &ticket, chrono::Utc::now()).await?;
    tx.commit().await?;
    let path = format!("/support/t/{token}");
    leptos_axum::redirect(&path);
    Ok(path)
}

/// The ticket a follow link names, as its customer sees it.
#[server(prefix = "/api", endpoint = "followed_ticket")]
pub async fn followed_ticket(token: String) -> Result<PublicTicket, AppError> {
    let st = crate::users::auth::state()?;
    super::db::public_view(&st.pool, &token, chrono::Utc::now()).await
}

/// The customer's reply through their follow link: it reopens a resolved or waiting ticket.
#[server(prefix = "/api", endpoint = "reply_web_ticket")]
pub async fn reply_web_ticket(token: String, body: String) -> Result<(), AppError> {
    let st = crate::users::auth::state()?;
    count_public(&st.pool).await?;
    let mut f = crate::records::fields::Fields::default();
    let body = f.required("body", &body, super::model::MESSAGE_MAX);
    let body = f.finish(body)?;
    let mut tx = st.pool.begin().await?;
    super::db::public_reply(&mut tx, &token, &body, chrono::Utc::now()).await?;
    tx.commit().await?;
    leptos_axum::redirect(&format!("/support/t/{token}"));
    Ok(())
}

/// What a rating link shows.
#[server(prefix = "/api", endpoint = "open_rating")]
pub async fn open_rating(token: String) -> Result<RatingPage, AppError> {
    let st = crate::users::auth::state()?;
    super::db::rating_page(&st.pool, &token, chrono::Utc::now()).await
}

/// Records the customer's rating through a rating link (once per resolution).
#[server(prefix = "/api", endpoint = "rate_ticket")]
pub async fn rate_ticket(token: String, score: String, comment: String) -> Result<(), AppError> {
    let st = crate::users::auth::state()?;
    count_public(&st.pool).await?;
    let (score, comment) = super::customer::parse_rating(&score, &comment)?;
    let mut tx = st.pool.begin().await?;
    super::db::rate(
        &mut tx,
        &token,
        score,
        comment.as_deref(),
        chrono::Utc::now(),
    )
    .await?;
    tx.commit().await?;
    leptos_axum::redirect(&format!("/support/rate/{token}"));
    Ok(())
}
