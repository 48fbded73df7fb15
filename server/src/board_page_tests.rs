//! The pipeline page as the server renders it: the header's menus, one toolbar row, a card menu
//! per card that adds no tab stop, and the ranges menu opened on a refused value.
use http::StatusCode;
use sqlx::PgPool;

use crate::http_tests::{body_text, get, signed_in};

/// The page's HTML, signed in as the demo administrator.
async fn page(pool: PgPool, path: &str) -> String {
    let (app, cookie) = signed_in(pool, "admin@keel.demo").await;
    let res = get(&app, path, Some(&cookie)).await;
    assert_eq!(res.status(), StatusCode::OK);
    body_text(res).await
}

/// The opening tag of the first element whose class list starts with `class`.
fn tag<'a>(html: &'a str, class: &str) -> &'a str {
    let at = html
        .find(&format!("class=\"{class}"))
        .unwrap_or_else(|| panic!("no element of class {class}"));
    let start = html[..at].rfind('<').unwrap();
    let end = at + html[at..].find('>').unwrap();
    &html[start..=end]
}

#[sqlx::test(migrations = "../migrations")]
async fn every_card_is_one_tab_stop_with_a_named_menu_button_that_is_not(pool: PgPool) {
    let html = page(pool, "/pipeline").await;
    let board = &html[html.find("class=\"board\"").unwrap()..html.find("drop-zones").unwrap()];
    let cards = board.matches("data-deal=").count();
    assert!(cards > 3, "the demo's deals are on the board");
    assert_eq!(board.matches("tabindex=\"0\"").count(), cards);
    assert_eq!(board.matches("tabindex=\"-1\"").count(), cards);
    assert_eq!(board.matches("aria-label=\"Actions for ").count(), cards);
    assert_eq!(board.matches("class=\"card-menu-button\"").count(), cards);
    // Closed: the move choices are not drawn until a menu opens.
    assert!(!board.contains("class=\"move-choices\""));
    assert!(!board.contains("Move to…"));
    // The cards' list is still described by the help, kept out of sight.
    assert!(html.contains("<p id=\"board-help\" class=\"visually-hidden\">"));
}

#[sqlx::test(migrations = "../migrations")]
async fn the_header_holds_more_with_the_import_and_new_deal_and_the_toolbar_is_one_row(
    pool: PgPool,
) {
    let html = page(pool, "/pipeline").await;
    let header =
        &html[html.find("class=\"page-header\"").unwrap()..html.find("board-toolbar").unwrap()];
    let more = header.find("more-menu").expect("a More menu in the header");
    let import = header
        .find("href=\"/deals/import\"")
        .expect("the import link");
    let new_deal = header.find("new-deal").expect("New deal in the header");
    assert!(
        more < import && import < new_deal,
        "the import link sits in More, New deal last"
    );
    assert!(tag(&html, "menu primary").contains("new-deal"));
    for part in [
        "pipelines-menu",
        "segmented-links",
        "list-search",
        "filters-menu",
        "help-menu",
    ] {
        assert!(html.contains(part), "the toolbar has its {part}");
    }
    assert!(
        !tag(&html, "menu filters-menu").contains(" open"),
        "closed without a refused value"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_refused_range_opens_the_filters_menu_with_its_count_and_reason(pool: PgPool) {
    let html = page(pool, "/pipeline?min_value=lots&close_from=2031-01-01").await;
    assert!(tag(&html, "menu filters-menu").contains(" open"));
    assert!(html.contains("Enter an amount such as 12,500.00."));
    let count = &html[html.find("count-badge").unwrap()..];
    assert!(
        count.starts_with("count-badge\">2<"),
        "two ranges set: {}",
        &count[..40]
    );
}
