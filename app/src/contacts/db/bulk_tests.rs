//! Bulk changes (`records::bulk`) on the contacts list: the records ticked or all that match a
//! view, in the user's scope, with history (the shared machinery names no list: these live here).
use chrono::NaiveDate;
use sqlx::PgPool;
use uuid::Uuid;

use crate::contacts::list::LIST_DEF;
use crate::error::{AppError, Invalid};
use crate::records::bulk::apply;
use crate::records::model::{BulkAction, BulkOutcome, BulkTarget, ListQuery};
use crate::users::db::test_user as user;
use crate::users::model::{CurrentUser, Role};

fn today() -> NaiveDate {
    chrono::Utc::now().date_naive()
}

async fn people(pool: &PgPool, prefix: &str, n: i32, owner: &CurrentUser) -> Vec<Uuid> {
    sqlx::query_scalar(
        "INSERT INTO contacts (full_name, owner_id) SELECT $1 || ' ' || i, $3 FROM generate_series(1, $2) i RETURNING id",
    )
    .bind(prefix)
    .bind(n)
    .bind(owner.id.0)
    .fetch_all(pool)
    .await
    .unwrap()
}

async fn owned_by(pool: &PgPool, owner: &CurrentUser) -> Vec<String> {
    let mut names: Vec<String> = sqlx::query_scalar(
        "SELECT full_name FROM contacts WHERE owner_id = $1 AND deleted_at IS NULL",
    )
    .bind(owner.id.0)
    .fetch_all(pool)
    .await
    .unwrap();
    names.sort();
    names
}

async fn bulk(
    pool: &PgPool,
    user: &CurrentUser,
    target: BulkTarget,
    action: BulkAction,
) -> Result<BulkOutcome, AppError> {
    let mut tx = pool.begin().await.unwrap();
    let r = apply(&mut tx, user, &LIST_DEF, &target, &action, today()).await;
    tx.commit().await.unwrap();
    r
}

#[sqlx::test(migrations = "../migrations")]
async fn assigning_all_matching_changes_exactly_that_set_with_history(pool: PgPool) {
    let east = user(&pool, "e@t.test", Role::Sales, "East").await;
    let mate = user(&pool, "m@t.test", Role::Sales, "East").await;
    let west = user(&pool, "w@t.test", Role::Sales, "West").await;
    people(&pool, "Alpha", 60, &east).await;
    people(&pool, "Beta", 20, &east).await;
    people(&pool, "Alpha West", 5, &west).await;
    let alpha = ListQuery {
        q: "alpha".into(),
        after: "ignored".into(),
        ..Default::default()
    };
    let r = bulk(
        &pool,
        &east,
        BulkTarget::Matching(alpha.clone()),
        BulkAction::Owner(mate.id.0),
    )
    .await
    .unwrap();
    assert_eq!(
        (r.changed, r.unchanged),
        (60, 0),
        "more than a page, all of it"
    );
    let mine = owned_by(&pool, &mate).await;
    assert_eq!(mine.len(), 60);
    assert!(
        mine.iter()
            .all(|n| n.starts_with("Alpha ") && !n.contains("West"))
    );
    assert_eq!(owned_by(&pool, &east).await.len(), 20, "Beta stays");
    assert_eq!(
        owned_by(&pool, &west).await.len(),
        5,
        "another team's stays"
    );
    let history: Vec<serde_json::Value> = sqlx::query_scalar(
        "SELECT changes FROM audit_log WHERE entity = 'contact' AND action = 'update'",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(history.len(), 60);
    assert_eq!(history[0]["owner"]["new"], "m@t.test");
    // Already theirs: nothing changes the second time.
    let again = bulk(
        &pool,
        &mate,
        BulkTarget::Matching(alpha),
        BulkAction::Owner(mate.id.0),
    )
    .await
    .unwrap();
    assert_eq!((again.changed, again.unchanged), (0, 60));
    // Sales hand records only within their team.
    let outside = bulk(
        &pool,
        &east,
        BulkTarget::Ids(vec![]),
        BulkAction::Owner(west.id.0),
    )
    .await;
    assert_eq!(outside.unwrap_err().field("owner"), Some(Invalid::Choice));
}

#[sqlx::test(migrations = "../migrations")]
async fn tags_are_added_and_removed_once_and_deleted_records_leave_the_list(pool: PgPool) {
    let east = user(&pool, "e@t.test", Role::Sales, "East").await;
    let west = user(&pool, "w@t.test", Role::Sales, "West").await;
    let viewer = user(&pool, "v@t.test", Role::Viewer, "East").await;
    let ids = people(&pool, "Gamma", 3, &east).await;
    let theirs = people(&pool, "Theirs", 1, &west).await;
    let picked = BulkTarget::Ids(vec![ids[0], ids[1], theirs[0]]);
    let add = BulkAction::AddTag(" vip ".into());
    let r = bulk(&pool, &east, picked.clone(), add.clone())
        .await
        .unwrap();
    assert_eq!(
        (r.changed, r.unchanged),
        (2, 0),
        "another team's record is not touched"
    );
    let r = bulk(&pool, &east, picked.clone(), add).await.unwrap();
    assert_eq!((r.changed, r.unchanged), (0, 2));
    let tagged: i64 = sqlx::query_scalar("SELECT count(*) FROM contacts WHERE tags = ARRAY['vip']")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(tagged, 2);
    let r = bulk(
        &pool,
        &east,
        picked.clone(),
        BulkAction::RemoveTag("vip".into()),
    )
    .await
    .unwrap();
    assert_eq!(r.changed, 2);
    assert_eq!(
        bulk(
            &pool,
            &east,
            picked.clone(),
            BulkAction::AddTag("  ".into())
        )
        .await
        .unwrap_err()
        .field("tag"),
        Some(Invalid::Required)
    );
    assert_eq!(
        bulk(
            &pool,
            &east,
            picked.clone(),
            BulkAction::Status("won".into())
        )
        .await
        .unwrap_err()
        .field("status"),
        Some(Invalid::Choice),
        "contacts have no status"
    );
    assert_eq!(
        bulk(&pool, &viewer, picked.clone(), BulkAction::Delete).await,
        Err(AppError::Forbidden)
    );

    let r = bulk(&pool, &east, picked, BulkAction::Delete)
        .await
        .unwrap();
    assert_eq!(r.changed, 2);
    let listed = crate::contacts::db::list(&pool, &east, &ListQuery::default())
        .await
        .unwrap();
    assert_eq!(listed.total, 1, "only Gamma 3 is left");
    let deleted: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_log WHERE action = 'delete' AND entity = 'contact'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(deleted, 2);
}
