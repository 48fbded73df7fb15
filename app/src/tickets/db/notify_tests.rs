use super::*;
use crate::notifications::db::inbox;
use crate::notifications::model::Kind;
use crate::tickets::db::tests::{LATER, about, at, contact, open, say, set_status};
use crate::tickets::model::TriageInput;
use crate::users::db::test_user as user;
use crate::users::model::Role;

/// The kinds of `u`'s notifications, oldest first.
pub(super) async fn told(pool: &PgPool, u: &CurrentUser) -> Vec<Kind> {
    let mut kinds: Vec<Kind> = inbox(pool, u)
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|n| n.kind)
        .collect();
    kinds.reverse();
    kinds
}

/// Triages the ticket at `when` into `status`, given to `to`.
async fn move_to(
    pool: &PgPool,
    by: &CurrentUser,
    id: TicketId,
    status: Option<&str>,
    to: &CurrentUser,
    when: &str,
) {
    let t = ticket(pool, by, id).await.unwrap();
    let input = TriageInput {
        status: status.map_or(t.status, str::to_string),
        priority: t.priority,
        team: t.team.unwrap_or_default(),
        assignee: to.id.0.to_string(),
        deal: t.deal_id.map(|d| d.to_string()).unwrap_or_default(),
    };
    let mut tx = pool.begin().await.unwrap();
    triage(
        &mut tx,
        by,
        id,
        t.version,
        &input.parse().unwrap(),
        at(when),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
}

async fn give(pool: &PgPool, by: &CurrentUser, id: TicketId, to: &CurrentUser) {
    move_to(pool, by, id, None, to, LATER).await;
}

#[sqlx::test(migrations = "../migrations")]
async fn an_agent_is_told_of_a_ticket_given_to_them_and_of_others_words_on_it(pool: PgPool) {
    let lead = user(&pool, "lead@t.test", Role::Manager, None).await;
    let ann = user(&pool, "ann@t.test", Role::Support, "Desk").await;
    contact(&pool, &lead, "Li Na", "li.na@example.cn").await;
    let id = open(&pool, &lead, about("li.na@example.cn", "normal"), LATER).await;
    assert!(told(&pool, &ann).await.is_empty());
    give(&pool, &lead, id, &ann).await;
    assert_eq!(told(&pool, &ann).await, [Kind::Assigned]);
    // Her own reply tells her nothing; the customer's words entered by a colleague do.
    say(&pool, &ann, id, "reply", LATER).await;
    say(&pool, &lead, id, "customer", LATER).await;
    assert_eq!(told(&pool, &ann).await, [Kind::Assigned, Kind::Reply]);
    // Nobody is told of what they did themselves.
    give(&pool, &ann, id, &ann).await;
    assert!(told(&pool, &lead).await.is_empty());
    let link = &inbox(&pool, &ann).await.unwrap().items[0].link;
    assert_eq!(link, &format!("/tickets/{}", id.0));
}

#[sqlx::test(migrations = "../migrations")]
async fn a_note_tells_the_colleagues_it_names_who_may_open_the_ticket(pool: PgPool) {
    let agent = user(&pool, "agent@t.test", Role::Support, "Desk").await;
    let east = user(&pool, "east@t.test", Role::Sales, "East").await;
    let west = user(&pool, "west@t.test", Role::Sales, "West").await;
    let boss = user(&pool, "boss@t.test", Role::Manager, None).await;
    contact(&pool, &east, "Li Na", "li.na@example.cn").await;
    let id = open(&pool, &agent, about("li.na@example.cn", "normal"), LATER).await;
    let mut tx = pool.begin().await.unwrap();
    add_message(
        &mut tx,
        &agent,
        id,
        "note",
        "@east@t.test @west@t.test @boss@t.test do you know this customer?",
        at(LATER),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(
        told(&pool, &east).await,
        [Kind::Mention],
        "the customer's rep"
    );
    assert!(told(&pool, &west).await.is_empty(), "another team's rep");
    assert_eq!(told(&pool, &boss).await, [Kind::Mention]);
}

/// An urgent ticket opened at `when` and given to `agent`.
async fn assigned_at(
    pool: &PgPool,
    lead: &CurrentUser,
    agent: &CurrentUser,
    when: &str,
) -> TicketId {
    let id = open(pool, lead, about("", "urgent"), when).await;
    move_to(pool, lead, id, None, agent, when).await;
    id
}

#[sqlx::test(migrations = "../migrations")]
async fn a_breach_is_told_to_the_assignee_once_per_due_time(pool: PgPool) {
    let lead = user(&pool, "lead@t.test", Role::Manager, None).await;
    let ann = user(&pool, "ann@t.test", Role::Support, None).await;
    // Monday 10:00 in Shanghai: urgent, first response due at 10:30, resolution at 12:00.
    let id = assigned_at(&pool, &lead, &ann, "2026-11-30T02:00:00Z").await;
    let unassigned = open(&pool, &lead, about("", "urgent"), "2026-11-30T02:00:00Z").await;
    let breach = |when: &str| {
        let (pool, when) = (pool.clone(), at(when));
        async move { scan_breaches(&pool, when, 100).await.unwrap() }
    };
    assert_eq!(breach("2026-11-30T02:29:00Z").await, 0, "not due yet");
    assert_eq!(breach("2026-11-30T02:31:00Z").await, 1);
    assert_eq!(breach("2026-11-30T02:32:00Z").await, 0, "told once");
    assert_eq!(told(&pool, &ann).await, [Kind::Assigned, Kind::Breach]);
    // The reply meets a new due time (the resolution's), which breaches in its turn.
    say(&pool, &ann, id, "reply", "2026-11-30T02:40:00Z").await;
    assert_eq!(breach("2026-11-30T03:59:00Z").await, 0);
    assert_eq!(breach("2026-11-30T04:01:00Z").await, 1);
    assert_eq!(told(&pool, &ann).await.len(), 3);
    // Nobody is told of the unassigned one (the Breached queue shows it); a waiting ticket's clock
    // stands still, and a resolved one's is done.
    set_status(&pool, &lead, unassigned, "resolved", "2026-11-30T02:01:00Z").await;
    let waiting = assigned_at(&pool, &lead, &ann, "2026-11-30T02:00:00Z").await;
    move_to(
        &pool,
        &ann,
        waiting,
        Some("waiting_customer"),
        &ann,
        "2026-11-30T02:05:00Z",
    )
    .await;
    assert_eq!(breach("2026-12-01T02:00:00Z").await, 0);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_backlog_of_breaches_is_worked_off_in_batches(pool: PgPool) {
    let lead = user(&pool, "lead@t.test", Role::Manager, None).await;
    let ann = user(&pool, "ann@t.test", Role::Support, None).await;
    for _ in 0..5 {
        assigned_at(&pool, &lead, &ann, "2026-11-30T02:00:00Z").await;
    }
    let later = at("2026-12-30T02:00:00Z");
    assert_eq!(scan_breaches(&pool, later, 2).await.unwrap(), 2);
    assert_eq!(scan_breaches(&pool, later, 2).await.unwrap(), 2);
    assert_eq!(scan_breaches(&pool, later, 2).await.unwrap(), 1);
    assert_eq!(scan_breaches(&pool, later, 2).await.unwrap(), 0);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_bulk_change_sets_every_chosen_ticket_or_none_and_tells_the_new_assignee(pool: PgPool) {
    use crate::tickets::model::BulkInput;
    let lead = user(&pool, "lead@t.test", Role::Manager, None).await;
    let ann = user(&pool, "ann@t.test", Role::Support, None).await;
    let rep = user(&pool, "rep@t.test", Role::Sales, "East").await;
    let (a, b) = (
        open(&pool, &lead, about("", "normal"), LATER).await,
        open(&pool, &lead, about("", "low"), LATER).await,
    );
    let bulk = |ids: Vec<TicketId>, assignee: String| {
        BulkInput {
            ids,
            priority: "high".into(),
            assignee,
            ..Default::default()
        }
        .parse()
        .unwrap()
    };
    let run = |u: CurrentUser, b: crate::tickets::model::Bulk| {
        let pool = pool.clone();
        async move {
            let mut tx = pool.begin().await.unwrap();
            let r = bulk_triage(&mut tx, &u, &b, at(LATER)).await;
            if r.is_ok() {
                tx.commit().await.unwrap();
            }
            r
        }
    };
    let both = bulk(vec![a, b], ann.id.0.to_string());
    assert_eq!(
        run(rep.clone(), both.clone()).await,
        Err(AppError::Forbidden)
    );
    let gone = TicketId(Uuid::nil());
    assert_eq!(
        run(lead.clone(), bulk(vec![a, gone], String::new())).await,
        Err(AppError::NotFound)
    );
    assert_eq!(
        ticket(&pool, &lead, a).await.unwrap().priority,
        "normal",
        "none changed"
    );
    let not_agent = bulk(vec![a], rep.id.0.to_string());
    assert_eq!(
        run(lead.clone(), not_agent)
            .await
            .unwrap_err()
            .field("assignee"),
        Some(crate::error::Invalid::Choice)
    );
    assert_eq!(run(lead.clone(), both.clone()).await, Ok(2));
    for id in [a, b] {
        let t = ticket(&pool, &lead, id).await.unwrap();
        assert_eq!(
            (t.priority.as_str(), t.assignee_id),
            ("high", Some(ann.id.0))
        );
    }
    assert_eq!(told(&pool, &ann).await, [Kind::Assigned, Kind::Assigned]);
    assert_eq!(run(lead, both).await, Ok(0), "already so");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_resolved_ticket_puts_one_return_visit_in_its_agents_tasks(pool: PgPool) {
    use crate::activities::db::my_tasks;
    use crate::activities::model::CallOutcome;
    use crate::activities::visits::db::{record, visit_days};
    let lead = user(&pool, "lead@t.test", Role::Manager, None).await;
    let ann = user(&pool, "ann@t.test", Role::Support, None).await;
    contact(&pool, &lead, "Li Na", "li.na@example.cn").await;
    let id = open(&pool, &lead, about("li.na@example.cn", "normal"), LATER).await;
    move_to(&pool, &lead, id, None, &ann, LATER).await;
    assert_eq!(visit_days(&pool).await.unwrap(), 7);
    move_to(
        &pool,
        &ann,
        id,
        Some("resolved"),
        &ann,
        "2026-12-01T02:00:00Z",
    )
    .await;
    // Reopened and resolved again: still one open visit.
    move_to(&pool, &ann, id, Some("open"), &ann, "2026-12-01T03:00:00Z").await;
    move_to(
        &pool,
        &ann,
        id,
        Some("closed"),
        &ann,
        "2026-12-01T04:00:00Z",
    )
    .await;
    let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    let tasks = my_tasks(&pool, &ann, today).await.unwrap();
    assert_eq!(tasks.upcoming.len(), 1, "{tasks:?}");
    let visit = &tasks.upcoming[0];
    assert_eq!(visit.due_on, chrono::NaiveDate::from_ymd_opt(2026, 12, 8));
    assert_eq!(visit.link, Some(format!("/tickets/{}", id.0)));
    assert_eq!(visit.about.as_deref(), Some("Li Na"));
    assert_eq!(visit.visit, Some(Default::default()));
    // Another's visit is not theirs to record; the agent records it.
    let rep = user(&pool, "rep@t.test", Role::Sales, "West").await;
    assert_eq!(
        record(&pool, &rep, visit.id, CallOutcome::Connected, Some(4)).await,
        Err(AppError::NotFound)
    );
    record(&pool, &ann, visit.id, CallOutcome::Connected, Some(4))
        .await
        .unwrap();
    let done = my_tasks(&pool, &ann, chrono::Utc::now().date_naive())
        .await
        .unwrap();
    let recorded = done
        .upcoming
        .iter()
        .find(|t| t.id == visit.id)
        .expect("a visit done early still shows on its day");
    assert!(recorded.done);
    assert_eq!(
        recorded.visit.as_ref().map(|v| (v.outcome, v.satisfaction)),
        Some((Some(CallOutcome::Connected), Some(4)))
    );
    assert_eq!(
        record(&pool, &ann, visit.id, CallOutcome::Busy, None).await,
        Ok(()),
        "recording a visit again updates it"
    );
}
