use super::*;
use crate::error::Invalid;
use crate::tickets::model::{TicketInput, Triage, TriageInput};
use crate::users::db::test_user as user;
use crate::users::model::Role;

pub(super) fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

/// Monday 30 November 2026, 10:00 in Shanghai: the default policy's service hours open.
/// What `$body` gives inside a transaction of `$pool` named `$tx`, rolled back after.
macro_rules! rolled_back {
    ($pool:expr, |$tx:ident| $body:expr) => {{
        let mut $tx = $pool.begin().await.unwrap();
        let r = $body;
        $tx.rollback().await.unwrap();
        r
    }};
}

const MONDAY_10: &str = "2026-11-30T02:00:00Z";
/// Far ahead of any day the tests run on: nothing opened then is due soon.
pub(super) const LATER: &str = "2099-11-30T02:00:00Z";

pub(super) async fn contact(pool: &PgPool, owner: &CurrentUser, name: &str, email: &str) -> Uuid {
    let company: Uuid = sqlx::query_scalar(
        "INSERT INTO companies (name, owner_id, tags) VALUES ($1, $2, '{}') RETURNING id",
    )
    .bind(format!("{name} Ltd"))
    .bind(owner.id.0)
    .fetch_one(pool)
    .await
    .unwrap();
    sqlx::query_scalar(
        "INSERT INTO contacts (full_name, emails, phones, owner_id, company_id) VALUES ($1, ARRAY[$2], ARRAY['+86 138 0000 0001'], $3, $4) RETURNING id",
    )
    .bind(name)
    .bind(email)
    .bind(owner.id.0)
    .bind(company)
    .fetch_one(pool)
    .await
    .unwrap()
}

pub(super) async fn open(
    pool: &PgPool,
    agent: &CurrentUser,
    input: TicketInput,
    now: &str,
) -> TicketId {
    let mut tx = pool.begin().await.unwrap();
    let id = create(&mut tx, agent, &input.parse().unwrap(), at(now))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    id
}

/// The tickets a queue's first page lists for `u`.
pub(super) async fn queue_ids(pool: &PgPool, u: &CurrentUser, name: &str) -> Vec<TicketId> {
    let q = QueueQuery {
        queue: name.into(),
        ..Default::default()
    };
    let page = queue(pool, u, &q).await.unwrap();
    page.rows.into_iter().map(|r| r.id).collect()
}

/// The error a triage at `version` meets (nothing it did is kept).
async fn triage_error(
    pool: &PgPool,
    u: &CurrentUser,
    id: TicketId,
    version: i32,
    t: &Triage,
) -> AppError {
    rolled_back!(pool, |tx| super::triage(
        &mut tx,
        u,
        id,
        version,
        t,
        at(MONDAY_10)
    )
    .await)
    .unwrap_err()
}

pub(super) fn about(customer: &str, priority: &str) -> TicketInput {
    TicketInput {
        subject: "Printer offline".into(),
        customer: customer.into(),
        priority: priority.into(),
        ..Default::default()
    }
}

pub(super) async fn say(
    pool: &PgPool,
    u: &CurrentUser,
    id: TicketId,
    kind: &str,
    now: &str,
) -> i32 {
    let mut tx = pool.begin().await.unwrap();
    let v = add_message(&mut tx, u, id, kind, "text", at(now))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    v
}

pub(super) async fn set_status(
    pool: &PgPool,
    u: &CurrentUser,
    id: TicketId,
    status: &str,
    now: &str,
) {
    let t = ticket(pool, u, id).await.unwrap();
    let triage = TriageInput {
        status: status.into(),
        priority: t.priority.clone(),
        ..Default::default()
    }
    .parse()
    .unwrap();
    let mut tx = pool.begin().await.unwrap();
    super::triage(&mut tx, u, id, t.version, &triage, at(now))
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

#[sqlx::test(migrations = "../migrations")]
async fn a_ticket_finds_its_customer_by_email_phone_or_name(pool: PgPool) {
    let agent = user(&pool, "agent@t.test", Role::Support, "Desk").await;
    let li = contact(&pool, &agent, "Li Na", "li.na@example.cn").await;
    contact(&pool, &agent, "Wang Wei", "wang.wei@example.cn").await;
    contact(&pool, &agent, "Wang Wei", "wang.wei2@example.cn").await;

    for typed in ["LI.NA@example.cn", "li na", "+86 138 0000 0001"] {
        let mut tx = pool.begin().await.unwrap();
        let r = create(
            &mut tx,
            &agent,
            &about(typed, "").parse().unwrap(),
            at(MONDAY_10),
        )
        .await;
        if typed.starts_with('+') {
            // Every test contact shares this phone.
            assert_eq!(
                r.unwrap_err().field("customer"),
                Some(Invalid::ManyCustomers)
            );
        } else {
            let t = ticket(&mut *tx, &agent, r.unwrap()).await.unwrap();
            assert_eq!(t.contact_id, Some(li), "{typed}");
            assert_eq!(t.company_name.as_deref(), Some("Li Na Ltd"));
        }
        tx.rollback().await.unwrap();
    }
    let refused = |typed: &'static str| {
        let (pool, agent) = (pool.clone(), agent.clone());
        async move {
            let draft = about(typed, "").parse().unwrap();
            rolled_back!(pool, |tx| create(&mut tx, &agent, &draft, at(MONDAY_10))
                .await)
            .unwrap_err()
            .field("customer")
        }
    };
    assert_eq!(refused("wang wei").await, Some(Invalid::ManyCustomers));
    assert_eq!(refused("nobody@x.cn").await, Some(Invalid::NoCustomer));
}

#[sqlx::test(migrations = "../migrations")]
async fn the_clocks_follow_the_default_policy_and_stop_at_the_first_reply(pool: PgPool) {
    let agent = user(&pool, "agent@t.test", Role::Support, "Desk").await;
    contact(&pool, &agent, "Li Na", "li.na@example.cn").await;
    let id = open(
        &pool,
        &agent,
        about("li.na@example.cn", "normal"),
        MONDAY_10,
    )
    .await;
    let t = ticket(&pool, &agent, id).await.unwrap();
    assert!(t.number >= 1001);
    assert_eq!(t.sla_name.as_deref(), Some("Standard"));
    // Normal: 8 business hours to the first response (Monday 18:00), 24 to resolution (Wednesday 18:00).
    assert_eq!(t.first_response_due_at, Some(at("2026-11-30T10:00:00Z")));
    assert_eq!(t.resolution_due_at, Some(at("2026-12-02T10:00:00Z")));

    // An internal note is not a response.
    say(&pool, &agent, id, "note", "2026-11-30T03:00:00Z").await;
    assert!(
        ticket(&pool, &agent, id)
            .await
            .unwrap()
            .first_responded_at
            .is_none()
    );
    say(&pool, &agent, id, "reply", "2026-11-30T04:00:00Z").await;
    let t = ticket(&pool, &agent, id).await.unwrap();
    assert_eq!(t.first_responded_at, Some(at("2026-11-30T04:00:00Z")));
    assert_eq!(t.first_response_due_at, None, "met");
    assert_eq!(t.status, "open");
    assert_eq!(t.resolution_due_at, Some(at("2026-12-02T10:00:00Z")));
    let due: Option<DateTime<Utc>> = sqlx::query_scalar("SELECT due_at FROM tickets WHERE id = $1")
        .bind(id.0)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(
        due, t.resolution_due_at,
        "the queues sort by the resolution now"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn waiting_on_the_customer_pauses_and_their_reply_resumes_the_clock(pool: PgPool) {
    let agent = user(&pool, "agent@t.test", Role::Support, "Desk").await;
    contact(&pool, &agent, "Li Na", "li.na@example.cn").await;
    let id = open(&pool, &agent, about("li.na@example.cn", "high"), MONDAY_10).await;
    say(&pool, &agent, id, "reply", "2026-11-30T02:30:00Z").await;
    // High: 4 business hours to resolve. One used by 11:00, then the ticket waits until Tuesday 10:00.
    set_status(
        &pool,
        &agent,
        id,
        "waiting_customer",
        "2026-11-30T03:00:00Z",
    )
    .await;
    let t = ticket(&pool, &agent, id).await.unwrap();
    assert_eq!(t.resolution_due_at, None, "no due time while waiting");
    say(&pool, &agent, id, "customer", "2026-12-01T02:00:00Z").await;
    let t = ticket(&pool, &agent, id).await.unwrap();
    assert_eq!(t.status, "open", "the customer's reply reopens it");
    assert_eq!(
        t.resolution_due_at,
        Some(at("2026-12-01T05:00:00Z")),
        "three hours left"
    );

    set_status(&pool, &agent, id, "resolved", "2026-12-01T03:00:00Z").await;
    let t = ticket(&pool, &agent, id).await.unwrap();
    assert_eq!(
        (t.resolved_at, t.resolution_due_at),
        (Some(at("2026-12-01T03:00:00Z")), None)
    );
    say(&pool, &agent, id, "customer", "2026-12-02T02:00:00Z").await;
    let t = ticket(&pool, &agent, id).await.unwrap();
    assert_eq!(
        (t.status.as_str(), t.resolved_at),
        ("open", None),
        "a resolved ticket reopens"
    );
    assert_eq!(
        t.resolution_due_at,
        Some(at("2026-12-02T04:00:00Z")),
        "two hours left"
    );
    let audit: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_log WHERE entity = 'ticket' AND entity_id = $1",
    )
    .bind(id.0)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(
        audit, 6,
        "created, replied, waiting, reopened, resolved, reopened"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_stale_triage_conflicts_and_only_agents_take_tickets(pool: PgPool) {
    let agent = user(&pool, "agent@t.test", Role::Support, "Desk").await;
    let sales = user(&pool, "sales@t.test", Role::Sales, "East").await;
    let id = open(&pool, &agent, about("", "low"), MONDAY_10).await;
    let triage = |assignee: Uuid| {
        TriageInput {
            status: "open".into(),
            priority: "urgent".into(),
            assignee: assignee.to_string(),
            ..Default::default()
        }
        .parse()
        .unwrap()
    };
    assert_eq!(
        triage_error(&pool, &agent, id, 1, &triage(sales.id.0))
            .await
            .field("assignee"),
        Some(Invalid::Choice),
        "a sales rep is not an agent"
    );
    let mut tx = pool.begin().await.unwrap();
    let v = super::triage(&mut tx, &agent, id, 1, &triage(agent.id.0), at(MONDAY_10))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(v, 2);
    let t = ticket(&pool, &agent, id).await.unwrap();
    assert_eq!(t.assignee_name.as_deref(), Some("agent@t.test"));
    // Urgent now: 30 business minutes to the first response.
    assert_eq!(t.first_response_due_at, Some(at("2026-11-30T02:30:00Z")));
    assert_eq!(
        triage_error(&pool, &agent, id, 1, &triage(agent.id.0)).await,
        AppError::Conflict
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn sales_read_their_customers_tickets_and_may_only_add_notes(pool: PgPool) {
    let agent = user(&pool, "agent@t.test", Role::Support, "Desk").await;
    let east = user(&pool, "east@t.test", Role::Sales, "East").await;
    let west = user(&pool, "west@t.test", Role::Sales, "West").await;
    let viewer = user(&pool, "v@t.test", Role::Viewer, None).await;
    contact(&pool, &east, "Li Na", "li.na@example.cn").await;
    let theirs = open(&pool, &agent, about("li.na@example.cn", ""), MONDAY_10).await;
    let nobodys = open(&pool, &agent, about("", ""), MONDAY_10).await;

    assert_eq!(queue_ids(&pool, &east, "").await, [theirs]);
    assert!(queue_ids(&pool, &west, "").await.is_empty());
    assert_eq!(queue_ids(&pool, &viewer, "").await.len(), 2);
    assert_eq!(
        ticket(&pool, &west, theirs).await.unwrap_err(),
        AppError::NotFound
    );
    assert_eq!(
        ticket(&pool, &east, nobodys).await.unwrap_err(),
        AppError::NotFound
    );
    let contact_id = ticket(&pool, &east, theirs)
        .await
        .unwrap()
        .contact_id
        .unwrap();
    assert_eq!(
        of_customer(&pool, &east, CustomerColumn::Contact, contact_id)
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(
        of_customer(&pool, &west, CustomerColumn::Contact, contact_id)
            .await
            .unwrap()
            .is_empty()
    );

    let v = view(&pool, &east, theirs).await.unwrap();
    assert!(!v.can_work && v.can_note);
    say(&pool, &east, theirs, "note", MONDAY_10).await;
    assert_eq!(
        rolled_back!(pool, |tx| add_message(
            &mut tx,
            &east,
            theirs,
            "reply",
            "hi",
            at(MONDAY_10)
        )
        .await)
        .unwrap_err(),
        AppError::Forbidden
    );
    assert_eq!(
        rolled_back!(pool, |tx| add_message(
            &mut tx,
            &west,
            theirs,
            "note",
            "hi",
            at(MONDAY_10)
        )
        .await)
        .unwrap_err(),
        AppError::NotFound
    );
    assert_eq!(
        rolled_back!(pool, |tx| add_message(
            &mut tx,
            &viewer,
            theirs,
            "note",
            "hi",
            at(MONDAY_10)
        )
        .await)
        .unwrap_err(),
        AppError::Forbidden
    );
    let triage = TriageInput {
        status: "closed".into(),
        priority: "low".into(),
        ..Default::default()
    }
    .parse()
    .unwrap();
    assert_eq!(
        triage_error(&pool, &east, theirs, 1, &triage).await,
        AppError::Forbidden
    );
    assert_eq!(
        rolled_back!(pool, |tx| create(
            &mut tx,
            &east,
            &about("", "").parse().unwrap(),
            at(MONDAY_10)
        )
        .await)
        .unwrap_err(),
        AppError::Forbidden
    );
}
