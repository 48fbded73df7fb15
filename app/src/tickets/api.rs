//! Server functions for tickets; each checks the session, and the database layer the role.
use leptos::prelude::*;
use uuid::Uuid;

use super::model::{
    BulkInput, QueuePage, QueueQuery, TicketId, TicketInput, TicketRow, TicketView, TriageInput,
};
use crate::error::AppError;

#[server(prefix = "/api", endpoint = "list_tickets")]
pub async fn list_tickets(query: QueueQuery) -> Result<QueuePage, AppError> {
    use crate::users::auth;
    let user = auth::current_user()?;
    super::db::queue(&auth::state()?.pool, &user, &query).await
}

#[server(prefix = "/api", endpoint = "get_ticket")]
pub async fn get_ticket(id: TicketId) -> Result<TicketView, AppError> {
    use crate::users::auth;
    let user = auth::current_user()?;
    super::db::view(&auth::state()?.pool, &user, id).await
}

#[server(prefix = "/api", endpoint = "create_ticket")]
pub async fn create_ticket(input: TicketInput) -> Result<TicketId, AppError> {
    use crate::users::auth;
    let user = auth::current_user()?;
    let draft = input.parse()?;
    let mut tx = auth::state()?.pool.begin().await?;
    let id = super::db::create(&mut tx, &user, &draft, chrono::Utc::now()).await?;
    tx.commit().await?;
    Ok(id)
}

#[server(prefix = "/api", endpoint = "triage_ticket")]
pub async fn triage_ticket(
    id: TicketId,
    version: i32,
    input: TriageInput,
) -> Result<i32, AppError> {
    use crate::users::auth;
    let user = auth::current_user()?;
    let triage = input.parse()?;
    let mut tx = auth::state()?.pool.begin().await?;
    let v = super::db::triage(&mut tx, &user, id, version, &triage, chrono::Utc::now()).await?;
    tx.commit().await?;
    Ok(v)
}

/// Moves the ticket to the trash if it is still at `version`.
#[server(prefix = "/api", endpoint = "delete_ticket")]
pub async fn delete_ticket(id: TicketId, version: i32) -> Result<(), AppError> {
    use crate::users::auth;
    let user = auth::current_user()?;
    let mut tx = auth::state()?.pool.begin().await?;
    super::db::delete(&mut tx, &user, id, version).await?;
    tx.commit().await?;
    Ok(())
}

/// Sets the status, priority and/or assignee of the tickets chosen on a queue page; how many changed.
#[server(prefix = "/api", endpoint = "bulk_triage_tickets")]
pub async fn bulk_triage_tickets(input: BulkInput) -> Result<usize, AppError> {
    use crate::users::auth;
    let user = auth::current_user()?;
    let bulk = input.parse()?;
    let mut tx = auth::state()?.pool.begin().await?;
    let n = super::db::bulk_triage(&mut tx, &user, &bulk, chrono::Utc::now()).await?;
    tx.commit().await?;
    Ok(n)
}

/// Adds a public reply, an internal note or the customer's words to a ticket.
#[server(prefix = "/api", endpoint = "add_ticket_message")]
pub async fn add_ticket_message(id: TicketId, kind: String, body: String) -> Result<i32, AppError> {
    use crate::users::auth;
    let user = auth::current_user()?;
    let (kind, body) = super::model::parse_message(&kind, &body)?;
    let mut tx = auth::state()?.pool.begin().await?;
    let v = super::db::add_message(&mut tx, &user, id, &kind, &body, chrono::Utc::now()).await?;
    tx.commit().await?;
    Ok(v)
}

/// A contact's tickets the user may open, for the contact page.
#[server(prefix = "/api", endpoint = "contact_tickets")]
pub async fn contact_tickets(contact: Uuid) -> Result<Vec<TicketRow>, AppError> {
    use crate::users::auth;
    let user = auth::current_user()?;
    super::db::of_customer(
        &auth::state()?.pool,
        &user,
        super::db::CustomerColumn::Contact,
        contact,
    )
    .await
}

/// A company's tickets the user may open, for the company page.
#[server(prefix = "/api", endpoint = "company_tickets")]
pub async fn company_tickets(company: Uuid) -> Result<Vec<TicketRow>, AppError> {
    use crate::users::auth;
    let user = auth::current_user()?;
    super::db::of_customer(
        &auth::state()?.pool,
        &user,
        super::db::CustomerColumn::Company,
        company,
    )
    .await
}

/// The desk's settings (administrators).
#[server(prefix = "/api", endpoint = "desk_settings")]
pub async fn desk_settings() -> Result<super::desk::DeskSettings, AppError> {
    use crate::users::auth;
    let user = auth::current_user()?;
    super::db::settings(&auth::state()?.pool, &user).await
}

/// Saves an SLA policy: `id` empty for a new one (administrators).
#[server(prefix = "/api", endpoint = "save_sla_policy")]
pub async fn save_sla_policy(
    id: String,
    version: i32,
    input: super::desk::PolicyInput,
) -> Result<Uuid, AppError> {
    use crate::users::auth;
    let user = auth::current_user()?;
    let id = match id.trim() {
        "" => None,
        id => Some(Uuid::parse_str(id).map_err(|_| AppError::NotFound)?),
    };
    let draft = input.parse()?;
    let mut tx = auth::state()?.pool.begin().await?;
    let saved = super::db::save_policy(&mut tx, &user, id, version, &draft).await?;
    tx.commit().await?;
    Ok(saved)
}

/// Sets the days from a resolved ticket or a won deal to its return visit (administrators).
#[server(prefix = "/api", endpoint = "save_desk_options")]
pub async fn save_desk_options(days: String, version: i32) -> Result<i32, AppError> {
    use crate::users::auth;
    let user = auth::current_user()?;
    let days = super::desk::parse_visit_days(&days)?;
    let mut tx = auth::state()?.pool.begin().await?;
    let v = crate::activities::visits::db::save_days(&mut tx, &user, days, version).await?;
    tx.commit().await?;
    Ok(v)
}

/// Sets a team's assignment rule and turns its web form on or off (administrators).
#[server(prefix = "/api", endpoint = "save_team_rule")]
pub async fn save_team_rule(
    team: String,
    rule: String,
    #[server(default)] web_form: Option<String>,
) -> Result<(), AppError> {
    use crate::users::auth;
    let user = auth::current_user()?;
    let rule = super::desk::parse_rule(&rule)?;
    let mut tx = auth::state()?.pool.begin().await?;
    super::db::save_rule(&mut tx, &user, &team, &rule, web_form.is_some()).await?;
    tx.commit().await?;
    Ok(())
}
