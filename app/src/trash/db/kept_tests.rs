//! Purge and forget take nothing that belongs to a record that stays: a converted lead's history
//! (now its contact's), a merged-away contact's (now the kept one's), uploads naming someone else.
use chrono::Utc;
use sqlx::PgPool;
use uuid::Uuid;

use super::tests::count;
use super::{forget, purge};
use crate::imports::model::ImportKind;
use crate::leads::model::{ConvertInput, LeadInput};
use crate::records::model::ListKind;
use crate::users::db::test_user as user;
use crate::users::model::{CurrentUser, Role};

async fn exec(pool: &PgPool, sql: &str, id: Uuid) {
    sqlx::query(sql).bind(id).execute(pool).await.unwrap();
}

/// A lead of `owner` with `status`, a note and a task about the note.
async fn lead_with_history(pool: &PgPool, owner: &CurrentUser, status: &str) -> Uuid {
    let draft = LeadInput {
        full_name: "Chen Jing".into(),
        emails: "Chen.Jing@huaxin.cn".into(),
        phones: "+86 138 0013 8000".into(),
        status: status.into(),
        ..Default::default()
    }
    .parse()
    .unwrap();
    let mut tx = pool.begin().await.unwrap();
    let lead = crate::leads::db::create(&mut tx, owner, &draft)
        .await
        .unwrap()
        .0;
    tx.commit().await.unwrap();
    let note: Uuid = sqlx::query_scalar(
        "INSERT INTO activities (lead_id, kind, body, author_id) VALUES ($1, 'note', 'Met at the fair', $2) RETURNING id",
    )
    .bind(lead)
    .bind(owner.id.0)
    .fetch_one(pool)
    .await
    .unwrap();
    sqlx::query("INSERT INTO tasks (lead_id, activity_id, title, assignee_id) VALUES ($1, $2, 'Send the brochure', $3)")
        .bind(lead)
        .bind(note)
        .bind(owner.id.0)
        .execute(pool)
        .await
        .unwrap();
    lead
}

/// A qualified lead with history, converted: (the lead, its contact).
async fn converted(pool: &PgPool, owner: &CurrentUser) -> (Uuid, Uuid) {
    let lead = lead_with_history(pool, owner, "qualified").await;
    let how = ConvertInput::default().parse().unwrap();
    let mut tx = pool.begin().await.unwrap();
    let contact =
        crate::leads::db::convert(&mut tx, owner, crate::leads::model::LeadId(lead), 1, &how)
            .await
            .unwrap();
    tx.commit().await.unwrap();
    (lead, contact.0)
}

/// The contact's note (with its words) and its task (still about the note).
async fn contact_history(pool: &PgPool, contact: Uuid) -> (i64, i64) {
    (
        count(
            pool,
            "SELECT count(*) FROM activities WHERE contact_id = $1 AND body = 'Met at the fair'",
            contact,
        )
        .await,
        count(
            pool,
            "SELECT count(*) FROM tasks WHERE contact_id = $1 AND title = 'Send the brochure' AND activity_id IS NOT NULL",
            contact,
        )
        .await,
    )
}

/// What conversions before migration 0014 left: the moved rows still pointing at the lead.
async fn as_converted_before(pool: &PgPool, lead: Uuid, contact: Uuid) {
    for table in ["activities", "tasks"] {
        sqlx::query(&format!(
            "UPDATE {table} SET lead_id = $1 WHERE contact_id = $2"
        ))
        .bind(lead)
        .bind(contact)
        .execute(pool)
        .await
        .unwrap();
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn purging_a_converted_lead_leaves_its_history_with_the_contact(pool: PgPool) {
    let sales = user(&pool, "s@t.test", Role::Sales, "East").await;
    let (lead, contact) = converted(&pool, &sales).await;
    assert_eq!(
        count(
            &pool,
            "SELECT (SELECT count(*) FROM activities WHERE lead_id = $1) + (SELECT count(*) FROM tasks WHERE lead_id = $1)",
            lead
        )
        .await,
        0,
        "the history moved: it is the contact's alone"
    );
    exec(
        &pool,
        "UPDATE leads SET deleted_at = now() - interval '31 days' WHERE id = $1",
        lead,
    )
    .await;
    assert_eq!(purge(&pool, Utc::now()).await.unwrap().leads, 1);
    assert_eq!(
        count(&pool, "SELECT count(*) FROM leads WHERE id = $1", lead).await,
        0
    );
    assert_eq!(contact_history(&pool, contact).await, (1, 1));
}

#[sqlx::test(migrations = "../migrations")]
async fn rows_an_older_conversion_left_on_both_survive_the_leads_purge(pool: PgPool) {
    let sales = user(&pool, "s@t.test", Role::Sales, "East").await;
    let (lead, contact) = converted(&pool, &sales).await;
    as_converted_before(&pool, lead, contact).await;
    exec(
        &pool,
        "UPDATE leads SET deleted_at = now() - interval '31 days' WHERE id = $1",
        lead,
    )
    .await;
    assert_eq!(purge(&pool, Utc::now()).await.unwrap().leads, 1);
    assert_eq!(contact_history(&pool, contact).await, (1, 1));
    // A lead's own history still goes with it.
    let other = lead_with_history(&pool, &sales, "new").await;
    exec(
        &pool,
        "UPDATE leads SET deleted_at = now() - interval '31 days' WHERE id = $1",
        other,
    )
    .await;
    assert_eq!(purge(&pool, Utc::now()).await.unwrap().leads, 1);
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM activities WHERE body = 'Met at the fair' AND $1 = $1",
            other
        )
        .await,
        1,
        "only the contact's note is left"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn forgetting_a_converted_lead_leaves_the_contacts_history(pool: PgPool) {
    let sales = user(&pool, "s@t.test", Role::Sales, "East").await;
    let admin = user(&pool, "a@t.test", Role::Admin, None).await;
    let (lead, contact) = converted(&pool, &sales).await;
    forget(&pool, &admin, ListKind::Leads, lead).await.unwrap();
    assert_eq!(contact_history(&pool, contact).await, (1, 1));

    let (lead, contact) = converted(&pool, &sales).await;
    as_converted_before(&pool, lead, contact).await;
    forget(&pool, &admin, ListKind::Leads, lead).await.unwrap();
    assert_eq!(contact_history(&pool, contact).await, (1, 1));

    // A lead never converted is forgotten with its history.
    let own = lead_with_history(&pool, &sales, "new").await;
    forget(&pool, &admin, ListKind::Leads, own).await.unwrap();
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM activities WHERE lead_id = $1 AND body IS NULL",
            own
        )
        .await,
        1
    );
    assert_eq!(
        count(&pool, "SELECT count(*) FROM tasks WHERE lead_id = $1", own).await,
        0
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_merged_away_contact_purged_leaves_its_history_with_the_kept_one(pool: PgPool) {
    use crate::merge::db::{Seen, merge, preview};
    use crate::merge::model::MergeKind;
    let sales = user(&pool, "s@t.test", Role::Sales, "East").await;
    let mut ids = Vec::new();
    for (name, email) in [("Li Na", "li.na@t.test"), ("Na Li", "na.li@t.test")] {
        let id: Uuid = sqlx::query_scalar(
            "INSERT INTO contacts (full_name, emails, owner_id) VALUES ($1, ARRAY[$2], $3) RETURNING id",
        )
        .bind(name)
        .bind(email)
        .bind(sales.id.0)
        .fetch_one(&pool)
        .await
        .unwrap();
        let note: Uuid = sqlx::query_scalar(
            "INSERT INTO activities (contact_id, kind, body, author_id) VALUES ($1, 'note', $2, $3) RETURNING id",
        )
        .bind(id)
        .bind(format!("About {name}"))
        .bind(sales.id.0)
        .fetch_one(&pool)
        .await
        .unwrap();
        sqlx::query("INSERT INTO tasks (contact_id, activity_id, title, assignee_id) VALUES ($1, $2, 'Call', $3)")
            .bind(id)
            .bind(note)
            .bind(sales.id.0)
            .execute(&pool)
            .await
            .unwrap();
        ids.push(id);
    }
    let (keep, other) = (ids[0], ids[1]);
    let p = preview(&pool, &sales, MergeKind::Contacts, keep, other)
        .await
        .unwrap();
    let fields = p.merged(|f| p.default_pick(f));
    let seen = |id, version| Seen { id, version };
    merge(
        &pool,
        &sales,
        MergeKind::Contacts,
        seen(keep, p.a.version),
        seen(other, p.b.version),
        fields,
    )
    .await
    .unwrap();
    exec(
        &pool,
        "UPDATE contacts SET deleted_at = now() - interval '31 days' WHERE id = $1",
        other,
    )
    .await;
    assert_eq!(purge(&pool, Utc::now()).await.unwrap().contacts, 1);
    assert_eq!(
        count(&pool, "SELECT count(*) FROM contacts WHERE id = $1", other).await,
        0
    );
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM activities WHERE contact_id = $1 AND body LIKE 'About %'",
            keep
        )
        .await,
        2,
        "both notes, with their words"
    );
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM tasks WHERE contact_id = $1 AND activity_id IS NOT NULL",
            keep
        )
        .await,
        2
    );
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM audit_log WHERE entity_id = $1 AND action = 'merge' AND changes::text LIKE '%Na Li%'",
            keep
        )
        .await,
        1,
        "the kept record's history still says what was merged into it"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn forgetting_a_person_empties_the_uploads_naming_them_and_the_purge_old_ones(pool: PgPool) {
    let sales = user(&pool, "s@t.test", Role::Sales, "East").await;
    let admin = user(&pool, "a@t.test", Role::Admin, None).await;
    let lead = lead_with_history(&pool, &sales, "new").await;
    let upload = async |csv: &str| {
        crate::imports::db::store(&pool, &sales, ImportKind::Leads, "f.csv", csv.as_bytes())
            .await
            .unwrap()
    };
    let by_email = upload("Name,Email\nSomeone,CHEN.JING@HUAXIN.CN\n").await;
    let by_phone = upload("Name,Phone\nSomeone,138-0013-8000\n").await;
    let by_name = upload("Name\nchen jing\n").await;
    let unrelated = upload("Name,Email\nWang Wei,wang@t.test\n").await;
    let kept = async |id: Uuid| {
        count(
            &pool,
            "SELECT count(*) FROM imports WHERE id = $1 AND content IS NOT NULL",
            id,
        )
        .await
    };
    forget(&pool, &admin, ListKind::Leads, lead).await.unwrap();
    for id in [by_email, by_phone, by_name] {
        assert_eq!(kept(id).await, 0, "the file naming them is gone");
    }
    assert_eq!(kept(unrelated).await, 1);
    assert_eq!(
        crate::imports::db::preview(&pool, &sales, by_email)
            .await
            .unwrap()
            .expired,
        true,
        "its page says to upload it again"
    );

    assert_eq!(
        purge(&pool, Utc::now()).await.unwrap().uploads,
        0,
        "a fresh upload stays"
    );
    exec(
        &pool,
        "UPDATE imports SET created_at = now() - interval '25 hours' WHERE id = $1",
        unrelated,
    )
    .await;
    assert_eq!(purge(&pool, Utc::now()).await.unwrap().uploads, 1);
    assert_eq!(kept(unrelated).await, 0);
}
