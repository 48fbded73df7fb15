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
