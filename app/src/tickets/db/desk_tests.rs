use super::*;
use crate::error::Invalid;
use crate::tickets::db::tests::{about, at, open};
use crate::tickets::desk::PolicyInput;
use crate::tickets::model::TicketInput;
use crate::users::db::test_user as user;
use crate::users::model::Role;

async fn present(pool: &sqlx::PgPool, u: &CurrentUser) {
    sqlx::query("INSERT INTO sessions (token_hash, user_id) VALUES ($1, $2)")
        .bind(u.id.0.as_bytes().to_vec())
        .bind(u.id.0)
        .execute(pool)
        .await
        .unwrap();
}

async fn rule(pool: &sqlx::PgPool, admin: &CurrentUser, team: &str, rule: &str) {
    let mut tx = pool.begin().await.unwrap();
    save_rule(&mut tx, admin, team, rule, false).await.unwrap();
    tx.commit().await.unwrap();
}

fn for_team(team: &str) -> TicketInput {
    TicketInput {
        team: team.into(),
        ..about("", "normal")
    }
}

async fn assignee_of(
    pool: &sqlx::PgPool,
    admin: &CurrentUser,
    id: crate::tickets::model::TicketId,
) -> Option<Uuid> {
    crate::tickets::db::ticket(pool, admin, id)
        .await
        .unwrap()
        .assignee_id
}

#[sqlx::test(migrations = "../migrations")]
async fn round_robin_takes_turns_among_present_agents_and_least_busy_evens_the_load(
    pool: sqlx::PgPool,
) {
    let admin = user(&pool, "admin@t.test", Role::Admin, None).await;
    let ann = user(&pool, "ann@t.test", Role::Support, "Desk").await;
    let bob = user(&pool, "bob@t.test", Role::Support, "Desk").await;
    let away = user(&pool, "away@t.test", Role::Support, "Desk").await;
    user(&pool, "sales@t.test", Role::Sales, "Desk").await;
    present(&pool, &ann).await;
    present(&pool, &bob).await;

    // By hand until a rule is set.
    let first = open(&pool, &admin, for_team("Desk"), "2026-11-30T02:00:00Z").await;
    assert_eq!(assignee_of(&pool, &admin, first).await, None);

    rule(&pool, &admin, "Desk", "round_robin").await;
    let mut turns = Vec::new();
    for _ in 0..4 {
        let id = open(&pool, &admin, for_team("Desk"), "2026-11-30T02:00:00Z").await;
        turns.push(assignee_of(&pool, &admin, id).await.unwrap());
    }
    assert_eq!(
        turns,
        [ann.id.0, bob.id.0, ann.id.0, bob.id.0],
        "in turn, never the absent agent"
    );
    assert!(!turns.contains(&away.id.0));

    // Least busy: Ann has two open tickets, Bob two; close both of Bob's and he gets the next two.
    rule(&pool, &admin, "Desk", "least_busy").await;
    sqlx::query("UPDATE tickets SET status = 'closed' WHERE assignee_id = $1")
        .bind(bob.id.0)
        .execute(&pool)
        .await
        .unwrap();
    let a = open(&pool, &admin, for_team("Desk"), "2026-11-30T02:00:00Z").await;
    let b = open(&pool, &admin, for_team("Desk"), "2026-11-30T02:00:00Z").await;
    let c = open(&pool, &admin, for_team("Desk"), "2026-11-30T02:00:00Z").await;
    assert_eq!(assignee_of(&pool, &admin, a).await, Some(bob.id.0));
    assert_eq!(assignee_of(&pool, &admin, b).await, Some(bob.id.0));
    assert_eq!(
        assignee_of(&pool, &admin, c).await,
        Some(ann.id.0),
        "a tie goes by name"
    );

    // Nobody present: the ticket waits in Unassigned.
    sqlx::query("DELETE FROM sessions")
        .execute(&pool)
        .await
        .unwrap();
    let d = open(&pool, &admin, for_team("Desk"), "2026-11-30T02:00:00Z").await;
    assert_eq!(assignee_of(&pool, &admin, d).await, None);
    // Only administrators set rules.
    let mut tx = pool.begin().await.unwrap();
    assert_eq!(
        save_rule(&mut tx, &ann, "Desk", "manual", false)
            .await
            .unwrap_err(),
        AppError::Forbidden
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_policy_matched_by_channel_sets_the_clock_and_edits_check_the_version(
    pool: sqlx::PgPool,
) {
    let admin = user(&pool, "admin@t.test", Role::Admin, None).await;
    let s = settings(&pool, &admin).await.unwrap();
    assert_eq!(s.policies.len(), 1);
    let standard = &s.policies[0];
    assert_eq!(standard.policy.targets[0], (30, 120));

    // Chat tickets: round the clock, 10 minutes to the first response at normal priority.
    let chat = PolicyInput {
        name: "Chat".into(),
        zone: "Asia/Shanghai".into(),
        match_channel: "chat".into(),
        ..PolicyInput::from(&standard.policy)
    };
    let mut chat = chat;
    for (from, to) in [
        (&mut chat.mon_from, &mut chat.mon_to),
        (&mut chat.tue_from, &mut chat.tue_to),
        (&mut chat.wed_from, &mut chat.wed_to),
        (&mut chat.thu_from, &mut chat.thu_to),
        (&mut chat.fri_from, &mut chat.fri_to),
        (&mut chat.sat_from, &mut chat.sat_to),
        (&mut chat.sun_from, &mut chat.sun_to),
    ] {
        (*from, *to) = ("00:00".into(), "24:00".into());
    }
    chat.normal_first = "10".into();
    chat.position = "1".into();
    let mut tx = pool.begin().await.unwrap();
    assert_eq!(
        save_policy(
            &mut tx,
            &admin,
            None,
            0,
            &PolicyInput {
                zone: "Mars/Olympus".into(),
                ..chat.clone()
            }
            .parse()
            .unwrap()
        )
        .await
        .unwrap_err()
        .field("zone"),
        Some(Invalid::Choice)
    );
    drop(tx);
    let mut tx = pool.begin().await.unwrap();
    let id = save_policy(&mut tx, &admin, None, 0, &chat.parse().unwrap())
        .await
        .unwrap();
    tx.commit().await.unwrap();

    // Saturday 12:00 in Shanghai: the standard policy waits for Monday; the chat policy does not.
    let saturday = "2026-11-28T04:00:00Z";
    let phone = open(&pool, &admin, about("", "normal"), saturday).await;
    let by_chat = open(
        &pool,
        &admin,
        TicketInput {
            channel: "chat".into(),
            ..about("", "normal")
        },
        saturday,
    )
    .await;
    let t = crate::tickets::db::ticket(&pool, &admin, by_chat)
        .await
        .unwrap();
    assert_eq!(t.sla_name.as_deref(), Some("Chat"));
    assert_eq!(t.first_response_due_at, Some(at("2026-11-28T04:10:00Z")));
    let t = crate::tickets::db::ticket(&pool, &admin, phone)
        .await
        .unwrap();
    assert_eq!(t.sla_name.as_deref(), Some("Standard"));
    assert_eq!(t.first_response_due_at, Some(at("2026-11-30T10:00:00Z")));

    let mut tx = pool.begin().await.unwrap();
    assert_eq!(
        save_policy(&mut tx, &admin, Some(id), 7, &chat.parse().unwrap())
            .await
            .unwrap_err(),
        AppError::Conflict
    );
    drop(tx);
    let agent = user(&pool, "agent@t.test", Role::Support, None).await;
    assert_eq!(
        settings(&pool, &agent).await.unwrap_err(),
        AppError::Forbidden
    );
}
