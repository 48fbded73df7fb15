use super::*;
use crate::tickets::customer::WebTicketInput;
use crate::tickets::db::tests::{LATER, at, say, set_status};
use crate::tickets::db::{save_rule, ticket, view};
use crate::users::db::test_user as user;
use crate::users::model::{CurrentUser, Role};

fn form(team: &str, email: &str) -> WebTicket {
    WebTicketInput {
        team: team.into(),
        name: "Li Na".into(),
        email: email.into(),
        subject: "Printer jams".into(),
        description: "Every morning.".into(),
    }
    .parse()
    .unwrap()
}

async fn web_form(pool: &PgPool, admin: &CurrentUser, team: &str, on: bool) {
    let mut tx = pool.begin().await.unwrap();
    save_rule(&mut tx, admin, team, "manual", on).await.unwrap();
    tx.commit().await.unwrap();
}

async fn submit(pool: &PgPool, f: &WebTicket) -> Result<String, AppError> {
    let mut tx = pool.begin().await.unwrap();
    let r = web_create(&mut tx, f, at(LATER)).await;
    if r.is_ok() {
        tx.commit().await.unwrap();
    }
    r
}

fn id_of(token: &str) -> TicketId {
    TicketId(Uuid::parse_str(token.split('.').next().unwrap()).unwrap())
}

/// An admin, and a ticket from the Service team's web form (turned on): its follow token and id.
async fn web_ticket(pool: &PgPool) -> (CurrentUser, String, TicketId) {
    let admin = user(pool, "admin@t.test", Role::Admin, None).await;
    web_form(pool, &admin, "Service", true).await;
    let token = submit(pool, &form("Service", "li.na@example.cn"))
        .await
        .unwrap();
    let id = id_of(&token);
    (admin, token, id)
}

#[sqlx::test(migrations = "../migrations")]
async fn a_teams_web_form_opens_a_ticket_for_the_contact_with_that_email(pool: PgPool) {
    let admin = user(&pool, "admin@t.test", Role::Admin, None).await;
    assert_eq!(
        submit(&pool, &form("Service", "li.na@example.cn")).await,
        Err(AppError::NotFound),
        "no team has a form until an admin turns it on"
    );
    web_form(&pool, &admin, "Service", true).await;
    let first = submit(&pool, &form("Service", "li.na@example.cn"))
        .await
        .unwrap();
    let second = submit(&pool, &form("Service", "li.na@example.cn"))
        .await
        .unwrap();
    let (a, b) = (
        ticket(&pool, &admin, id_of(&first)).await.unwrap(),
        ticket(&pool, &admin, id_of(&second)).await.unwrap(),
    );
    assert_eq!(
        (a.channel.as_str(), a.team.as_deref()),
        ("web", Some("Service"))
    );
    assert!(a.contact_id.is_some());
    assert_eq!(a.contact_id, b.contact_id, "one contact per email");
    assert_eq!(a.contact_name.as_deref(), Some("Li Na"));
    assert!(a.first_response_due_at.is_some(), "its clock runs");
    web_form(&pool, &admin, "Service", false).await;
    assert_eq!(
        submit(&pool, &form("Service", "li.na@example.cn")).await,
        Err(AppError::NotFound)
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn the_customer_sees_replies_and_their_own_words_never_a_note(pool: PgPool) {
    let (admin, token, id) = web_ticket(&pool).await;
    let mut tx = pool.begin().await.unwrap();
    add_note(&mut tx, &admin, id, "INTERNAL: customer is difficult").await;
    tx.commit().await.unwrap();
    say(&pool, &admin, id, "reply", LATER).await;
    let seen = public_view(&pool, &token, at(LATER)).await.unwrap();
    let bodies: Vec<&str> = seen.messages.iter().map(|m| m.body.as_str()).collect();
    assert_eq!(bodies, ["Every morning.", "text"]);
    assert!(seen.messages[0].from_customer);
    assert_eq!(seen.messages[1].author.as_deref(), Some("admin@t.test"));
    assert!(!format!("{seen:?}").contains("INTERNAL"));
    // A forged or mangled link reads nothing.
    let forged = format!("{}.{}", id.0, "0".repeat(32));
    assert_eq!(
        public_view(&pool, &forged, at(LATER)).await,
        Err(AppError::NotFound)
    );
    assert_eq!(
        public_view(&pool, "nonsense", at(LATER)).await,
        Err(AppError::NotFound)
    );
}

async fn add_note(tx: &mut PgConnection, u: &CurrentUser, id: TicketId, body: &str) {
    crate::tickets::db::add_message(tx, u, id, "note", body, at(LATER))
        .await
        .unwrap();
}

#[sqlx::test(migrations = "../migrations")]
async fn a_customers_reply_reopens_their_resolved_ticket_and_tells_its_agent(pool: PgPool) {
    let (admin, token, id) = web_ticket(&pool).await;
    let ann = user(&pool, "ann@t.test", Role::Support, None).await;
    crate::tickets::db::bulk_triage(
        &mut *pool.acquire().await.unwrap(),
        &admin,
        &crate::tickets::model::BulkInput {
            ids: vec![id],
            status: "resolved".into(),
            assignee: ann.id.0.to_string(),
            ..Default::default()
        }
        .parse()
        .unwrap(),
        at(LATER),
    )
    .await
    .unwrap();
    let mut tx = pool.begin().await.unwrap();
    public_reply(&mut tx, &token, "Still jams", at(LATER))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(ticket(&pool, &admin, id).await.unwrap().status, "open");
    use crate::notifications::model::Kind;
    assert_eq!(
        crate::tickets::db::notify_tests::told(&pool, &ann).await,
        [Kind::Assigned, Kind::Reply]
    );
    let v = view(&pool, &admin, id).await.unwrap();
    assert_eq!(v.messages.last().unwrap().kind, "customer");
}

async fn rate_with(
    pool: &PgPool,
    token: &str,
    score: i16,
    when: DateTime<Utc>,
) -> Result<(), AppError> {
    let mut tx = pool.begin().await.unwrap();
    let r = rate(&mut tx, token, score, Some("quick"), when).await;
    if r.is_ok() {
        tx.commit().await.unwrap();
    }
    r
}

/// Why a rating through `token` at `when` is refused.
async fn refused(pool: &PgPool, token: &str, when: DateTime<Utc>) -> Option<Invalid> {
    rate_with(pool, token, 1, when)
        .await
        .unwrap_err()
        .field("score")
}

#[sqlx::test(migrations = "../migrations")]
async fn a_rating_link_is_offered_once_resolved_and_takes_one_rating_per_resolution(pool: PgPool) {
    let (admin, token, id) = web_ticket(&pool).await;
    let now = chrono::Utc::now();
    assert_eq!(
        public_view(&pool, &token, now).await.unwrap().rating_link,
        None
    );
    set_status(&pool, &admin, id, "resolved", "2026-12-01T02:00:00Z").await;
    let resolved = at("2026-12-01T02:00:00Z");
    let link = public_view(&pool, &token, resolved)
        .await
        .unwrap()
        .rating_link
        .unwrap();
    let rating = link.trim_start_matches("/support/rate/").to_string();
    assert!(matches!(
        rating_page(&pool, &rating, resolved).await,
        Ok(RatingPage::Open { .. })
    ));
    // Expired after its days.
    let late = resolved + chrono::Duration::days(crate::tickets::links::RATING_DAYS + 1);
    assert_eq!(
        rating_page(&pool, &rating, late).await,
        Ok(RatingPage::Expired)
    );
    assert_eq!(refused(&pool, &rating, late).await, Some(Invalid::Expired));
    rate_with(&pool, &rating, 4, resolved).await.unwrap();
    assert_eq!(ticket(&pool, &admin, id).await.unwrap().rating, Some(4));
    assert_eq!(
        rating_page(&pool, &rating, resolved).await,
        Ok(RatingPage::Used)
    );
    assert_eq!(refused(&pool, &rating, resolved).await, Some(Invalid::Used));
    assert_eq!(
        public_view(&pool, &token, resolved)
            .await
            .unwrap()
            .rating_link,
        None
    );
    // Reopened and resolved again: the old link is dead, a new one takes a new rating.
    set_status(&pool, &admin, id, "open", "2026-12-02T02:00:00Z").await;
    set_status(&pool, &admin, id, "resolved", "2026-12-02T03:00:00Z").await;
    let again = at("2026-12-02T03:00:00Z");
    assert_eq!(
        rating_page(&pool, &rating, again).await,
        Err(AppError::NotFound)
    );
    let fresh = public_view(&pool, &token, again)
        .await
        .unwrap()
        .rating_link
        .unwrap();
    let fresh = fresh.trim_start_matches("/support/rate/");
    rate_with(&pool, fresh, 2, again).await.unwrap();
    assert_eq!(ticket(&pool, &admin, id).await.unwrap().rating, Some(2));
}
