//! Database tests of pipeline settings: stages added, renamed, reordered and archived.
use super::*;
use crate::deals::settings::model::StageInput;
use crate::users::db::upsert_user;
use crate::users::model::Role;

async fn admin(pool: &PgPool) -> CurrentUser {
    let mut conn = pool.acquire().await.unwrap();
    let id = upsert_user(
        &mut conn,
        "a@t.test",
        "Ada",
        "$argon2id$x",
        Role::Admin,
        "en",
    )
    .await
    .unwrap();
    CurrentUser {
        id,
        email: "a@t.test".into(),
        display_name: "Ada".into(),
        role: Role::Admin,
        locale: "en".into(),
    }
}

fn stage(name: &str, p: &str) -> StageDraft {
    StageInput {
        name: name.into(),
        win_probability: p.into(),
        ..Default::default()
    }
    .parse()
    .unwrap()
}

/// A pipeline "Sales" with stages Lead, Demo, Deal.
async fn setup(pool: &PgPool, user: &CurrentUser) -> PipelineSettings {
    let mut tx = pool.begin().await.unwrap();
    let id = create_pipeline(&mut tx, user, "Sales").await.unwrap();
    let mut v = 1;
    for (name, p) in [("Lead", "10"), ("Demo", "40"), ("Deal", "80")] {
        v = add_stage(&mut tx, user, id, v, &stage(name, p))
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    list(pool).await.unwrap().remove(0)
}

fn names(p: &PipelineSettings) -> Vec<&str> {
    p.stages.iter().map(|s| s.name.as_str()).collect()
}

#[sqlx::test(migrations = "../migrations")]
async fn stages_are_added_renamed_and_reordered_and_a_stale_edit_is_refused(pool: PgPool) {
    let user = admin(&pool).await;
    let p = setup(&pool, &user).await;
    assert_eq!(names(&p), ["Lead", "Demo", "Deal"]);
    assert_eq!(p.version, 4);

    let mut tx = pool.begin().await.unwrap();
    let v = update_stage(
        &mut tx,
        &user,
        p.stages[1].id,
        p.version,
        &stage("Trial", "50"),
    )
    .await
    .unwrap();
    let order = [p.stages[2].id, p.stages[0].id, p.stages[1].id];
    let v = reorder(&mut tx, &user, p.id, v, &order).await.unwrap();
    // Another administrator, who loaded the page before these changes:
    assert!(matches!(
        rename_pipeline(&mut tx, &user, p.id, p.version, "Old view").await,
        Err(AppError::Conflict)
    ));
    // An order that leaves a stage out is refused.
    assert!(matches!(
        reorder(&mut tx, &user, p.id, v, &order[..2]).await,
        Err(AppError::Validation { .. })
    ));
    rename_pipeline(&mut tx, &user, p.id, v, "New business")
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let after = list(&pool).await.unwrap().remove(0);
    assert_eq!(after.name, "New business");
    assert_eq!(names(&after), ["Deal", "Lead", "Trial"]);
    assert_eq!(after.stages[2].win_probability, 50);
    let audited: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_log WHERE entity = 'pipeline' AND entity_id = $1",
    )
    .bind(p.id.0)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(
        audited,
        1 + 3 + 3,
        "created, three stages added, three edits"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn an_archived_stage_hands_its_open_deals_to_another_in_order(pool: PgPool) {
    let user = admin(&pool).await;
    let p = setup(&pool, &user).await;
    let (lead, demo) = (p.stages[0].id, p.stages[1].id);
    let open = async |title: &str, at: StageId| {
        let mut conn = pool.acquire().await.unwrap();
        let draft = crate::deals::model::DealDraft {
            title: title.into(),
            value_minor: 100,
            currency: "CNY".into(),
            expected_close_date: None,
            probability: None,
        };
        crate::deals::board::db::open_deal(&mut conn, &user, Some(at), &draft, None)
            .await
            .unwrap()
    };
    open("X", demo).await;
    for t in ["A", "B", "C"] {
        open(t, lead).await;
    }
    let lost = open("L", lead).await;
    sqlx::query("UPDATE deals SET status = 'lost' WHERE id = $1")
        .bind(lost)
        .execute(&pool)
        .await
        .unwrap();

    let mut tx = pool.begin().await.unwrap();
    assert!(matches!(
        archive_stage(&mut tx, &user, lead, p.version, lead).await,
        Err(AppError::Validation { .. })
    ));
    let (v, moved) = archive_stage(&mut tx, &user, lead, p.version, demo)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!((v, moved), (p.version + 1, 3));

    let demo_cards: Vec<String> = sqlx::query_scalar(
        "SELECT title FROM deals WHERE stage_id = $1 AND status = 'open' ORDER BY rank, id",
    )
    .bind(demo.0)
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(demo_cards, ["X", "A", "B", "C"]);
    let after = list(&pool).await.unwrap().remove(0);
    assert_eq!(names(&after), ["Demo", "Deal"]);
    assert_eq!(after.stages[0].open_deals, 4);
    let history: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM deal_stage_history WHERE from_stage = $1 AND to_stage = $2",
    )
    .bind(lead.0)
    .bind(demo.0)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(history, 3);
    let lost_stage: Uuid = sqlx::query_scalar("SELECT stage_id FROM deals WHERE id = $1")
        .bind(lost)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(
        lost_stage, lead.0,
        "a closed deal keeps its stage as history"
    );
    // A new deal still goes after the moved ones.
    let mut conn = pool.acquire().await.unwrap();
    let draft = crate::deals::model::DealDraft {
        title: "Y".into(),
        value_minor: 1,
        currency: "CNY".into(),
        expected_close_date: None,
        probability: None,
    };
    crate::deals::board::db::open_deal(&mut conn, &user, Some(demo), &draft, None)
        .await
        .unwrap();
    let last: String = sqlx::query_scalar(
        "SELECT title FROM deals WHERE stage_id = $1 AND status = 'open' ORDER BY rank DESC LIMIT 1",
    )
    .bind(demo.0)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(last, "Y");
}
