//! Races over real HTTP: the same offline write replayed by two clients at once, and two people
//! dragging one card at the same time. Each must end with exactly one write taken.
use futures_util::future::join_all;
use http::StatusCode;
use sqlx::PgPool;
use uuid::Uuid;

use crate::http_tests::{body_text, post, signed_in, signed_in_again};

async fn id_of(pool: &PgPool, sql: &str) -> Uuid {
    sqlx::query_scalar(sql).fetch_one(pool).await.unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn a_note_replayed_by_two_clients_at_once_is_written_once(pool: PgPool) {
    let (app, cookie) = signed_in(pool.clone(), "sales@keel.demo").await;
    let contact = id_of(
        &pool,
        "SELECT c.id FROM contacts c JOIN users u ON u.id = c.owner_id WHERE u.email = 'sales@keel.demo' LIMIT 1",
    )
    .await;
    let key = Uuid::new_v4();
    let form = format!(
        "about=contact&id={contact}&input[kind]=note&input[body]=Replayed%20note&key={key}"
    );
    // Two tabs, and a third replay after the first answers were lost: all answer success.
    let answers =
        join_all((0..2).map(|_| post(&app, "/api/log_interaction", Some(&cookie), &form))).await;
    for res in answers {
        assert_eq!(res.status(), StatusCode::OK, "{}", body_text(res).await);
    }
    let again = post(&app, "/api/log_interaction", Some(&cookie), &form).await;
    assert_eq!(again.status(), StatusCode::OK);
    let notes: i64 =
        sqlx::query_scalar("SELECT count(*) FROM activities WHERE body = 'Replayed note'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(notes, 1);

    // A new key is a new note; a key reused for another kind of write is refused.
    let other = form.replace(&key.to_string(), &Uuid::new_v4().to_string());
    assert_eq!(
        post(&app, "/api/log_interaction", Some(&cookie), &other)
            .await
            .status(),
        StatusCode::OK
    );
    let deal = id_of(
        &pool,
        "SELECT d.id FROM deals d JOIN users u ON u.id = d.owner_id WHERE u.email = 'sales@keel.demo' AND d.status = 'open' LIMIT 1",
    )
    .await;
    let stage = id_of(
        &pool,
        &format!("SELECT stage_id FROM deals WHERE id = '{deal}'"),
    )
    .await;
    let reused = post(
        &app,
        "/api/move_deal",
        Some(&cookie),
        &format!("id={deal}&version=1&to[stage]={stage}&key={key}"),
    )
    .await;
    assert_eq!(reused.status(), StatusCode::BAD_REQUEST);
    let notes: i64 =
        sqlx::query_scalar("SELECT count(*) FROM activities WHERE body = 'Replayed note'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(notes, 2);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_replayed_move_answers_with_its_first_result_not_a_conflict(pool: PgPool) {
    let (app, cookie) = signed_in(pool.clone(), "sales@keel.demo").await;
    let deal = id_of(
        &pool,
        "SELECT d.id FROM deals d JOIN users u ON u.id = d.owner_id WHERE u.email = 'sales@keel.demo' AND d.status = 'open' LIMIT 1",
    )
    .await;
    let (version, other_stage): (i32, Uuid) = sqlx::query_as(
        "SELECT d.version, s.id FROM deals d JOIN stages s ON s.pipeline_id = d.pipeline_id AND s.id <> d.stage_id
          WHERE d.id = $1 AND s.archived_at IS NULL LIMIT 1",
    )
    .bind(deal)
    .fetch_one(&pool)
    .await
    .unwrap();
    let form = format!(
        "id={deal}&version={version}&to[stage]={other_stage}&key={}",
        Uuid::new_v4()
    );
    let before: i64 =
        sqlx::query_scalar("SELECT count(*) FROM deal_stage_history WHERE deal_id = $1")
            .bind(deal)
            .fetch_one(&pool)
            .await
            .unwrap();
    let first = post(&app, "/api/move_deal", Some(&cookie), &form).await;
    assert_eq!(first.status(), StatusCode::OK);
    let first = body_text(first).await;
    // The answer was lost; the queue sends the same move again.
    let again = post(&app, "/api/move_deal", Some(&cookie), &form).await;
    assert_eq!(again.status(), StatusCode::OK);
    assert_eq!(body_text(again).await, first);
    let moves: i64 =
        sqlx::query_scalar("SELECT count(*) FROM deal_stage_history WHERE deal_id = $1")
            .bind(deal)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(moves, before + 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn two_people_dragging_one_card_200_times_get_one_winner_per_version(pool: PgPool) {
    let (app, admin) = signed_in(pool.clone(), "admin@keel.demo").await;
    // The card's owner and an administrator.
    let (_, owner) = signed_in_again(pool.clone(), "sales@keel.demo").await;
    let deal = id_of(
        &pool,
        "SELECT d.id FROM deals d JOIN users u ON u.id = d.owner_id WHERE u.email = 'sales@keel.demo' AND d.status = 'open' ORDER BY d.title LIMIT 1",
    )
    .await;
    let stages: Vec<Uuid> = sqlx::query_scalar(
        "SELECT s.id FROM stages s JOIN deals d ON d.pipeline_id = s.pipeline_id
          WHERE d.id = $1 AND s.archived_at IS NULL ORDER BY s.position LIMIT 2",
    )
    .bind(deal)
    .fetch_all(&pool)
    .await
    .unwrap();
    let mut version: i32 = sqlx::query_scalar("SELECT version FROM deals WHERE id = $1")
        .bind(deal)
        .fetch_one(&pool)
        .await
        .unwrap();
    for round in 0..200 {
        // Both saw `version`; each drags the card to a different stage at the same moment.
        let drag = |to: Uuid| format!("id={deal}&version={version}&to[stage]={to}");
        let (to_a, to_b) = (drag(stages[0]), drag(stages[1]));
        let (a, b) = tokio::join!(
            post(&app, "/api/move_deal", Some(&admin), &to_a),
            post(&app, "/api/move_deal", Some(&owner), &to_b),
        );
        let (sa, sb) = (a.status(), b.status());
        if sa == StatusCode::NOT_FOUND || sb == StatusCode::NOT_FOUND {
            panic!(
                "round {round}: {sa} {} / {sb} {}",
                body_text(a).await,
                body_text(b).await
            );
        }
        let (a, b) = (sa, sb);
        let winner = match (a, b) {
            (StatusCode::OK, StatusCode::CONFLICT) => stages[0],
            (StatusCode::CONFLICT, StatusCode::OK) => stages[1],
            other => panic!("round {round}: {other:?}"),
        };
        let (stored, v): (Uuid, i32) =
            sqlx::query_as("SELECT stage_id, version FROM deals WHERE id = $1")
                .bind(deal)
                .fetch_one(&pool)
                .await
                .unwrap();
        assert_eq!((stored, v), (winner, version + 1), "round {round}");
        version = v;
    }
}
