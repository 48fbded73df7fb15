//! Database tests of the trash: delete, restore, purge, forget.
use super::*;
use crate::records::model::{BulkAction, BulkTarget};
use crate::users::db::test_user as user;

/// The one number `sql` answers for `id`.
pub(super) async fn count(pool: &PgPool, sql: &str, id: Uuid) -> i64 {
    sqlx::query_scalar(sql)
        .bind(id)
        .fetch_one(pool)
        .await
        .unwrap()
}

/// A contact of `owner` at a company, with a note, a task and a deal, deleted through the
/// bulk action the lists use.
async fn deleted_contact(pool: &PgPool, owner: &CurrentUser) -> (Uuid, Uuid) {
    let company: Uuid = sqlx::query_scalar(
        "INSERT INTO companies (name, owner_id) VALUES ('Acme', $1) RETURNING id",
    )
    .bind(owner.id.0)
    .fetch_one(pool)
    .await
    .unwrap();
    let input = crate::contacts::model::ContactInput {
        full_name: "Li Na".into(),
        emails: "li.na@example.cn".into(),
        ..Default::default()
    };
    let draft = input.parse(Utc::now().date_naive()).unwrap();
    let mut tx = pool.begin().await.unwrap();
    let contact = crate::contacts::db::create(&mut tx, owner, &draft)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let id = contact.0;
    sqlx::query("UPDATE contacts SET company_id = $2 WHERE id = $1")
        .bind(id)
        .bind(company)
        .execute(pool)
        .await
        .unwrap();
    sqlx::query("INSERT INTO activities (contact_id, kind, body, author_id) VALUES ($1, 'note', 'Likes tea', $2)")
        .bind(id)
        .bind(owner.id.0)
        .execute(pool)
        .await
        .unwrap();
    sqlx::query("INSERT INTO tasks (contact_id, title, assignee_id) VALUES ($1, 'Call back', $2)")
        .bind(id)
        .bind(owner.id.0)
        .execute(pool)
        .await
        .unwrap();
    let mut tx = pool.begin().await.unwrap();
    crate::records::bulk::apply(
        &mut tx,
        owner,
        &crate::lists::list(ListKind::Contacts),
        &BulkTarget::Ids(vec![id]),
        &BulkAction::Delete,
        Utc::now().date_naive(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    (id, company)
}

#[sqlx::test(migrations = "../migrations")]
async fn a_deleted_record_comes_back_with_its_history_for_its_owner_or_an_admin(pool: PgPool) {
    let owner = user(&pool, "o@t.test", Role::Sales, "East").await;
    let colleague = user(&pool, "c@t.test", Role::Sales, "East").await;
    let admin = user(&pool, "a@t.test", Role::Admin, None).await;
    let viewer = user(&pool, "v@t.test", Role::Viewer, "East").await;
    let (id, _) = deleted_contact(&pool, &owner).await;

    let items = list(&pool, &owner).await.unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(
        (items[0].kind, items[0].name.as_str(), items[0].days_left),
        (ListKind::Contacts.into(), "Li Na", 30)
    );
    assert_eq!(items[0].deleted_by.as_deref(), Some("o@t.test"));
    assert!(
        list(&pool, &colleague).await.unwrap().is_empty(),
        "not theirs"
    );
    assert_eq!(list(&pool, &admin).await.unwrap().len(), 1);
    assert_eq!(list(&pool, &viewer).await, Err(AppError::Forbidden));
    assert_eq!(
        restore(&pool, &colleague, ListKind::Contacts.into(), id).await,
        Err(AppError::Forbidden)
    );

    restore(&pool, &owner, ListKind::Contacts.into(), id)
        .await
        .unwrap();
    assert_eq!(
        restore(&pool, &admin, ListKind::Contacts.into(), id).await,
        Err(AppError::Conflict),
        "already back"
    );
    let back = crate::contacts::db::get(&pool, &owner, crate::contacts::model::ContactId(id))
        .await
        .unwrap();
    assert_eq!(back.full_name, "Li Na");
    let history: Vec<String> =
        sqlx::query_scalar("SELECT action FROM audit_log WHERE entity_id = $1 ORDER BY id")
            .bind(id)
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(history, ["create", "delete", "restore"]);
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM activities WHERE contact_id = $1",
            id
        )
        .await,
        1
    );
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM tasks WHERE contact_id = $1",
            id
        )
        .await,
        1
    );
    assert!(list(&pool, &owner).await.unwrap().is_empty());
}

#[sqlx::test(migrations = "../migrations")]
async fn the_purge_removes_what_has_been_in_the_trash_for_30_days_with_its_personal_data(
    pool: PgPool,
) {
    let owner = user(&pool, "o@t.test", Role::Sales, "East").await;
    let (old, company) = deleted_contact(&pool, &owner).await;
    let (recent, _) = deleted_contact(&pool, &owner).await;
    sqlx::query("UPDATE contacts SET deleted_at = now() - interval '31 days' WHERE id = $1")
        .bind(old)
        .execute(&pool)
        .await
        .unwrap();
    let deal: Uuid = sqlx::query_scalar(
        "WITH p AS (INSERT INTO pipelines (name) VALUES ('Sales') RETURNING id),
              s AS (INSERT INTO stages (pipeline_id, name, position) SELECT id, 'Lead', 0 FROM p RETURNING id, pipeline_id)
         INSERT INTO deals (pipeline_id, stage_id, title, value_minor, rank)
         SELECT s.pipeline_id, s.id, 'Tea', 500, 'a' FROM s RETURNING id",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    sqlx::query("INSERT INTO deal_contacts VALUES ($1, $2)")
        .bind(deal)
        .bind(old)
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(
        restore(&pool, &owner, ListKind::Contacts.into(), old).await,
        Err(AppError::NotFound),
        "too late"
    );

    let purged = purge(&pool, Utc::now()).await.unwrap();
    assert_eq!(
        purged,
        Purged {
            contacts: 1,
            ..Default::default()
        }
    );
    assert_eq!(
        count(&pool, "SELECT count(*) FROM contacts WHERE id = $1", old).await,
        0
    );
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM activities WHERE contact_id = $1",
            old
        )
        .await,
        0
    );
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM tasks WHERE contact_id = $1",
            old
        )
        .await,
        0
    );
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM audit_log WHERE entity_id = $1 AND changes::text LIKE '%Li Na%'",
            old
        )
        .await,
        0,
        "the history keeps no name"
    );
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM deals WHERE id = $1 AND value_minor = 500",
            deal
        )
        .await,
        1,
        "the deal stays"
    );
    assert_eq!(
        count(&pool, "SELECT count(*) FROM contacts WHERE id = $1", recent).await,
        1
    );
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM companies WHERE id = $1",
            company
        )
        .await,
        1
    );
    assert_eq!(
        purge(&pool, Utc::now()).await.unwrap(),
        Purged::default(),
        "nothing twice"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn forgetting_a_person_removes_their_personal_data_and_keeps_the_counts(pool: PgPool) {
    let owner = user(&pool, "o@t.test", Role::Sales, "East").await;
    let admin = user(&pool, "a@t.test", Role::Admin, None).await;
    let (id, _) = deleted_contact(&pool, &owner).await;
    restore(&pool, &owner, ListKind::Contacts.into(), id)
        .await
        .unwrap();
    assert_eq!(
        forget(&pool, &owner, ListKind::Contacts, id).await,
        Err(AppError::Forbidden)
    );
    forget(&pool, &admin, ListKind::Contacts, id).await.unwrap();
    let (name, emails, keys): (String, Vec<String>, Vec<String>) =
        sqlx::query_as("SELECT full_name, emails, email_keys FROM contacts WHERE id = $1")
            .bind(id)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!((name.as_str(), emails.len(), keys.len()), ("—", 0, 0));
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM activities WHERE contact_id = $1 AND body IS NULL",
            id
        )
        .await,
        1,
        "the note is counted, its words are gone"
    );
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM tasks WHERE contact_id = $1",
            id
        )
        .await,
        0
    );
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM audit_log WHERE entity_id = $1 AND changes::text LIKE '%li.na%'",
            id
        )
        .await,
        0
    );
    assert!(
        list(&pool, &admin).await.unwrap().is_empty(),
        "not restorable"
    );
    assert_eq!(
        restore(&pool, &admin, ListKind::Contacts.into(), id).await,
        Err(AppError::NotFound)
    );
    assert_eq!(
        forget(&pool, &admin, ListKind::Contacts, id).await,
        Err(AppError::NotFound),
        "once"
    );
}
