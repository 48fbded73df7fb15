use super::tests::{LATER, about, at, open, queue_ids, set_status};
use super::*;
use crate::tickets::model::TriageInput;
use crate::users::db::test_user as user;
use crate::users::model::Role;

#[sqlx::test(migrations = "../migrations")]
async fn queues_split_tickets_by_assignee_due_time_and_status_and_page_by_due_time(pool: PgPool) {
    let agent = user(&pool, "agent@t.test", Role::Support, "Desk").await;
    // Opened years ago: long breached; the others open in the far future.
    let breached = open(&pool, &agent, about("", "urgent"), "2026-11-23T02:00:00Z").await;
    let now = Utc::now();
    let mine = open(&pool, &agent, about("", "low"), LATER).await;
    set_status(&pool, &agent, mine, "open", LATER).await;
    let v = ticket(&pool, &agent, mine).await.unwrap().version;
    let mut tx = pool.begin().await.unwrap();
    let t = TriageInput {
        status: "open".into(),
        priority: "low".into(),
        assignee: agent.id.0.to_string(),
        ..Default::default()
    }
    .parse()
    .unwrap();
    super::triage(&mut tx, &agent, mine, v, &t, at(LATER))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    // Due within the hour, whatever the time the test runs at.
    let soon = open(&pool, &agent, about("", "normal"), LATER).await;
    sqlx::query("UPDATE tickets SET first_response_due_at = $2 WHERE id = $1")
        .bind(soon.0)
        .bind(now + chrono::Duration::minutes(30))
        .execute(&pool)
        .await
        .unwrap();
    let waiting = open(&pool, &agent, about("", "normal"), LATER).await;
    set_status(&pool, &agent, waiting, "waiting_third_party", LATER).await;
    let done = open(&pool, &agent, about("", "normal"), LATER).await;
    set_status(&pool, &agent, done, "closed", LATER).await;

    assert_eq!(queue_ids(&pool, &agent, "mine").await, [mine]);
    assert_eq!(queue_ids(&pool, &agent, "breached").await, [breached]);
    assert_eq!(queue_ids(&pool, &agent, "breaching").await, [soon]);
    assert_eq!(queue_ids(&pool, &agent, "waiting").await, [waiting]);
    assert_eq!(queue_ids(&pool, &agent, "done").await, [done]);
    let unassigned = queue_ids(&pool, &agent, "unassigned").await;
    assert_eq!(unassigned.first(), Some(&breached), "most overdue first");
    assert_eq!(unassigned.last(), Some(&waiting), "no due time last");
    assert_eq!(unassigned.len(), 3);

    // Paging: 120 more open tickets come back once each, in due order, over three pages.
    for _ in 0..120 {
        open(&pool, &agent, about("", "low"), LATER).await;
    }
    let mut seen = Vec::new();
    let mut q = QueueQuery {
        queue: "open".into(),
        ..Default::default()
    };
    loop {
        let page = queue(&pool, &agent, &q).await.unwrap();
        seen.extend(page.rows.iter().map(|r| (r.due_at, r.number)));
        match page.next {
            Some(next) => q.after = next,
            None => break,
        }
    }
    assert_eq!(seen.len(), 124);
    let mut sorted = seen.clone();
    sorted.sort_by_key(|(d, n)| (d.is_none(), *d, *n));
    assert_eq!(seen, sorted);
    q.after = "garbage".into();
    assert_eq!(
        queue(&pool, &agent, &q).await.unwrap_err(),
        AppError::BadRequest
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_customers_tickets_stand_in_their_timeline_for_those_who_may_open_them(pool: PgPool) {
    use crate::activities::db::timeline;
    use crate::activities::model::{EntryBody, SubjectKind};
    let agent = user(&pool, "agent@t.test", Role::Support, "Desk").await;
    let east = user(&pool, "east@t.test", Role::Sales, "East").await;
    let west = user(&pool, "west@t.test", Role::Sales, "West").await;
    let li = super::tests::contact(&pool, &east, "Li Na", "li.na@example.cn").await;
    let company: Uuid = sqlx::query_scalar("SELECT company_id FROM contacts WHERE id = $1")
        .bind(li)
        .fetch_one(&pool)
        .await
        .unwrap();
    // A West contact at the same company, with a ticket of their own.
    sqlx::query("INSERT INTO contacts (full_name, emails, owner_id, company_id) VALUES ('Wang', ARRAY['wang@example.cn'], $1, $2)")
        .bind(west.id.0)
        .bind(company)
        .execute(&pool)
        .await
        .unwrap();
    let theirs = open(&pool, &agent, about("li.na@example.cn", ""), LATER).await;
    open(&pool, &agent, about("wang@example.cn", ""), LATER).await;
    let tickets_in = |u: CurrentUser, kind: SubjectKind, id: Uuid| {
        let pool = pool.clone();
        async move {
            let page = timeline(&pool, &u, kind, id, None, 50).await.unwrap();
            page.entries
                .into_iter()
                .filter_map(|e| match e.body {
                    EntryBody::Ticket { id, title } => Some((id, title)),
                    _ => None,
                })
                .collect::<Vec<_>>()
        }
    };
    let shown = tickets_in(east.clone(), SubjectKind::Contact, li).await;
    assert_eq!(shown.len(), 1);
    assert_eq!(shown[0].0, theirs.0);
    assert!(shown[0].1.ends_with("Printer offline"), "{shown:?}");
    assert_eq!(
        tickets_in(east, SubjectKind::Company, company).await.len(),
        1,
        "the West contact's ticket stays West's"
    );
    assert_eq!(
        tickets_in(agent, SubjectKind::Company, company).await.len(),
        2
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_ticket_relates_to_a_deal_of_its_customer_the_agent_may_open(pool: PgPool) {
    let agent = user(&pool, "agent@t.test", Role::Support, "Desk").await;
    let east = user(&pool, "east@t.test", Role::Sales, "East").await;
    let li = super::tests::contact(&pool, &east, "Li Na", "li.na@example.cn").await;
    let (theirs, other): (Uuid, Uuid) = sqlx::query_as(
        "WITH p AS (INSERT INTO pipelines (name) VALUES ('Sales') RETURNING id),
              s AS (INSERT INTO stages (pipeline_id, name, position) SELECT id, 'Lead', 0 FROM p RETURNING id, pipeline_id),
              d1 AS (INSERT INTO deals (pipeline_id, stage_id, title, value_minor, rank, owner_id)
                     SELECT s.pipeline_id, s.id, 'Printer lease', 1, 'a', $1 FROM s RETURNING id),
              d2 AS (INSERT INTO deals (pipeline_id, stage_id, title, value_minor, rank, owner_id)
                     SELECT s.pipeline_id, s.id, 'Someone else''s', 1, 'b', $1 FROM s RETURNING id),
              dc AS (INSERT INTO deal_contacts (deal_id, contact_id) SELECT id, $2 FROM d1)
         SELECT d1.id, d2.id FROM d1, d2",
    )
    .bind(east.id.0)
    .bind(li)
    .fetch_one(&pool)
    .await
    .unwrap();
    let id = open(&pool, &agent, about("li.na@example.cn", ""), LATER).await;
    let v = view(&pool, &agent, id).await.unwrap();
    assert_eq!(
        v.deals,
        [(theirs, "Printer lease".to_string())],
        "the contact's deals"
    );
    let relate = |deal: Uuid, u: CurrentUser| {
        let pool = pool.clone();
        async move {
            let t = ticket(&pool, &u, id).await.unwrap();
            let input = TriageInput {
                status: t.status,
                priority: t.priority,
                deal: deal.to_string(),
                ..Default::default()
            };
            let mut tx = pool.begin().await.unwrap();
            let r = triage(
                &mut tx,
                &u,
                id,
                t.version,
                &input.parse().unwrap(),
                at(LATER),
            )
            .await;
            tx.commit().await.unwrap();
            r
        }
    };
    relate(theirs, agent.clone()).await.unwrap();
    let t = ticket(&pool, &agent, id).await.unwrap();
    assert_eq!(
        (t.deal_id, t.deal_title.as_deref()),
        (Some(theirs), Some("Printer lease"))
    );
    // A deal nobody may open (deleted) is refused.
    sqlx::query("UPDATE deals SET deleted_at = now() WHERE id = $1")
        .bind(other)
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(
        relate(other, agent).await.unwrap_err().field("deal"),
        Some(crate::error::Invalid::Choice)
    );
}
