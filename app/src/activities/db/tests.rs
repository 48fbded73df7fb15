//! Database tests of the timeline and tasks, against a fresh Postgres database each.
use super::*;
use crate::activities::model::InteractionInput;
use crate::contacts::model::{ContactId, ContactInput};
use crate::users::db::upsert_user;
use crate::users::model::Role;

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

async fn setup(pool: &PgPool) -> (CurrentUser, ContactId) {
    let mut conn = pool.acquire().await.unwrap();
    let id = upsert_user(
        &mut conn,
        "s@t.test",
        "Sam",
        "$argon2id$x",
        Role::Sales,
        "en",
    )
    .await
    .unwrap();
    let user = CurrentUser {
        id,
        email: "s@t.test".into(),
        display_name: "Sam".into(),
        role: Role::Sales,
        locale: "en".into(),
    };
    let draft = ContactInput {
        full_name: "王伟".into(),
        ..Default::default()
    }
    .parse(today())
    .unwrap();
    let contact = crate::contacts::db::create(&mut conn, &user, &draft)
        .await
        .unwrap();
    (user, contact)
}

/// Logs `interaction` on `contact` in a transaction of its own, then reads the timeline.
async fn log_and_read(
    pool: &PgPool,
    user: &CurrentUser,
    contact: ContactId,
    interaction: &Interaction,
) -> Vec<TimelineEntry> {
    let mut tx = pool.begin().await.unwrap();
    log(&mut tx, user, SubjectKind::Contact, contact.0, interaction)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    timeline(pool, user, SubjectKind::Contact, contact.0, None, 500)
        .await
        .unwrap()
        .entries
}

#[sqlx::test(migrations = "../migrations")]
async fn a_note_written_offline_is_dated_when_it_was_written(pool: PgPool) {
    let (user, contact) = setup(&pool).await;
    let written = Utc::now() - chrono::Duration::hours(3);
    let note = InteractionInput {
        kind: "note".into(),
        body: "On the train".into(),
        written_at: written.to_rfc3339(),
        ..Default::default()
    }
    .parse(today())
    .unwrap();
    let entries = log_and_read(&pool, &user, contact, &note).await;
    let logged = entries
        .iter()
        .find(|e| matches!(&e.body, EntryBody::Interaction { body: Some(b), .. } if b == "On the train"))
        .unwrap();
    assert_eq!(logged.at.timestamp_micros(), written.timestamp_micros());
    // Older than the contact's creation a moment ago: listed after it.
    assert!(matches!(
        entries.last().unwrap().body,
        EntryBody::Interaction { .. }
    ));
}

#[sqlx::test(migrations = "../migrations")]
async fn a_logged_call_and_its_follow_up_appear_in_the_timeline_and_in_my_tasks(pool: PgPool) {
    let (user, contact) = setup(&pool).await;
    let due = today() + chrono::Duration::days(2);
    let call = InteractionInput {
        kind: "call".into(),
        outcome: "connected".into(),
        duration: "12".into(),
        body: "Asked for a quote".into(),
        follow_up: "Send the quote".into(),
        follow_up_due: due.to_string(),
        ..Default::default()
    }
    .parse(today())
    .unwrap();
    let entries = log_and_read(&pool, &user, contact, &call).await;
    assert!(
        matches!(entries.last().unwrap().body, EntryBody::Created),
        "creation is the oldest entry"
    );
    assert!(entries.iter().any(|e| matches!(
        &e.body,
        EntryBody::Interaction {
            kind: InteractionKind::Call,
            outcome: Some(CallOutcome::Connected),
            duration_minutes: Some(12),
            ..
        }
    )));
    assert!(entries.iter().any(|e| matches!(&e.body, EntryBody::Task { title, due_on: Some(d), done: false, .. } if title == "Send the quote" && *d == due)));

    let mine = my_tasks(&pool, &user, today()).await.unwrap();
    assert_eq!(mine.upcoming.len(), 1);
    assert_eq!(mine.upcoming[0].about.as_deref(), Some("王伟"));
    assert_eq!(
        mine.upcoming[0].link,
        Some(format!("/contacts/{}", contact.0))
    );
    set_done(&pool, &user, mine.upcoming[0].id, true)
        .await
        .unwrap();
    let entries = timeline(&pool, &user, SubjectKind::Contact, contact.0, None, 500)
        .await
        .unwrap()
        .entries;
    assert!(
        entries
            .iter()
            .any(|e| matches!(&e.body, EntryBody::Task { done: true, .. }))
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn tasks_are_sorted_into_overdue_today_and_upcoming(pool: PgPool) {
    let (user, contact) = setup(&pool).await;
    for (title, offset) in [("late", -1i64), ("now", 0), ("soon", 3)] {
        sqlx::query(
            "INSERT INTO tasks (contact_id, title, due_on, assignee_id) VALUES ($1, $2, $3, $4)",
        )
        .bind(contact.0)
        .bind(title)
        .bind(today() + chrono::Duration::days(offset))
        .bind(user.id.0)
        .execute(&pool)
        .await
        .unwrap();
    }
    let mine = my_tasks(&pool, &user, today()).await.unwrap();
    let titles = |ts: &[Task]| ts.iter().map(|t| t.title.clone()).collect::<Vec<_>>();
    assert_eq!(titles(&mine.overdue), ["late"]);
    assert_eq!(titles(&mine.today), ["now"]);
    assert_eq!(titles(&mine.upcoming), ["soon"]);
}

#[sqlx::test(migrations = "../migrations")]
async fn nobody_else_can_tick_off_a_sales_users_task(pool: PgPool) {
    let (user, contact) = setup(&pool).await;
    let task: Uuid = sqlx::query_scalar(
        "INSERT INTO tasks (contact_id, title, assignee_id) VALUES ($1, 'x', $2) RETURNING id",
    )
    .bind(contact.0)
    .bind(user.id.0)
    .fetch_one(&pool)
    .await
    .unwrap();
    let mut conn = pool.acquire().await.unwrap();
    let other_id = upsert_user(&mut conn, "o@t.test", "O", "$argon2id$x", Role::Sales, "en")
        .await
        .unwrap();
    let other = CurrentUser {
        id: other_id,
        email: "o@t.test".into(),
        display_name: "O".into(),
        role: Role::Sales,
        locale: "en".into(),
    };
    assert_eq!(
        set_done(&pool, &other, TaskId(task), true)
            .await
            .unwrap_err(),
        AppError::NotFound
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_long_timeline_pages_without_gaps_or_repeats_and_only_for_those_in_scope(pool: PgPool) {
    let (user, contact) = setup(&pool).await;
    // 120 notes, in groups of three sharing an instant: pages must split ties cleanly.
    sqlx::query(
        "INSERT INTO activities (contact_id, kind, body, author_id, occurred_at)
         SELECT $1, 'note', 'note ' || i, $2, now() - (i / 3) * interval '1 minute'
           FROM generate_series(1, 120) i",
    )
    .bind(contact.0)
    .bind(user.id.0)
    .execute(&pool)
    .await
    .unwrap();
    let mut seen = Vec::new();
    let mut before = None;
    loop {
        let page = timeline(
            &pool,
            &user,
            SubjectKind::Contact,
            contact.0,
            before.as_ref(),
            50,
        )
        .await
        .unwrap();
        assert!(page.entries.len() <= 50);
        assert!(
            page.entries.windows(2).all(|w| w[0].at >= w[1].at),
            "newest first"
        );
        seen.extend(page.entries);
        match page.next {
            Some(next) => before = Some(next),
            None => break,
        }
    }
    // 120 notes and the creation, each exactly once.
    assert_eq!(seen.len(), 121);
    let mut notes: Vec<_> = seen
        .iter()
        .filter_map(|e| match &e.body {
            EntryBody::Interaction { body, .. } => body.clone(),
            _ => None,
        })
        .collect();
    notes.sort();
    notes.dedup();
    assert_eq!(notes.len(), 120);

    let mut conn = pool.acquire().await.unwrap();
    let other = upsert_user(
        &mut conn,
        "o@t.test",
        "Olga",
        "$argon2id$x",
        Role::Sales,
        "en",
    )
    .await
    .unwrap();
    let other = CurrentUser {
        id: other,
        email: "o@t.test".into(),
        display_name: "Olga".into(),
        role: Role::Sales,
        locale: "en".into(),
    };
    assert!(matches!(
        timeline(&pool, &other, SubjectKind::Contact, contact.0, None, 50).await,
        Err(AppError::NotFound)
    ));
    assert!(
        !visible(&pool, &other, SubjectKind::Contact, contact.0)
            .await
            .unwrap()
    );
    assert!(
        visible(&pool, &user, SubjectKind::Contact, contact.0)
            .await
            .unwrap()
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_timeline_leaves_out_what_another_team_logged_on_its_contacts_and_deals(pool: PgPool) {
    use crate::users::db::test_user;
    let east = test_user(&pool, "e@t.test", Role::Sales, "East").await;
    let west = test_user(&pool, "w@t.test", Role::Sales, "West").await;
    let admin = test_user(&pool, "a@t.test", Role::Admin, None).await;
    // East's company; on it East's contact and West's, and a deal of each team.
    let ids: (Uuid, Uuid, Uuid, Uuid, Uuid) = sqlx::query_as(
        "WITH co AS (INSERT INTO companies (name, owner_id) VALUES ('Acme', $1) RETURNING id),
              ce AS (INSERT INTO contacts (full_name, owner_id, company_id) SELECT 'East one', $1, id FROM co RETURNING id),
              cw AS (INSERT INTO contacts (full_name, owner_id, company_id) SELECT 'West one', $2, id FROM co RETURNING id),
              p AS (INSERT INTO pipelines (name) VALUES ('Sales') RETURNING id),
              s AS (INSERT INTO stages (pipeline_id, name, position) SELECT id, 'Lead', 0 FROM p RETURNING id, pipeline_id),
              de AS (INSERT INTO deals (pipeline_id, stage_id, title, value_minor, rank, company_id, owner_id)
                     SELECT s.pipeline_id, s.id, 'East deal', 1, 'a', co.id, $1 FROM s, co RETURNING id),
              dw AS (INSERT INTO deals (pipeline_id, stage_id, title, value_minor, rank, company_id, owner_id)
                     SELECT s.pipeline_id, s.id, 'West deal', 1, 'b', co.id, $2 FROM s, co RETURNING id)
         SELECT co.id, ce.id, cw.id, de.id, dw.id FROM co, ce, cw, de, dw",
    )
    .bind(east.id.0)
    .bind(west.id.0)
    .fetch_one(&pool)
    .await
    .unwrap();
    let (company, east_contact, west_contact, east_deal, west_deal) = ids;
    for (contact, body) in [(east_contact, "east note"), (west_contact, "west note")] {
        sqlx::query("INSERT INTO activities (contact_id, kind, body) VALUES ($1, 'note', $2)")
            .bind(contact)
            .bind(body)
            .execute(&pool)
            .await
            .unwrap();
        sqlx::query("INSERT INTO tasks (contact_id, title, assignee_id) VALUES ($1, $2, $3)")
            .bind(contact)
            .bind(format!("{body} task"))
            .bind(east.id.0)
            .execute(&pool)
            .await
            .unwrap();
    }
    for deal in [east_deal, west_deal] {
        sqlx::query("INSERT INTO deal_contacts (deal_id, contact_id) VALUES ($1, $2)")
            .bind(deal)
            .bind(east_contact)
            .execute(&pool)
            .await
            .unwrap();
        sqlx::query(
            "INSERT INTO audit_log (entity, entity_id, action, changes)
             VALUES ('deal', $1, 'update', '{\"stage\": {\"old\": \"Lead\", \"new\": \"Won\"}}')",
        )
        .bind(deal)
        .execute(&pool)
        .await
        .unwrap();
    }
    let shown = async |user: &CurrentUser, about: SubjectKind, id: Uuid| {
        let mut texts: Vec<String> = timeline(&pool, user, about, id, None, 500)
            .await
            .unwrap()
            .entries
            .into_iter()
            .filter_map(|e| match e.body {
                EntryBody::Interaction { body, .. } => body,
                EntryBody::Task { title, .. } | EntryBody::Ticket { title, .. } => Some(title),
                EntryBody::Changed { deal, .. } => deal,
                EntryBody::Created => None,
            })
            .collect();
        texts.sort();
        texts
    };
    assert_eq!(
        shown(&east, SubjectKind::Company, company).await,
        ["East deal", "east note", "east note task"]
    );
    assert_eq!(
        shown(&admin, SubjectKind::Company, company).await,
        [
            "East deal",
            "West deal",
            "east note",
            "east note task",
            "west note",
            "west note task"
        ]
    );
    assert_eq!(
        shown(&east, SubjectKind::Contact, east_contact).await,
        ["East deal", "east note", "east note task"]
    );
    // A deleted deal leaves the history of those who could see it.
    sqlx::query("UPDATE deals SET deleted_at = now() WHERE id = $1")
        .bind(east_deal)
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(
        shown(&east, SubjectKind::Contact, east_contact).await,
        ["east note", "east note task"]
    );
    // The task on West's contact is East's, but not East's to see while it is West's.
    let titles = |a: TaskAgenda| {
        let mut t: Vec<String> = [a.overdue, a.today, a.upcoming]
            .concat()
            .into_iter()
            .map(|t| t.title)
            .collect();
        t.sort();
        t
    };
    assert_eq!(
        titles(my_tasks(&pool, &east, today()).await.unwrap()),
        ["east note task"]
    );
    let west_task: Uuid = sqlx::query_scalar("SELECT id FROM tasks WHERE contact_id = $1")
        .bind(west_contact)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(
        set_done(&pool, &east, TaskId(west_task), true).await,
        Err(AppError::NotFound)
    );
}
