//! Rank keys stay bounded, whatever the history of moves and appends.
use super::*;
use crate::deals::board::model::MoveTo;
use crate::deals::model::DealDraft;
use crate::users::db::test_user as user;
use crate::users::model::Role;

async fn stage(pool: &PgPool) -> StageId {
    sqlx::query("INSERT INTO pipelines (name) VALUES ('Sales')")
        .execute(pool)
        .await
        .unwrap();
    StageId(
        sqlx::query_scalar(
            "INSERT INTO stages (pipeline_id, name, position, win_probability) SELECT id, 'Lead', 0, 10 FROM pipelines RETURNING id",
        )
        .fetch_one(pool)
        .await
        .unwrap(),
    )
}

async fn open(conn: &mut PgConnection, owner: &CurrentUser, at: StageId, title: &str) -> DealId {
    let draft = DealDraft {
        title: title.into(),
        value_minor: 100,
        currency: "CNY".into(),
        expected_close_date: None,
        probability: None,
    };
    DealId(
        open_deal(conn, owner, Some(at), &draft, None)
            .await
            .unwrap(),
    )
}

/// The stage's open cards in board order, and the longest key among them.
async fn column(pool: &PgPool, at: StageId) -> (Vec<String>, usize) {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT title, rank FROM deals WHERE stage_id = $1 AND status = 'open' ORDER BY rank, id",
    )
    .bind(at.0)
    .fetch_all(pool)
    .await
    .unwrap();
    let longest = rows.iter().map(|(_, r)| r.len()).max().unwrap_or(0);
    (rows.into_iter().map(|(t, _)| t).collect(), longest)
}

#[sqlx::test(migrations = "../migrations")]
async fn moving_cards_to_one_place_again_and_again_keeps_keys_bounded(pool: PgPool) {
    let admin = user(&pool, "a@t.test", Role::Admin, "HQ").await;
    let at = stage(&pool).await;
    let mut conn = pool.acquire().await.unwrap();
    let first = open(&mut conn, &admin, at, "First").await;
    let pair = [
        open(&mut conn, &admin, at, "X").await,
        open(&mut conn, &admin, at, "Y").await,
    ];
    let mut versions = [1, 1];
    // Each move puts the card right after "First", halving the room there every time.
    for i in 0..300 {
        let (moving, other) = (i % 2, 1 - i % 2);
        let card = move_deal(
            &mut conn,
            &admin,
            pair[moving],
            versions[moving],
            &MoveTo {
                stage: at,
                after: Some(first),
                before: Some(pair[other]),
            },
        )
        .await
        .unwrap();
        versions[moving] = card.version;
        let (order, longest) = column(&pool, at).await;
        assert!(
            longest <= crate::deals::board::rank::LIMIT,
            "move {i}: {longest}"
        );
        let moved = if moving == 0 { "X" } else { "Y" };
        assert_eq!(
            order[..2],
            ["First".to_string(), moved.to_string()],
            "move {i}"
        );
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn two_thousand_deals_opened_at_the_end_keep_short_keys_in_order(pool: PgPool) {
    let admin = user(&pool, "a@t.test", Role::Admin, "HQ").await;
    let at = stage(&pool).await;
    let mut conn = pool.acquire().await.unwrap();
    for i in 0..2000 {
        open(&mut conn, &admin, at, &format!("{i:05}")).await;
    }
    let (order, longest) = column(&pool, at).await;
    assert!(longest <= crate::deals::board::rank::LIMIT, "{longest}");
    let mut sorted = order.clone();
    sorted.sort();
    assert_eq!(order, sorted);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_column_page_continues_after_its_card_when_the_stage_was_respaced(pool: PgPool) {
    let admin = user(&pool, "a@t.test", Role::Admin, "HQ").await;
    let at = stage(&pool).await;
    let mut conn = pool.acquire().await.unwrap();
    let mut ids = Vec::new();
    for i in 0..5 {
        ids.push(open(&mut conn, &admin, at, &format!("D{i}")).await);
    }
    let seen: String = sqlx::query_scalar("SELECT rank FROM deals WHERE id = $1")
        .bind(ids[1].0)
        .fetch_one(&pool)
        .await
        .unwrap();
    rebalance(&mut conn, at.0).await.unwrap();
    let next = column_page(&pool, &admin, at, (seen, ids[1]), &BoardFilter::default())
        .await
        .unwrap();
    let titles: Vec<_> = next.iter().map(|c| c.title.as_str()).collect();
    assert_eq!(titles, ["D2", "D3", "D4"]);
}
