//! Date fields are text written in the UI's language, so over real HTTP a form posting a date the
//! English way ("Nov 20, 2025") or the Chinese way ("2025年11月20日") is read as ISO always was,
//! and the pages show stored dates in the UI's language.
use chrono::NaiveDate;
use http::StatusCode;
use sqlx::PgPool;
use uuid::Uuid;

use crate::http_tests::{body_text, get, post, signed_in};

/// `raw` as a browser writes it into an `application/x-www-form-urlencoded` body.
fn form_value(raw: &str) -> String {
    raw.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'.' | b'_' => (b as char).to_string(),
            b' ' => "+".to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn day(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

#[sqlx::test(migrations = "../migrations")]
async fn a_birthday_posted_in_either_language_is_stored_and_shown_in_the_ui_language(pool: PgPool) {
    let (app, cookie) = signed_in(pool.clone(), "admin@keel.demo").await;
    for typed in ["Nov 20, 2025", "2025年11月20日", "2025-11-20"] {
        let form = format!(
            "input[full_name]=Born%20{}&input[birthday]={}",
            Uuid::new_v4(),
            form_value(typed)
        );
        let res = post(&app, "/api/create_contact", Some(&cookie), &form).await;
        assert_eq!(res.status(), StatusCode::OK, "{typed}");
        let id: Uuid = body_text(res).await.trim_matches('"').parse().unwrap();
        let stored: Option<NaiveDate> =
            sqlx::query_scalar("SELECT birthday FROM contacts WHERE id = $1")
                .bind(id)
                .fetch_one(&pool)
                .await
                .unwrap();
        assert_eq!(stored, day(2025, 11, 20), "{typed}");
        let page = body_text(get(&app, &format!("/contacts/{id}"), Some(&cookie)).await).await;
        assert!(
            page.contains(r#"<time datetime="2025-11-20">Nov 20, 2025"#),
            "the contact page shows the birthday the English way"
        );
        let chinese = format!("{cookie}; i18n_pref_locale=zh-CN");
        let page = body_text(get(&app, &format!("/contacts/{id}"), Some(&chinese)).await).await;
        assert!(
            page.contains(r#"<time datetime="2025-11-20">2025年11月20日"#),
            "and the Chinese way in the Chinese UI"
        );
    }
    let res = post(
        &app,
        "/api/create_contact",
        Some(&cookie),
        &format!(
            "input[full_name]=Never&input[birthday]={}",
            form_value("Feb 30, 2020")
        ),
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body_text(res)
            .await
            .contains(r#""birthday":{"rule":"date"}"#)
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_follow_up_due_date_posted_in_either_language_is_stored(pool: PgPool) {
    let (app, cookie) = signed_in(pool.clone(), "sales@keel.demo").await;
    let contact: Uuid = sqlx::query_scalar(
        "SELECT c.id FROM contacts c JOIN users u ON u.id = c.owner_id WHERE u.email = 'sales@keel.demo' LIMIT 1",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    for typed in ["Dec 31, 2099", "2099年12月31日", "12/31/2099"] {
        let title = format!("Call back {}", Uuid::new_v4());
        let form = format!(
            "about=contact&id={contact}&input[kind]=note&input[body]=x&input[follow_up]={}&input[follow_up_due]={}",
            form_value(&title),
            form_value(typed)
        );
        let res = post(&app, "/api/log_interaction", Some(&cookie), &form).await;
        assert_eq!(
            res.status(),
            StatusCode::OK,
            "{typed}: {}",
            body_text(res).await
        );
        let due: Option<NaiveDate> =
            sqlx::query_scalar("SELECT due_on FROM tasks WHERE title = $1")
                .bind(&title)
                .fetch_one(&pool)
                .await
                .unwrap();
        assert_eq!(due, day(2099, 12, 31), "{typed}");
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn a_date_field_is_text_with_its_format_named_never_the_browsers_date_input(pool: PgPool) {
    let (app, cookie) = signed_in(pool, "admin@keel.demo").await;
    let page = body_text(get(&app, "/contacts/new", Some(&cookie)).await).await;
    let at = page.find(r#"id="c-birthday""#).expect("the birthday field");
    let start = page[..at].rfind('<').unwrap();
    let tag = &page[start..start + page[start..].find('>').unwrap()];
    assert!(
        tag.starts_with("<input") && tag.contains(r#"type="text""#),
        "{tag}"
    );
    assert!(tag.contains(r#"placeholder="e.g. Nov 29, 2026""#), "{tag}");
    assert!(
        page.contains(r#"aria-label="Pick a date""#),
        "a button opens the calendar"
    );
    let chinese = format!("{cookie}; i18n_pref_locale=zh-CN");
    let page = body_text(get(&app, "/contacts/new", Some(&chinese)).await).await;
    assert!(page.contains(r#"placeholder="例如 2026-11-29""#));
    assert!(page.contains(r#"aria-label="选择日期""#));
}
