//! `/api/v1/tickets`: the service desk's queues, a ticket with its conversation, opening one (as
//! the new-ticket form, with the desk's SLA and routing), triage (status, priority, team,
//! assignee, deal) and messages — each through the desk's own code and role rules.
use axum::Json;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::response::Response;
use http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::records::{body, merge, params};
use super::{Api, ApiResult, Caller, ErrorBody, IfMatch, Page, tagged};
use app::error::AppError;
use app::tickets::model::{
    Message, QueueQuery, Ticket, TicketId, TicketInput, TicketRow, TriageInput,
};
use app::tokens::model::Entity;

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
struct TicketParams {
    /// mine, unassigned, breaching, breached, waiting, open (the default) or done.
    queue: String,
    /// A team's name; every team when absent.
    team: String,
    /// The `next_cursor` of the previous page.
    cursor: String,
    /// The order: the queue's own when absent (by due time; waiting tickets oldest first, done
    /// ones newest first), `number` (oldest first), `-number` (newest first) or `due_at`.
    sort: String,
    /// Rows per page, 1 to 200 (default 50).
    limit: Option<u32>,
}

/// A ticket and its conversation, oldest message first.
#[derive(Serialize, ToSchema)]
struct TicketWithMessages {
    #[serde(flatten)]
    ticket: Ticket,
    messages: Vec<Message>,
}

/// A message to add: a public reply, an internal note, or the customer's own words.
#[derive(Serialize, Deserialize, ToSchema, Default)]
#[serde(default)]
struct MessageBody {
    /// reply, note or customer.
    kind: String,
    body: String,
}

/// The ticket as it now is, with its conversation, answered with `status` and its `ETag`.
async fn with_messages(
    api: &Api,
    user: &app::users::model::CurrentUser,
    id: TicketId,
    status: StatusCode,
) -> ApiResult<Response> {
    let v = app::tickets::db::view(&api.pool, user, id).await?;
    let version = v.ticket.version;
    let t = TicketWithMessages {
        ticket: v.ticket,
        messages: v.messages,
    };
    Ok(tagged(status, version, &t))
}

page_path!(
    "/tickets",
    "tickets",
    "list_tickets",
    TicketParams,
    TicketRow,
    /// A page of a queue, in the token's user's reach.
    async fn list(
        State(api): State<Api>,
        caller: Caller,
        q: Result<Query<TicketParams>, QueryRejection>,
    ) -> ApiResult<Json<Page<TicketRow>>> {
        let user = caller.may(Entity::Tickets, false)?;
        let p = params(q)?;
        let query = QueueQuery {
            queue: p.queue,
            team: p.team,
            after: p.cursor,
            sort: p.sort,
            limit: super::records::limit(p.limit)?,
        };
        let page = app::tickets::db::queue(&api.pool, user, &query).await?;
        Ok(Json(Page {
            data: page.rows,
            next_cursor: page.next,
        }))
    }
);

get_path!(
    "/tickets/{id}",
    "tickets",
    "get_tickets",
    TicketWithMessages,
    async fn get(
        State(api): State<Api>,
        caller: Caller,
        Path(id): Path<String>,
    ) -> ApiResult<Response> {
        let user = caller.may(Entity::Tickets, false)?;
        with_messages(&api, user, TicketId(super::id_of(&id)?), StatusCode::OK).await
    }
);

create_path!(
    "/tickets",
    "tickets",
    "create_tickets",
    TicketInput,
    TicketWithMessages,
    /// Opens a ticket as the new-ticket form does: the customer found by email, phone or name.
    async fn create(
        State(api): State<Api>,
        caller: Caller,
        b: Result<Json<Value>, JsonRejection>,
    ) -> ApiResult<Response> {
        let user = caller.may(Entity::Tickets, true)?;
        let draft = merge(&TicketInput::default(), body(b)?)?.parse()?;
        let mut tx = api.pool.begin().await?;
        let id = app::tickets::db::create(&mut tx, user, &draft, chrono::Utc::now()).await?;
        tx.commit().await?;
        with_messages(&api, user, id, StatusCode::CREATED).await
    }
);

if_match_path!(
    patch,
    "/tickets/{id}",
    "tickets",
    "update_tickets",
    TriageInput,
    TicketWithMessages,
    /// Triage: the status, priority, team, assignee and deal the body names (the others stay);
    /// `If-Match` must name the ticket's current version.
    async fn update(
        State(api): State<Api>,
        caller: Caller,
        Path(id): Path<String>,
        IfMatch(version): IfMatch,
        b: Result<Json<Value>, JsonRejection>,
    ) -> ApiResult<Response> {
        let user = caller.may(Entity::Tickets, true)?;
        let id = TicketId(super::id_of(&id)?);
        let patch = body(b)?;
        let mut tx = api.pool.begin().await?;
        let current = app::tickets::db::ticket(&mut *tx, user, id).await?;
        if current.version != version {
            drop(tx);
            return with_messages(&api, user, id, StatusCode::PRECONDITION_FAILED).await;
        }
        let triage = merge(&TriageInput::from(&current), patch)?.parse()?;
        let now = chrono::Utc::now();
        match app::tickets::db::triage(&mut tx, user, id, version, &triage, now).await {
            Ok(_) => tx.commit().await?,
            // Saved by someone else between the read and the write.
            Err(AppError::Conflict) => {
                drop(tx);
                return with_messages(&api, user, id, StatusCode::PRECONDITION_FAILED).await;
            }
            Err(e) => return Err(e.into()),
        }
        with_messages(&api, user, id, StatusCode::OK).await
    }
);

trash_route!(
    delete,
    "/tickets/{id}",
    "tickets",
    "delete_tickets",
    TicketWithMessages,
    Entity::Tickets,
    TicketId,
    |api, user, id, version, tx| app::tickets::db::delete(&mut tx, user, id, version),
    with_messages(&api, user, id, StatusCode::PRECONDITION_FAILED).await
);

/// Adds a reply (sent to the customer's link), an internal note or the customer's words.
#[utoipa::path(post, path = "/tickets/{id}/messages", tag = "tickets", operation_id = "message_tickets",
    request_body = MessageBody,
    params(("id" = String, Path, description = "The ticket's id")),
    responses((status = 201, body = TicketWithMessages, headers(("ETag" = String))),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
async fn message(
    State(api): State<Api>,
    caller: Caller,
    Path(id): Path<String>,
    b: Result<Json<Value>, JsonRejection>,
) -> ApiResult<Response> {
    let user = caller.may(Entity::Tickets, true)?;
    let id = TicketId(super::id_of(&id)?);
    let m = merge(&MessageBody::default(), body(b)?)?;
    let (kind, text) = app::tickets::model::parse_message(&m.kind, &m.body)?;
    let mut tx = api.pool.begin().await?;
    app::tickets::db::add_message(&mut tx, user, id, &kind, &text, chrono::Utc::now()).await?;
    tx.commit().await?;
    with_messages(&api, user, id, StatusCode::CREATED).await
}

pub fn routes() -> OpenApiRouter<Api> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get, update, delete))
        .routes(routes!(message))
}
