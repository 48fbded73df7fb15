//! Database tests of deals, tasks and tickets in the trash: who may delete them (at the version
//! they saw), that every list lets them go, who may restore them, and what the purge removes.
use super::tests::count;
use super::*;
use crate::activities::listing::{delete_task, task};
use crate::deals::model::DealId;
use crate::tickets::model::{QueueQuery, TicketId, TicketInput};
use crate::users::db::test_user as user;

/// A deal of `owner` in a one-stage pipeline, with a note and a task about it alone.
async fn deal(pool: &PgPool, owner: &CurrentUser) -> DealId {
    let id = crate::deals::db::tests::deal(pool, owner).await;
    sqlx::query("INSERT INTO activities (deal_id, kind, body, author_id) VALUES ($1, 'note', 'Asked for a quote', $2)")
        .bind(id.0)
        .bind(owner.id.0)
        .execute(pool)
        .await
        .unwrap();
    sqlx::query("INSERT INTO tasks (deal_id, title, assignee_id, created_by) VALUES ($1, 'Send the quote', $2, $2)")
        .bind(id.0)
        .bind(owner.id.0)
        .execute(pool)
        .await
        .unwrap();
    id
}

/// A contact of `owner`, li@x.cn.
async fn contact(pool: &PgPool, owner: &CurrentUser) -> Uuid {
    sqlx::query_scalar(
        "INSERT INTO contacts (full_name, emails, owner_id) VALUES ('Li Na', ARRAY['li@x.cn'], $1) RETURNING id",
    )
    .bind(owner.id.0)
    .fetch_one(pool)
    .await
    .unwrap()
}

async fn delete_deal(pool: &PgPool, u: &CurrentUser, id: DealId, v: i32) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    crate::deals::db::delete(&mut tx, u, id, v).await?;
    tx.commit().await?;
    Ok(())
}

async fn delete_ticket(
    pool: &PgPool,
    u: &CurrentUser,
    id: TicketId,
    v: i32,
) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    crate::tickets::db::delete(&mut tx, u, id, v).await?;
    tx.commit().await?;
    Ok(())
}

/// Moves what is in the trash 31 days back, past its keeping.
async fn age(pool: &PgPool) {
    for t in ["deals", "tasks", "tickets", "contacts"] {
        sqlx::query(&format!(
            "UPDATE {t} SET deleted_at = now() - interval '31 days' WHERE deleted_at IS NOT NULL"
        ))
        .execute(pool)
        .await
        .unwrap();
    }
}

fn names(items: &[TrashItem]) -> Vec<(TrashKind, &str)> {
    items.iter().map(|i| (i.kind, i.name.as_str())).collect()
}

#[sqlx::test(migrations = "../migrations")]
async fn a_deal_goes_to_the_trash_comes_back_and_is_purged_with_what_was_its_alone(pool: PgPool) {
    let owner = user(&pool, "o@t.test", Role::Sales, "East").await;
    let mate = user(&pool, "m@t.test", Role::Sales, "East").await;
    let west = user(&pool, "w@t.test", Role::Sales, "West").await;
    let viewer = user(&pool, "v@t.test", Role::Viewer, "East").await;
    let admin = user(&pool, "a@t.test", Role::Admin, None).await;
    let id = deal(&pool, &owner).await;

    // Another team's deal is not there; a viewer may not; a stale version moves nothing.
    assert_eq!(
        delete_deal(&pool, &west, id, 1).await,
        Err(AppError::NotFound)
    );
    assert_eq!(
        delete_deal(&pool, &viewer, id, 1).await,
        Err(AppError::Forbidden)
    );
    assert_eq!(
        delete_deal(&pool, &owner, id, 9).await,
        Err(AppError::Conflict)
    );
    delete_deal(&pool, &mate, id, 1).await.unwrap();
    assert_eq!(
        delete_deal(&pool, &owner, id, 2).await,
        Err(AppError::NotFound),
        "gone"
    );
    assert!(matches!(
        crate::deals::db::get(&pool, &owner, id).await,
        Err(AppError::NotFound)
    ));
    let board =
        crate::deals::board::db::card(&mut *pool.acquire().await.unwrap(), &owner, id).await;
    assert!(
        matches!(board, Err(AppError::NotFound)),
        "the board's card is gone too"
    );
    assert_eq!(
        count(&pool, "SELECT count(*) FROM audit_log WHERE entity = 'deal' AND entity_id = $1 AND action = 'delete'", id.0).await,
        1
    );

    // Its owner and administrators find it in the trash; the teammate who deleted it does not
    // keep it, the other team never sees it.
    assert_eq!(
        names(&list(&pool, &owner).await.unwrap()),
        [(TrashKind::Deals, "Pilot")]
    );
    assert_eq!(list(&pool, &admin).await.unwrap().len(), 1);
    assert!(list(&pool, &mate).await.unwrap().is_empty());
    assert!(list(&pool, &west).await.unwrap().is_empty());
    assert_eq!(
        restore(&pool, &west, TrashKind::Deals, id.0).await,
        Err(AppError::NotFound)
    );
    assert_eq!(
        restore(&pool, &mate, TrashKind::Deals, id.0).await,
        Err(AppError::Forbidden)
    );
    restore(&pool, &owner, TrashKind::Deals, id.0)
        .await
        .unwrap();
    assert_eq!(
        restore(&pool, &admin, TrashKind::Deals, id.0).await,
        Err(AppError::Conflict)
    );
    let back = crate::deals::db::get(&pool, &owner, id).await.unwrap();
    assert_eq!((back.title.as_str(), back.version), ("Pilot", 3));

    // A ticket and a converted lead keep pointing at it until the purge lets go of them.
    let ticket: Uuid = sqlx::query_scalar(
        "INSERT INTO tickets (subject, channel, deal_id) VALUES ('About the pilot', 'phone', $1) RETURNING id",
    )
    .bind(id.0)
    .fetch_one(&pool)
    .await
    .unwrap();
    delete_deal(&pool, &owner, id, 3).await.unwrap();
    age(&pool).await;
    let purged = purge(&pool, Utc::now()).await.unwrap();
    assert_eq!((purged.deals, purged.tickets), (1, 0));
    assert_eq!(
        count(&pool, "SELECT count(*) FROM deals WHERE id = $1", id.0).await,
        0
    );
    assert_eq!(count(&pool, "SELECT count(*) FROM activities WHERE deal_id IS NULL AND body = 'Asked for a quote' AND $1::uuid IS NOT NULL", id.0).await, 0);
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM tasks WHERE title = 'Send the quote' AND $1::uuid IS NOT NULL",
            id.0
        )
        .await,
        0
    );
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM tickets WHERE id = $1 AND deal_id IS NULL",
            ticket
        )
        .await,
        1
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_task_leaves_every_list_and_its_assignee_restores_it(pool: PgPool) {
    let owner = user(&pool, "o@t.test", Role::Sales, "East").await;
    let mate = user(&pool, "m@t.test", Role::Sales, "East").await;
    let manager = user(&pool, "g@t.test", Role::Manager, None).await;
    let id = deal(&pool, &owner).await;
    let t: Uuid = sqlx::query_scalar("SELECT id FROM tasks WHERE deal_id = $1")
        .bind(id.0)
        .fetch_one(&pool)
        .await
        .unwrap();
    let today = Utc::now().date_naive();
    let open = |u: &CurrentUser| {
        let (pool, u) = (pool.clone(), u.clone());
        async move {
            let mine = crate::activities::db::my_tasks(&pool, &u, today)
                .await
                .unwrap();
            mine.overdue.len() + mine.today.len() + mine.upcoming.len()
        }
    };
    assert_eq!(open(&owner).await, 1);

    let mut tx = pool.begin().await.unwrap();
    assert_eq!(
        delete_task(&mut tx, &mate, t, 1).await,
        Err(AppError::NotFound),
        "not theirs"
    );
    assert_eq!(
        delete_task(&mut tx, &owner, t, 7).await,
        Err(AppError::Conflict)
    );
    delete_task(&mut tx, &owner, t, 1).await.unwrap();
    assert_eq!(task(&mut tx, &owner, t).await, Err(AppError::NotFound));
    tx.commit().await.unwrap();
    assert_eq!(open(&owner).await, 0);
    assert_eq!(
        crate::activities::db::set_done(&pool, &owner, crate::activities::model::TaskId(t), true)
            .await,
        Err(AppError::NotFound),
        "a task in the trash is not ticked off"
    );

    assert_eq!(
        names(&list(&pool, &owner).await.unwrap()),
        [(TrashKind::Tasks, "Send the quote")]
    );
    assert!(
        list(&pool, &manager).await.unwrap().is_empty(),
        "a manager keeps no one's tasks"
    );
    assert_eq!(
        restore(&pool, &mate, TrashKind::Tasks, t).await,
        Err(AppError::Forbidden)
    );
    restore(&pool, &owner, TrashKind::Tasks, t).await.unwrap();
    assert_eq!(open(&owner).await, 1);

    let mut tx = pool.begin().await.unwrap();
    delete_task(&mut tx, &manager, t, 3).await.unwrap();
    tx.commit().await.unwrap();
    age(&pool).await;
    assert_eq!(purge(&pool, Utc::now()).await.unwrap().tasks, 1);
    assert_eq!(
        count(&pool, "SELECT count(*) FROM tasks WHERE id = $1", t).await,
        0
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn agents_move_a_ticket_to_the_trash_and_back_and_the_purge_takes_its_conversation(
    pool: PgPool,
) {
    let agent = user(&pool, "s@t.test", Role::Support, None).await;
    let sales = user(&pool, "o@t.test", Role::Sales, "East").await;
    let contact = contact(&pool, &sales).await;
    let input = TicketInput {
        subject: "Printer jams".into(),
        customer: "li@x.cn".into(),
        channel: "phone".into(),
        ..Default::default()
    };
    let mut tx = pool.begin().await.unwrap();
    let id = crate::tickets::db::create(&mut tx, &agent, &input.parse().unwrap(), Utc::now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let queue = |u: &CurrentUser| {
        let (pool, u) = (pool.clone(), u.clone());
        async move {
            let q = QueueQuery {
                queue: "open".into(),
                ..Default::default()
            };
            crate::tickets::db::queue(&pool, &u, &q)
                .await
                .unwrap()
                .rows
                .len()
        }
    };
    assert_eq!((queue(&agent).await, queue(&sales).await), (1, 1));

    assert_eq!(
        delete_ticket(&pool, &sales, id, 1).await,
        Err(AppError::Forbidden)
    );
    assert_eq!(
        delete_ticket(&pool, &agent, id, 5).await,
        Err(AppError::Conflict)
    );
    delete_ticket(&pool, &agent, id, 1).await.unwrap();
    assert_eq!((queue(&agent).await, queue(&sales).await), (0, 0));
    assert!(matches!(
        crate::tickets::db::view(&pool, &agent, id).await,
        Err(AppError::NotFound)
    ));

    let number: i64 = sqlx::query_scalar("SELECT number FROM tickets WHERE id = $1")
        .bind(id.0)
        .fetch_one(&pool)
        .await
        .unwrap();
    let name = format!("#{number} Printer jams");
    assert_eq!(
        names(&list(&pool, &agent).await.unwrap()),
        [(TrashKind::Tickets, name.as_str())]
    );
    assert!(
        list(&pool, &sales).await.unwrap().is_empty(),
        "sales do not work tickets"
    );
    assert_eq!(
        restore(&pool, &sales, TrashKind::Tickets, id.0).await,
        Err(AppError::Forbidden)
    );
    restore(&pool, &agent, TrashKind::Tickets, id.0)
        .await
        .unwrap();
    assert_eq!(queue(&agent).await, 1);

    // Purged with its conversation; its contact, purged too, no longer holds the purge up.
    delete_ticket(&pool, &agent, id, 3).await.unwrap();
    sqlx::query("UPDATE contacts SET deleted_at = now() WHERE id = $1")
        .bind(contact)
        .execute(&pool)
        .await
        .unwrap();
    age(&pool).await;
    let purged = purge(&pool, Utc::now()).await.unwrap();
    assert_eq!((purged.tickets, purged.contacts), (1, 1));
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM ticket_messages WHERE ticket_id = $1",
            id.0
        )
        .await,
        0
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_contact_with_a_ticket_is_purged_and_the_ticket_stays_anonymous(pool: PgPool) {
    let sales = user(&pool, "o@t.test", Role::Sales, "East").await;
    let contact = contact(&pool, &sales).await;
    let ticket: Uuid = sqlx::query_scalar(
        "INSERT INTO tickets (subject, channel, contact_id) VALUES ('Jams', 'phone', $1) RETURNING id",
    )
    .bind(contact)
    .fetch_one(&pool)
    .await
    .unwrap();
    sqlx::query("UPDATE contacts SET deleted_at = now() - interval '31 days' WHERE id = $1")
        .bind(contact)
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(purge(&pool, Utc::now()).await.unwrap().contacts, 1);
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM tickets WHERE id = $1 AND contact_id IS NULL",
            ticket
        )
        .await,
        1
    );
}
