//! Database tests of the board: its figures and filters, moves and closes in and out of scope,
//! their announcements, the deals table and a record's deals.
use super::*;
use crate::activities::model::SubjectKind;
use crate::deals::board::model::{DealSummary, MoveTo};
use crate::error::Invalid;
use crate::users::model::Role;

use crate::users::db::test_user as user;

/// A pipeline with stages Lead (10%) and Won-ish (50%), and three deals of `owner` in Lead: A, B, C.
async fn setup(pool: &PgPool, owner: &CurrentUser) -> (Vec<StageId>, Vec<DealId>) {
    sqlx::query("INSERT INTO pipelines (name) VALUES ('Sales')")
        .execute(pool)
        .await
        .unwrap();
    let mut stages = Vec::new();
    for (i, (name, p)) in [("Lead", 10), ("Proposal", 50)].into_iter().enumerate() {
        let s: Uuid = sqlx::query_scalar(
            "INSERT INTO stages (pipeline_id, name, position, win_probability) SELECT id, $1, $2, $3 FROM pipelines RETURNING id",
        )
        .bind(name).bind(i as i32).bind(p as i16).fetch_one(pool).await.unwrap();
        stages.push(StageId(s));
    }
    let mut deals = Vec::new();
    let mut conn = pool.acquire().await.unwrap();
    for (title, value) in [("A", 1000), ("B", 2000), ("C", 4000)] {
        let id = create_deal(
            &mut conn,
            owner,
            title,
            &Money {
                minor: value,
                currency: "CNY".into(),
            },
            None,
        )
        .await
        .unwrap();
        deals.push(DealId(id));
    }
    (stages, deals)
}

fn to(stage: StageId, after: Option<DealId>, before: Option<DealId>) -> MoveTo {
    MoveTo {
        stage,
        after,
        before,
    }
}

fn titles(board: &Board, column: usize) -> Vec<String> {
    board.columns[column]
        .cards
        .iter()
        .map(|c| c.title.clone())
        .collect()
}

#[sqlx::test(migrations = "../migrations")]
async fn the_board_shows_stages_in_order_with_counts_totals_and_weighted_values(pool: PgPool) {
    let admin = user(&pool, "a@t.test", Role::Admin, "HQ").await;
    setup(&pool, &admin).await;
    let board = board(&pool, &admin, None, &BoardFilter::default())
        .await
        .unwrap();
    assert_eq!(
        board
            .columns
            .iter()
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>(),
        ["Lead", "Proposal"]
    );
    assert_eq!(titles(&board, 0), ["A", "B", "C"]);
    assert_eq!(board.columns[0].count, 3);
    assert_eq!(
        board.columns[0].totals,
        vec![Money {
            minor: 7000,
            currency: "CNY".into()
        }]
    );
    assert_eq!(
        board.columns[0].weighted,
        vec![Money {
            minor: 700,
            currency: "CNY".into()
        }]
    );
    assert!(board.columns[1].cards.is_empty());
}

#[sqlx::test(migrations = "../migrations")]
async fn a_deal_moves_across_stages_and_reorders_within_one(pool: PgPool) {
    let admin = user(&pool, "a@t.test", Role::Admin, "HQ").await;
    let (stages, deals) = setup(&pool, &admin).await;
    let mut conn = pool.acquire().await.unwrap();
    // C to the top of Lead.
    let c = move_deal(
        &mut conn,
        &admin,
        deals[2],
        1,
        &to(stages[0], None, Some(deals[0])),
    )
    .await
    .unwrap();
    assert_eq!(c.version, 2);
    // A to Proposal.
    move_deal(&mut conn, &admin, deals[0], 1, &to(stages[1], None, None))
        .await
        .unwrap();
    let b = board(&pool, &admin, None, &BoardFilter::default())
        .await
        .unwrap();
    assert_eq!(titles(&b, 0), ["C", "B"]);
    assert_eq!(titles(&b, 1), ["A"]);
    let history: i64 =
        sqlx::query_scalar("SELECT count(*) FROM deal_stage_history WHERE deal_id = $1")
            .bind(deals[0].0)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(history, 1, "only the stage change is history");
    let audit: serde_json::Value = sqlx::query_scalar("SELECT changes FROM audit_log WHERE entity = 'deal' AND entity_id = $1 AND action = 'update'")
        .bind(deals[0].0).fetch_one(&pool).await.unwrap();
    assert_eq!(
        audit,
        serde_json::json!({"stage": {"old": "Lead", "new": "Proposal"}})
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_move_with_a_stale_version_is_refused(pool: PgPool) {
    let admin = user(&pool, "a@t.test", Role::Admin, "HQ").await;
    let (stages, deals) = setup(&pool, &admin).await;
    let mut conn = pool.acquire().await.unwrap();
    let to = MoveTo {
        stage: stages[1],
        after: None,
        before: None,
    };
    move_deal(&mut conn, &admin, deals[1], 1, &to)
        .await
        .unwrap();
    assert_eq!(
        move_deal(&mut conn, &admin, deals[1], 1, &to)
            .await
            .unwrap_err(),
        AppError::Conflict
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn won_needs_nothing_lost_needs_a_reason_and_closed_deals_leave_the_board(pool: PgPool) {
    let admin = user(&pool, "a@t.test", Role::Admin, "HQ").await;
    let (_, deals) = setup(&pool, &admin).await;
    let mut conn = pool.acquire().await.unwrap();
    assert_eq!(
        close_deal(&mut conn, &admin, deals[0], 1, false, " ")
            .await
            .unwrap_err()
            .field("reason"),
        Some(Invalid::Required)
    );
    close_deal(
        &mut conn,
        &admin,
        deals[0],
        1,
        false,
        "Went with a competitor",
    )
    .await
    .unwrap();
    close_deal(&mut conn, &admin, deals[1], 1, true, "")
        .await
        .unwrap();
    let b = board(&pool, &admin, None, &BoardFilter::default())
        .await
        .unwrap();
    assert_eq!(titles(&b, 0), ["C"]);
    let (status, reason): (String, Option<String>) =
        sqlx::query_as("SELECT status, lost_reason FROM deals WHERE id = $1")
            .bind(deals[0].0)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(
        (status.as_str(), reason.as_deref()),
        ("lost", Some("Went with a competitor"))
    );
    // The won deal, and it alone, gets a return visit for its owner, a week on.
    let visits: Vec<(uuid::Uuid, String, Option<chrono::NaiveDate>)> =
        sqlx::query_as("SELECT deal_id, title, due_on FROM tasks WHERE kind = 'return_visit'")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(visits.len(), 1);
    assert_eq!(visits[0].0, deals[1].0);
    assert_eq!(
        visits[0].2,
        Some(chrono::Utc::now().date_naive() + chrono::Duration::days(7))
    );
    assert_eq!(
        close_deal(&mut conn, &admin, deals[1], 2, true, "")
            .await
            .unwrap_err(),
        AppError::Conflict,
        "already closed"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn sales_move_only_deals_in_their_scope_and_viewers_none(pool: PgPool) {
    let east = user(&pool, "e@t.test", Role::Sales, "East").await;
    let west = user(&pool, "w@t.test", Role::Sales, "West").await;
    let viewer = user(&pool, "v@t.test", Role::Viewer, "HQ").await;
    let (stages, deals) = setup(&pool, &east).await;
    let mut conn = pool.acquire().await.unwrap();
    let to = MoveTo {
        stage: stages[1],
        after: None,
        before: None,
    };
    assert_eq!(
        move_deal(&mut conn, &west, deals[0], 1, &to)
            .await
            .unwrap_err(),
        AppError::NotFound
    );
    assert_eq!(
        move_deal(&mut conn, &viewer, deals[0], 1, &to)
            .await
            .unwrap_err(),
        AppError::Forbidden
    );
    assert!(
        board(&pool, &west, None, &BoardFilter::default())
            .await
            .unwrap()
            .columns[0]
            .cards
            .is_empty()
    );
    assert_eq!(
        board(
            &pool,
            &east,
            None,
            &BoardFilter {
                owner: "me".into(),
                q: "b".into(),
                ..Default::default()
            }
        )
        .await
        .unwrap()
        .columns[0]
            .count,
        1
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn every_move_is_announced_to_listeners_after_commit(pool: PgPool) {
    let admin = user(&pool, "a@t.test", Role::Admin, "HQ").await;
    let (stages, deals) = setup(&pool, &admin).await;
    let mut listener = sqlx::postgres::PgListener::connect_with(&pool)
        .await
        .unwrap();
    listener.listen(crate::announce::CHANNEL).await.unwrap();
    let mut tx = pool.begin().await.unwrap();
    move_deal(&mut tx, &admin, deals[0], 1, &to(stages[1], None, None))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let n = tokio::time::timeout(std::time::Duration::from_secs(5), listener.recv())
        .await
        .unwrap()
        .unwrap();
    let event: DealEvent = serde_json::from_str(n.payload()).unwrap();
    assert_eq!((event.deal, event.version), (deals[0], 2));
}

#[sqlx::test(migrations = "../migrations")]
async fn a_stage_move_shows_in_the_company_timeline(pool: PgPool) {
    use crate::activities::model::{EntryBody, SubjectKind};
    let admin = user(&pool, "a@t.test", Role::Admin, "HQ").await;
    let (stages, deals) = setup(&pool, &admin).await;
    let company: Uuid =
        sqlx::query_scalar("INSERT INTO companies (name) VALUES ('Acme') RETURNING id")
            .fetch_one(&pool)
            .await
            .unwrap();
    sqlx::query("UPDATE deals SET company_id = $1 WHERE id = $2")
        .bind(company)
        .bind(deals[0].0)
        .execute(&pool)
        .await
        .unwrap();
    let mut conn = pool.acquire().await.unwrap();
    move_deal(&mut conn, &admin, deals[0], 1, &to(stages[1], None, None))
        .await
        .unwrap();
    let history =
        crate::activities::db::timeline(&pool, &admin, SubjectKind::Company, company, None, 500)
            .await
            .unwrap()
            .entries;
    assert!(history.iter().any(|e| matches!(&e.body, EntryBody::Changed { deal: Some(t), changes } if t == "A" && changes[0].new == "Proposal")));
}

#[sqlx::test(migrations = "../migrations")]
async fn the_board_filters_by_close_date_and_value_and_refuses_what_is_neither(pool: PgPool) {
    let admin = user(&pool, "a@t.test", Role::Admin, "HQ").await;
    let (_, deals) = setup(&pool, &admin).await;
    // A closes in March (10.00), B in June (20.00), C has no date (40.00).
    for (deal, date) in [(deals[0], "2027-03-01"), (deals[1], "2027-06-30")] {
        sqlx::query("UPDATE deals SET expected_close_date = $2::date WHERE id = $1")
            .bind(deal.0)
            .bind(date)
            .execute(&pool)
            .await
            .unwrap();
    }
    let shown = |f: BoardFilter| {
        let pool = pool.clone();
        let admin = admin.clone();
        async move {
            let b = board(&pool, &admin, None, &f).await?;
            Ok::<_, AppError>(titles(&b, 0))
        }
    };
    let f = |from: &str, to: &str, min: &str, max: &str| BoardFilter {
        close_from: from.into(),
        close_to: to.into(),
        min_value: min.into(),
        max_value: max.into(),
        ..Default::default()
    };
    assert_eq!(shown(f("2027-04-01", "", "", "")).await.unwrap(), ["B"]);
    assert_eq!(
        shown(f("", "2027-06-30", "", "")).await.unwrap(),
        ["A", "B"]
    );
    assert_eq!(shown(f("", "", "15", "")).await.unwrap(), ["B", "C"]);
    assert_eq!(shown(f("", "", "¥15.00", "20")).await.unwrap(), ["B"]);
    let err = shown(f("next week", "", "", "ten")).await.unwrap_err();
    assert_eq!(err.field("close_from"), Some(Invalid::Date));
    assert_eq!(err.field("max_value"), Some(Invalid::Amount));
}

#[sqlx::test(migrations = "../migrations")]
async fn a_move_to_nowhere_in_particular_lands_after_the_stages_last_card(pool: PgPool) {
    let admin = user(&pool, "a@t.test", Role::Admin, "HQ").await;
    let (stages, deals) = setup(&pool, &admin).await;
    let mut conn = pool.acquire().await.unwrap();
    move_deal(&mut conn, &admin, deals[0], 1, &to(stages[0], None, None))
        .await
        .unwrap();
    let board = board(&pool, &admin, None, &BoardFilter::default())
        .await
        .unwrap();
    assert_eq!(titles(&board, 0), ["B", "C", "A"]);
}

/// Titles of a page of the deals table.
async fn table_titles(
    pool: &PgPool,
    user: &CurrentUser,
    filter: &BoardFilter,
    query: &crate::deals::model::TableQuery,
) -> (Vec<String>, i64, Option<String>) {
    let t = crate::deals::db::table(pool, user, None, filter, query)
        .await
        .unwrap();
    let titles = t.page.rows.iter().map(|d| d.title.clone()).collect();
    (titles, t.page.total, t.page.next)
}

#[sqlx::test(migrations = "../migrations")]
async fn the_deals_table_sorts_filters_by_status_and_scope_and_pages_without_gaps(pool: PgPool) {
    use crate::deals::model::TableQuery;
    let east = user(&pool, "e@t.test", Role::Sales, "East").await;
    let west = user(&pool, "w@t.test", Role::Sales, "West").await;
    let (stages, deals) = setup(&pool, &east).await;
    for (d, close) in [
        (deals[0], Some("2027-03-01")),
        (deals[1], Some("2027-01-01")),
    ] {
        sqlx::query("UPDATE deals SET expected_close_date = $2::date WHERE id = $1")
            .bind(d.0)
            .bind(close)
            .execute(&pool)
            .await
            .unwrap();
    }
    let mut conn = pool.acquire().await.unwrap();
    let money = Money {
        minor: 1,
        currency: "CNY".into(),
    };
    create_deal(&mut conn, &west, "West's", &money, None)
        .await
        .unwrap();
    let all = BoardFilter::default();
    let q = |sort: &str, desc: bool, status: &str| TableQuery {
        sort: sort.into(),
        desc,
        status: status.into(),
        ..Default::default()
    };

    // By expected close, undated last; another team's deal is not there.
    assert_eq!(
        table_titles(&pool, &east, &all, &TableQuery::default()).await,
        (vec!["B".into(), "A".into(), "C".into()], 3, None)
    );
    assert_eq!(
        table_titles(&pool, &east, &all, &q("value", true, ""))
            .await
            .0,
        ["C", "B", "A"]
    );
    move_deal(&mut conn, &east, deals[2], 1, &to(stages[1], None, None))
        .await
        .unwrap();
    let by_stage = table_titles(&pool, &east, &all, &q("stage", true, ""))
        .await
        .0;
    assert_eq!(by_stage[0], "C", "the later stage first: {by_stage:?}");
    // One stage's deals, as a report's stage opens them.
    let in_stage = |s: StageId| TableQuery {
        stage: s.0.to_string(),
        ..Default::default()
    };
    assert_eq!(
        table_titles(&pool, &east, &all, &in_stage(stages[1]))
            .await
            .0,
        ["C"]
    );
    assert_eq!(
        table_titles(&pool, &east, &all, &in_stage(stages[0]))
            .await
            .0,
        ["B", "A"]
    );
    let bad = TableQuery {
        stage: "nope".into(),
        ..Default::default()
    };
    assert!(
        crate::deals::db::table(&pool, &east, None, &all, &bad)
            .await
            .is_err()
    );

    // Won deals leave the default (open) table and show under their status.
    close_deal(&mut conn, &east, deals[2], 2, true, "")
        .await
        .unwrap();
    assert_eq!(
        table_titles(&pool, &east, &all, &q("", false, "")).await.0,
        ["B", "A"]
    );
    assert_eq!(
        table_titles(&pool, &east, &all, &q("", false, "won"))
            .await
            .0,
        ["C"]
    );
    assert_eq!(
        table_titles(&pool, &east, &all, &q("title", false, "all"))
            .await
            .0,
        ["A", "B", "C"]
    );
    // The board's filters apply.
    let big = BoardFilter {
        min_value: "15".into(),
        ..Default::default()
    };
    assert_eq!(
        table_titles(&pool, &east, &big, &q("title", false, "all"))
            .await
            .0,
        ["B", "C"]
    );
    assert_eq!(
        crate::deals::db::table(&pool, &east, None, &all, &q("", false, "maybe"))
            .await
            .unwrap_err()
            .field("status"),
        Some(Invalid::Choice)
    );

    // Pages of equal values follow each other without gaps or repeats.
    for i in 0..60 {
        create_deal(&mut conn, &east, &format!("Same {i:02}"), &money, None)
            .await
            .unwrap();
    }
    let mut seen = Vec::new();
    let mut query = q("value", false, "");
    loop {
        let (titles, total, next) = table_titles(&pool, &east, &all, &query).await;
        assert_eq!(total, 62);
        seen.extend(titles);
        match next {
            Some(after) => query.after = after,
            None => break,
        }
    }
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!((seen.len(), unique.len()), (62, 62));
}

#[sqlx::test(migrations = "../migrations")]
async fn a_records_deals_are_listed_only_to_those_who_may_see_the_record(pool: PgPool) {
    let east = user(&pool, "e@t.test", Role::Sales, "East").await;
    let west = user(&pool, "w@t.test", Role::Sales, "West").await;
    let (_, deals) = setup(&pool, &east).await;
    let ids: (Uuid, Uuid, Uuid) = sqlx::query_as(
        "WITH co AS (INSERT INTO companies (name, owner_id) VALUES ('Acme', $1) RETURNING id),
              bare AS (INSERT INTO companies (name, owner_id) VALUES ('Bare', $1) RETURNING id),
              ct AS (INSERT INTO contacts (full_name, owner_id) VALUES ('Li Lei', $1) RETURNING id)
         SELECT co.id, bare.id, ct.id FROM co, bare, ct",
    )
    .bind(east.id.0)
    .fetch_one(&pool)
    .await
    .unwrap();
    let (company, bare, contact) = ids;
    sqlx::query("UPDATE deals SET company_id = $1 WHERE id = ANY($2)")
        .bind(company)
        .bind(vec![deals[0].0, deals[1].0])
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("INSERT INTO deal_contacts (deal_id, contact_id) VALUES ($1, $2)")
        .bind(deals[2].0)
        .bind(contact)
        .execute(&pool)
        .await
        .unwrap();
    let titles = |r: Result<Vec<DealSummary>, AppError>| {
        r.map(|ds| ds.into_iter().map(|d| d.title).collect::<Vec<_>>())
    };
    let mut of_company =
        titles(deals_of(&pool, &east, SubjectKind::Company, company).await).unwrap();
    of_company.sort();
    assert_eq!(of_company, ["A", "B"]);
    assert_eq!(
        titles(deals_of(&pool, &east, SubjectKind::Contact, contact).await).unwrap(),
        ["C"]
    );
    assert_eq!(
        titles(deals_of(&pool, &east, SubjectKind::Company, bare).await).unwrap(),
        Vec::<String>::new(),
        "a company without deals has an empty list"
    );
    for (about, id) in [
        (SubjectKind::Company, company),
        (SubjectKind::Contact, contact),
        (SubjectKind::Company, bare),
    ] {
        assert_eq!(
            deals_of(&pool, &west, about, id).await.unwrap_err(),
            AppError::NotFound,
            "another team's record hides its deals"
        );
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn a_records_deals_leave_out_another_teams_deals_on_it(pool: PgPool) {
    let east = user(&pool, "e@t.test", Role::Sales, "East").await;
    let mate = user(&pool, "m@t.test", Role::Sales, "East").await;
    let west = user(&pool, "w@t.test", Role::Sales, "West").await;
    let admin = user(&pool, "a@t.test", Role::Admin, None).await;
    let (_, deals) = setup(&pool, &east).await;
    // West's deal C on East's company and East's contact.
    sqlx::query("UPDATE deals SET owner_id = $1 WHERE id = $2")
        .bind(west.id.0)
        .bind(deals[2].0)
        .execute(&pool)
        .await
        .unwrap();
    let (company, contact): (Uuid, Uuid) = sqlx::query_as(
        "WITH co AS (INSERT INTO companies (name, owner_id) VALUES ('Acme', $1) RETURNING id),
              ct AS (INSERT INTO contacts (full_name, owner_id) VALUES ('Li Lei', $1) RETURNING id)
         SELECT co.id, ct.id FROM co, ct",
    )
    .bind(east.id.0)
    .fetch_one(&pool)
    .await
    .unwrap();
    for d in &deals {
        sqlx::query("UPDATE deals SET company_id = $1 WHERE id = $2")
            .bind(company)
            .bind(d.0)
            .execute(&pool)
            .await
            .unwrap();
        sqlx::query("INSERT INTO deal_contacts (deal_id, contact_id) VALUES ($1, $2)")
            .bind(d.0)
            .bind(contact)
            .execute(&pool)
            .await
            .unwrap();
    }
    // A deleted deal is listed to nobody.
    sqlx::query("UPDATE deals SET deleted_at = now() WHERE id = $1")
        .bind(deals[1].0)
        .execute(&pool)
        .await
        .unwrap();
    for (reader, expected) in [
        (&east, vec!["A"]),
        (&mate, vec!["A"]),
        (&admin, vec!["A", "C"]),
    ] {
        for (about, id) in [
            (SubjectKind::Company, company),
            (SubjectKind::Contact, contact),
        ] {
            let mut titles: Vec<String> = deals_of(&pool, reader, about, id)
                .await
                .unwrap()
                .into_iter()
                .map(|d| d.title)
                .collect();
            titles.sort();
            assert_eq!(titles, expected, "{} on {about:?}", reader.email);
        }
    }
}
