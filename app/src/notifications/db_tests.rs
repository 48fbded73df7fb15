use super::*;
use crate::records::db::user_sees_sql;
use crate::users::db::{test_rename, test_user as user};
use crate::users::model::Role;

const ABOUT: About = About {
    title: "#1001 Printer jam",
    link: "/tickets/x",
    ticket: None,
};

async fn tell(pool: &PgPool, users: &[Uuid], actor: Option<Uuid>) {
    let mut tx = pool.begin().await.unwrap();
    notify(&mut tx, users, Kind::Assigned, ABOUT, actor)
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

#[sqlx::test(migrations = "../migrations")]
async fn a_user_reads_only_their_own_notifications_never_the_actors_and_each_once(pool: PgPool) {
    let ann = user(&pool, "ann@t.test", Role::Support, None).await;
    let bob = user(&pool, "bob@t.test", Role::Support, None).await;
    tell(&pool, &[ann.id.0, ann.id.0, bob.id.0], Some(bob.id.0)).await;
    let inbox_a = inbox(&pool, &ann).await.unwrap();
    assert_eq!(inbox_a.unread, 1);
    assert_eq!(inbox_a.items.len(), 1);
    assert_eq!(inbox_a.items[0].kind, Kind::Assigned);
    assert_eq!(inbox_a.items[0].actor.as_deref(), Some("bob@t.test"));
    assert_eq!(inbox(&pool, &bob).await.unwrap(), Inbox::default());
}

#[sqlx::test(migrations = "../migrations")]
async fn notifications_are_marked_read_one_by_one_or_all_and_never_anothers(pool: PgPool) {
    let ann = user(&pool, "ann@t.test", Role::Support, None).await;
    let bob = user(&pool, "bob@t.test", Role::Support, None).await;
    for _ in 0..3 {
        tell(&pool, &[ann.id.0], None).await;
    }
    let first = inbox(&pool, &ann).await.unwrap().items[0].id;
    let mut tx = pool.begin().await.unwrap();
    assert!(matches!(
        mark_read(&mut tx, &bob, Some(first)).await,
        Err(AppError::NotFound)
    ));
    mark_read(&mut tx, &ann, Some(first)).await.unwrap();
    tx.commit().await.unwrap();
    let after = inbox(&pool, &ann).await.unwrap();
    assert_eq!(after.unread, 2);
    assert!(after.items.iter().find(|n| n.id == first).unwrap().read);
    let mut tx = pool.begin().await.unwrap();
    mark_read(&mut tx, &ann, None).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(inbox(&pool, &ann).await.unwrap().unread, 0);
}

#[sqlx::test(migrations = "../migrations")]
async fn the_unread_count_stops_at_its_cap_and_the_list_at_its_length(pool: PgPool) {
    let ann = user(&pool, "ann@t.test", Role::Support, None).await;
    let many = vec![ann.id.0];
    for _ in 0..(COUNTED + 5) {
        tell(&pool, &many, None).await;
    }
    let i = inbox(&pool, &ann).await.unwrap();
    assert_eq!(i.unread, COUNTED);
    assert_eq!(i.items.len() as i64, SHOWN);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_mention_tells_only_named_colleagues_who_may_open_the_record(pool: PgPool) {
    let author = user(&pool, "a@t.test", Role::Sales, "East").await;
    let east = user(&pool, "e@t.test", Role::Sales, "East").await;
    let west = user(&pool, "w@t.test", Role::Sales, "West").await;
    let boss = user(&pool, "m@t.test", Role::Manager, None).await;
    let lily = user(&pool, "l@t.test", Role::Manager, None).await;
    test_rename(&pool, &east, "Li Wei").await;
    test_rename(&pool, &west, "王芳").await;
    test_rename(&pool, &boss, "Zhang").await;
    test_rename(&pool, &lily, "Zhangsan").await;
    let contact: Uuid = sqlx::query_scalar(
        "INSERT INTO contacts (full_name, owner_id) VALUES ('Acme buyer', $1) RETURNING id",
    )
    .bind(author.id.0)
    .fetch_one(&pool)
    .await
    .unwrap();
    let sees = format!(
        "EXISTS (SELECT 1 FROM contacts r WHERE r.id = $2 AND {})",
        user_sees_sql("u", "r")
    );
    let mut tx = pool.begin().await.unwrap();
    mention(
        &mut tx,
        &author,
        "@Li Wei @王芳 @Zhang please call back; cc @a@t.test",
        About {
            title: "please call back",
            link: "/contacts/x",
            ticket: None,
        },
        &sees,
        contact,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let unread = |u: CurrentUser| {
        let pool = pool.clone();
        async move { inbox(&pool, &u).await.unwrap().unread }
    };
    assert_eq!(unread(east).await, 1, "a teammate may open the contact");
    assert_eq!(unread(west).await, 0, "another team's rep may not");
    assert_eq!(unread(boss).await, 1, "a manager sees every record");
    assert_eq!(unread(lily).await, 0, "@Zhang is not @Zhangsan");
    assert_eq!(unread(author).await, 0, "nobody is told of their own words");
}
