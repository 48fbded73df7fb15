//! Imports as Postgres keeps them: progress any instance reads, a dead run seen as interrupted,
//! batches committed one by one, refused rows named by their line in the file, uploads emptied.
use chrono::NaiveDate;
use sqlx::PgPool;
use uuid::Uuid;

use super::status;
use crate::error::{AppError, Invalid};
use crate::imports::db::{BATCH, preview, run, run_claimed, start, store};
use crate::imports::model::{ImportKind, ImportResult, OnDuplicate};
use crate::users::db::test_user as user;
use crate::users::model::{CurrentUser, Role};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
}

async fn scalar(pool: &PgPool, sql: &str, id: Uuid) -> i64 {
    sqlx::query_scalar(sql)
        .bind(id)
        .fetch_one(pool)
        .await
        .unwrap()
}

async fn upload(pool: &PgPool, user: &CurrentUser, csv: &str) -> (Uuid, Vec<String>) {
    let id = store(
        pool,
        user,
        ImportKind::Contacts,
        "people.csv",
        csv.as_bytes(),
    )
    .await
    .unwrap();
    let mapping = preview(pool, user, id).await.unwrap().mapping;
    (id, mapping)
}

async fn import(pool: &PgPool, user: &CurrentUser, id: Uuid, mapping: &[String]) -> ImportResult {
    run(pool, user, id, mapping, OnDuplicate::Skip, false, today())
        .await
        .unwrap()
}

/// `n` people, one a line; the one at `bad` (from 1) has an email that is none.
fn people(n: usize, bad: Option<usize>) -> String {
    let mut csv = String::from("Name,Email\n");
    for i in 1..=n {
        let email = if Some(i) == bad {
            "nope".to_string()
        } else {
            format!("p{i}@t.test")
        };
        csv.push_str(&format!("Person {i},{email}\n"));
    }
    csv
}

#[sqlx::test(migrations = "../migrations")]
async fn refused_rows_and_the_preview_name_the_line_of_the_file(pool: PgPool) {
    let sales = user(&pool, "s@t.test", Role::Sales, "East").await;
    // Saved on Windows, with notes spanning lines: the bad email is on line 8 of the file.
    let csv = "Name,Email,Notes\r\n\
               Wang Wei,wang@t.test,\"Met at the fair\r\nwants a demo\"\r\n\
               Li Na,li@t.test,\r\n\
               Zhao Lei,zhao@t.test,\"one\r\ntwo\r\nthree\"\r\n\
               Chen Jing,not-an-email,\r\n\
               Zhou Jie,,\"x\"\r\n";
    let (id, mapping) = upload(&pool, &sales, csv).await;
    let p = preview(&pool, &sales, id).await.unwrap();
    let lines: Vec<u64> = p.sample.iter().map(|r| r.line).collect();
    assert_eq!(lines, [2, 4, 5, 8, 9]);
    let r = import(&pool, &sales, id, &mapping).await;
    assert_eq!((r.created, r.failed), (4, 1), "{r:?}");
    assert_eq!(
        r.errors
            .iter()
            .map(|e| (e.line, e.field.as_str(), e.why))
            .collect::<Vec<_>>(),
        [(8, "emails", Invalid::Email)]
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn progress_lives_in_postgres_and_a_run_that_died_shows_as_interrupted(pool: PgPool) {
    let sales = user(&pool, "s@t.test", Role::Sales, "East").await;
    let other = user(&pool, "o@t.test", Role::Sales, "East").await;
    let (id, mapping) = upload(&pool, &sales, &people(2_500, None)).await;
    let p = status(&pool, &sales, id).await.unwrap();
    assert_eq!((p.done, p.rows, p.interrupted), (0, 2_500, false));
    assert_eq!(status(&pool, &other, id).await, Err(AppError::NotFound));

    // Claimed by an instance that then died: no heartbeat for over a minute.
    start(&pool, &sales, id, &mapping, &Default::default())
        .await
        .unwrap();
    assert_eq!(
        start(&pool, &sales, id, &mapping, &Default::default())
            .await
            .err(),
        Some(AppError::Conflict),
        "it runs once"
    );
    assert!(!status(&pool, &sales, id).await.unwrap().interrupted);
    sqlx::query("UPDATE imports SET beat_at = now() - interval '2 minutes' WHERE id = $1")
        .bind(id)
        .execute(&pool)
        .await
        .unwrap();
    let p = status(&pool, &sales, id).await.unwrap();
    assert!(p.interrupted && p.result.is_none(), "{p:?}");

    // Nothing was written: it may start again, here or on any instance.
    let claimed = start(&pool, &sales, id, &mapping, &Default::default())
        .await
        .unwrap();
    let r = run_claimed(
        &pool,
        &sales,
        id,
        claimed,
        &mapping,
        &Default::default(),
        today(),
    )
    .await
    .unwrap();
    assert_eq!(r.created, 2_500);
    let p = status(&pool, &sales, id).await.unwrap();
    assert_eq!((p.done, p.interrupted, p.result), (2_500, false, Some(r)));
    assert_eq!(
        scalar(
            &pool,
            "SELECT count(*) FROM imports WHERE id = $1 AND content IS NULL",
            id
        )
        .await,
        1,
        "the file goes once imported"
    );
    assert_eq!(
        start(&pool, &sales, id, &mapping, &Default::default())
            .await
            .err(),
        Some(AppError::Conflict)
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_batch_that_fails_stops_the_import_and_the_batches_before_it_stay(pool: PgPool) {
    let sales = user(&pool, "s@t.test", Role::Sales, "East").await;
    // The database refuses one person in the second batch.
    sqlx::query(
        "CREATE FUNCTION refuse_boom() RETURNS trigger LANGUAGE plpgsql AS
         $$ BEGIN IF NEW.full_name = 'Person 1500' THEN RAISE EXCEPTION 'boom'; END IF; RETURN NEW; END $$",
    )
    .execute(&pool)
    .await
    .unwrap();
    sqlx::query("CREATE TRIGGER refuse_boom BEFORE INSERT ON contacts FOR EACH ROW EXECUTE FUNCTION refuse_boom()")
        .execute(&pool)
        .await
        .unwrap();
    let (id, mapping) = upload(&pool, &sales, &people(2_500, Some(10))).await;
    let r = run(
        &pool,
        &sales,
        id,
        &mapping,
        OnDuplicate::Skip,
        false,
        today(),
    )
    .await;
    assert!(matches!(r, Err(AppError::Internal { .. })), "{r:?}");
    let p = status(&pool, &sales, id).await.unwrap();
    assert!(p.error.is_some() && p.result.is_none(), "{p:?}");
    assert_eq!(
        p.done,
        (BATCH + 1) as i64,
        "the first batch of good rows ends on the file's row 1,001 (row 10 was refused)"
    );
    let written: i64 = sqlx::query_scalar("SELECT count(*) FROM contacts")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(
        written, BATCH as i64,
        "the first batch stays, the rest is not written"
    );
    assert_eq!(
        scalar(
            &pool,
            "SELECT count(*) FROM imports WHERE id = $1 AND content IS NULL",
            id
        )
        .await,
        1,
        "part of it was written: it cannot run again, so the file goes"
    );
    assert_eq!(
        start(&pool, &sales, id, &mapping, &Default::default())
            .await
            .err(),
        Some(AppError::Conflict)
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn all_or_nothing_writes_nothing_and_a_day_old_upload_cannot_start(pool: PgPool) {
    let sales = user(&pool, "s@t.test", Role::Sales, "East").await;
    let (id, mapping) = upload(&pool, &sales, &people(1_500, Some(1_400))).await;
    let r = run(
        &pool,
        &sales,
        id,
        &mapping,
        OnDuplicate::Skip,
        true,
        today(),
    )
    .await
    .unwrap();
    assert!(!r.committed);
    assert_eq!(r.errors[0].line, 1_401);
    let contacts: i64 = sqlx::query_scalar("SELECT count(*) FROM contacts")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(contacts, 0);

    let (old, mapping) = upload(&pool, &sales, &people(3, None)).await;
    sqlx::query("UPDATE imports SET created_at = now() - interval '2 days' WHERE id = $1")
        .bind(old)
        .execute(&pool)
        .await
        .unwrap();
    let mut conn = pool.acquire().await.unwrap();
    assert_eq!(super::expire_uploads(&mut conn).await.unwrap(), 1);
    assert_eq!(
        start(&pool, &sales, old, &mapping, &Default::default())
            .await
            .err()
            .and_then(|e| e.field("file")),
        Some(Invalid::Required)
    );
    assert!(preview(&pool, &sales, old).await.unwrap().expired);
}
