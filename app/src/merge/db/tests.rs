//! Database tests of merging two contacts or two companies.
use super::*;
use crate::records::model::ListKind;
use crate::users::db::test_user as user;
use crate::users::model::Role;

fn today() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()
}

async fn contact(
    pool: &PgPool,
    owner: &CurrentUser,
    name: &str,
    emails: &str,
    company: &str,
) -> Uuid {
    let draft = ContactInput {
        full_name: name.into(),
        emails: emails.into(),
        company: company.into(),
        ..Default::default()
    }
    .parse(today())
    .unwrap();
    let mut conn = pool.acquire().await.unwrap();
    contacts::db::create(&mut conn, owner, &draft)
        .await
        .unwrap()
        .0
}

async fn exec(pool: &PgPool, sql: &str, a: Uuid, b: Uuid) {
    sqlx::query(sql)
        .bind(a)
        .bind(b)
        .execute(pool)
        .await
        .unwrap();
}

/// A deal (in a pipeline of its own) linked to `contact` and `company`, owned by the contact's
/// owner (the merge page counts only the deals its user may see).
async fn deal(pool: &PgPool, contact: Uuid, company: Option<Uuid>) -> Uuid {
    let id: Uuid = sqlx::query_scalar(
        "WITH p AS (INSERT INTO pipelines (name) VALUES ('Sales') RETURNING id),
              s AS (INSERT INTO stages (pipeline_id, name, position) SELECT id, 'Lead', 0 FROM p RETURNING id, pipeline_id)
         INSERT INTO deals (pipeline_id, stage_id, title, value_minor, rank, company_id, owner_id)
         SELECT s.pipeline_id, s.id, 'Tea', 500, 'a', $1, (SELECT owner_id FROM contacts WHERE id = $2) FROM s RETURNING id",
    )
    .bind(company)
    .bind(contact)
    .fetch_one(pool)
    .await
    .unwrap();
    exec(
        pool,
        "INSERT INTO deal_contacts VALUES ($1, $2)",
        id,
        contact,
    )
    .await;
    id
}

async fn note(pool: &PgPool, column: &str, id: Uuid, author: &CurrentUser) {
    exec(
        pool,
        &format!("INSERT INTO activities ({column}, kind, body, author_id) VALUES ($1, 'note', 'Met', $2)"),
        id,
        author.id.0,
    )
    .await;
    exec(
        pool,
        &format!("INSERT INTO tasks ({column}, title, assignee_id) VALUES ($1, 'Call back', $2)"),
        id,
        author.id.0,
    )
    .await;
}

fn sum(r: &Related, s: &Related) -> Related {
    Related {
        timeline: r.timeline + s.timeline,
        tasks: r.tasks + s.tasks,
        deals: r.deals + s.deals,
        contacts: r.contacts + s.contacts,
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn merging_contacts_keeps_every_related_record_the_chosen_fields_and_an_audit_row(
    pool: PgPool,
) {
    let owner = user(&pool, "o@t.test", Role::Sales, "East").await;
    let keep = contact(&pool, &owner, "Li Na", "li.na@huaxin.cn", "Huaxin").await;
    let other = contact(&pool, &owner, "李娜", "lina@gmail.com", "").await;
    note(&pool, "contact_id", keep, &owner).await;
    note(&pool, "contact_id", other, &owner).await;
    note(&pool, "contact_id", other, &owner).await;
    let shared = deal(&pool, keep, None).await;
    exec(
        &pool,
        "INSERT INTO deal_contacts VALUES ($1, $2)",
        shared,
        other,
    )
    .await;
    deal(&pool, other, None).await;
    let lead: Uuid = sqlx::query_scalar(
        "INSERT INTO leads (full_name, converted_contact_id) VALUES ('李娜', $1) RETURNING id",
    )
    .bind(other)
    .fetch_one(&pool)
    .await
    .unwrap();
    let p = preview(&pool, &owner, MergeKind::Contacts, keep, other)
        .await
        .unwrap();
    assert_eq!(p.b.fields["emails"], "lina@gmail.com");
    assert_eq!(p.a.fields["company"], "Huaxin");
    let before = sum(&p.a.related, &p.b.related);
    assert_eq!((before.timeline, before.tasks, before.deals), (3, 3, 3));

    let mut fields = p.merged(|f| p.default_pick(f));
    fields.insert("full_name".into(), "李娜".into());
    let seen = |s: &Side| Seen {
        id: s.id,
        version: s.version,
    };
    merge(
        &pool,
        &owner,
        MergeKind::Contacts,
        seen(&p.a),
        seen(&p.b),
        fields,
    )
    .await
    .unwrap();

    let kept = contacts::db::get(&pool, &owner, ContactId(keep))
        .await
        .unwrap();
    assert_eq!(kept.full_name, "李娜");
    assert_eq!(kept.emails, ["li.na@huaxin.cn", "lina@gmail.com"]);
    assert_eq!(kept.company_name.as_deref(), Some("Huaxin"));
    let after = related(&pool, MergeKind::Contacts, keep).await.unwrap();
    assert_eq!(
        (after.timeline, after.tasks),
        (before.timeline, before.tasks)
    );
    assert_eq!(after.deals, 2, "the deal both were on counts once");
    assert_eq!(
        related(&pool, MergeKind::Contacts, other).await.unwrap(),
        Related::default()
    );
    let converted: Option<Uuid> =
        sqlx::query_scalar("SELECT converted_contact_id FROM leads WHERE id = $1")
            .bind(lead)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(converted, Some(keep));
    assert_eq!(
        contacts::db::get(&pool, &owner, ContactId(other)).await,
        Err(AppError::NotFound),
        "the other one is gone"
    );
    assert!(
        crate::trash::db::list(&pool, &owner)
            .await
            .unwrap()
            .is_empty(),
        "and not in the trash"
    );
    assert_eq!(
        crate::trash::db::restore(&pool, &owner, ListKind::Contacts.into(), other).await,
        Err(AppError::NotFound)
    );
    let audit: Vec<(Uuid, String, serde_json::Value)> = sqlx::query_as(
        "SELECT entity_id, action, changes FROM audit_log WHERE action IN ('merge', 'update') ORDER BY id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(audit.len(), 3, "{audit:?}");
    assert_eq!((audit[0].0, audit[0].1.as_str()), (keep, "update"));
    assert_eq!(audit[0].2["full_name"]["new"], "李娜");
    assert_eq!((audit[1].0, audit[1].1.as_str()), (keep, "merge"));
    assert_eq!(audit[1].2["merged"], json!({"old": "李娜", "new": "李娜"}));
    assert_eq!(audit[1].2["moved_timeline"]["new"], 2);
    assert_eq!((audit[2].0, audit[2].1.as_str()), (other, "merge"));
    assert!(audit[2].2.get("merged_into").is_some());
}

#[sqlx::test(migrations = "../migrations")]
async fn merging_companies_moves_their_contacts_deals_and_timeline(pool: PgPool) {
    let admin = user(&pool, "a@t.test", Role::Admin, None).await;
    let a = contact(&pool, &admin, "Wang Wei", "", "Huaxin Tech").await;
    let b = contact(&pool, &admin, "Zhao Lei", "", "华信科技").await;
    let company = |c: Uuid| {
        let pool = pool.clone();
        async move {
            sqlx::query_scalar::<_, Uuid>("SELECT company_id FROM contacts WHERE id = $1")
                .bind(c)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    let (keep, other) = (company(a).await, company(b).await);
    note(&pool, "company_id", other, &admin).await;
    deal(&pool, b, Some(other)).await;
    let p = preview(&pool, &admin, MergeKind::Companies, keep, other)
        .await
        .unwrap();
    let before = sum(&p.a.related, &p.b.related);
    assert_eq!((before.contacts, before.deals, before.timeline), (2, 1, 1));
    let b_version: i32 = sqlx::query_scalar("SELECT version FROM contacts WHERE id = $1")
        .bind(b)
        .fetch_one(&pool)
        .await
        .unwrap();
    let fields = p.merged(|f| p.default_pick(f));
    let seen = |s: &Side| Seen {
        id: s.id,
        version: s.version,
    };
    merge(
        &pool,
        &admin,
        MergeKind::Companies,
        seen(&p.a),
        seen(&p.b),
        fields,
    )
    .await
    .unwrap();
    assert_eq!(
        related(&pool, MergeKind::Companies, keep).await.unwrap(),
        before
    );
    let (name, version): (String, i32) =
        sqlx::query_as("SELECT company_name, version FROM contacts WHERE id = $1")
            .bind(b)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(name, "Huaxin Tech", "the contact's company is the kept one");
    assert!(
        version > b_version,
        "an edit open on the contact becomes a conflict"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_stale_or_foreign_or_self_merge_is_refused_and_changes_nothing(pool: PgPool) {
    let east = user(&pool, "e@t.test", Role::Sales, "East").await;
    let west = user(&pool, "w@t.test", Role::Sales, "West").await;
    let viewer = user(&pool, "v@t.test", Role::Viewer, "East").await;
    let keep = contact(&pool, &east, "Li Na", "", "").await;
    let other = contact(&pool, &east, "Li Na", "", "").await;
    let theirs = contact(&pool, &west, "Li Na", "", "").await;
    note(&pool, "contact_id", other, &east).await;
    let p = preview(&pool, &east, MergeKind::Contacts, keep, other)
        .await
        .unwrap();
    let fields = || p.merged(|f| p.default_pick(f));
    let at = |id: Uuid, version: i32| Seen { id, version };
    let run = async |who: &CurrentUser, keep: Seen, other: Seen| {
        merge(&pool, who, MergeKind::Contacts, keep, other, fields()).await
    };
    // Someone saves the other record after the merge page was opened.
    exec(
        &pool,
        "UPDATE contacts SET version = 2 WHERE id = $1 AND $2 = $2",
        other,
        other,
    )
    .await;
    assert_eq!(
        run(&east, at(keep, 1), at(other, 1)).await,
        Err(AppError::Conflict)
    );
    assert_eq!(
        run(&east, at(keep, 2), at(other, 2)).await,
        Err(AppError::Conflict)
    );
    assert_eq!(
        run(&east, at(keep, 1), at(theirs, 1)).await,
        Err(AppError::NotFound)
    );
    assert_eq!(
        run(&viewer, at(keep, 1), at(other, 2)).await,
        Err(AppError::Forbidden)
    );
    assert_eq!(
        run(&east, at(keep, 1), at(keep, 1))
            .await
            .unwrap_err()
            .field("form"),
        Some(Invalid::SameRecord)
    );
    let mut bad = fields();
    bad.insert("emails".into(), "not an email".into());
    assert_eq!(
        merge(
            &pool,
            &east,
            MergeKind::Contacts,
            at(keep, 1),
            at(other, 2),
            bad
        )
        .await
        .unwrap_err()
        .field("emails"),
        Some(Invalid::Email)
    );
    assert_eq!(
        related(&pool, MergeKind::Contacts, other)
            .await
            .unwrap()
            .timeline,
        1
    );
    let merges: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = 'merge'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(merges, 0);
    assert_eq!(
        preview(&pool, &east, MergeKind::Contacts, keep, theirs).await,
        Err(AppError::NotFound)
    );
}
