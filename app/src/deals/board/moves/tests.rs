//! The board's move arithmetic, without a browser.
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::*;

fn deal(n: u128) -> DealId {
    DealId(Uuid::from_u128(n))
}

fn stage(n: u128) -> StageId {
    StageId(Uuid::from_u128(1000 + n))
}

fn card(n: u128, at: u128, minor: i64, currency: &str) -> DealCard {
    DealCard {
        id: deal(n),
        stage_id: stage(at),
        title: format!("Deal {n}"),
        company_name: None,
        value_minor: minor,
        currency: currency.into(),
        owner_name: None,
        expected_close_date: None,
        rotting: false,
        overdue_task: false,
        rank: format!("{n:04}"),
        version: 1,
        stage_entered_at: DateTime::<Utc>::default(),
    }
}

fn money(minor: i64, currency: &str) -> Money {
    Money {
        minor,
        currency: currency.into(),
    }
}

/// A column with its figures summed from its cards, as the server sends them.
fn column(n: u128, win_probability: i16, cards: Vec<DealCard>) -> BoardColumn {
    let col = BoardColumn {
        id: stage(n),
        name: format!("Stage {n}"),
        win_probability,
        colour: None,
        count: 0,
        totals: Vec::new(),
        weighted: Vec::new(),
        cards: Vec::new(),
        more: false,
    };
    let mut cols = vec![col];
    for c in cards {
        put(&mut cols, 0, usize::MAX, c);
    }
    cols.remove(0)
}

/// Lead (10%): 1 (1,000 CNY), 2 (2,000 CNY), 3 (50 EUR). Proposal (50%): 4 (4,000 CNY).
fn board() -> Vec<BoardColumn> {
    vec![
        column(
            0,
            10,
            vec![
                card(1, 0, 1000, "CNY"),
                card(2, 0, 2000, "CNY"),
                card(3, 0, 50, "EUR"),
            ],
        ),
        column(1, 50, vec![card(4, 1, 4000, "CNY")]),
    ]
}

fn ids(col: &BoardColumn) -> Vec<DealId> {
    col.cards.iter().map(|c| c.id).collect()
}

#[test]
fn totals_add_per_currency_and_leave_out_what_comes_to_nothing() {
    let mut totals = vec![money(100, "CNY")];
    sum_into(&mut totals, &money(50, "EUR"), 1);
    sum_into(&mut totals, &money(20, "CNY"), 1);
    assert_eq!(totals, [money(120, "CNY"), money(50, "EUR")]);
    sum_into(&mut totals, &money(50, "EUR"), -1);
    assert_eq!(totals, [money(120, "CNY")]);
    // Taking a currency the column does not hold changes nothing.
    sum_into(&mut totals, &money(5, "USD"), -1);
    assert_eq!(totals, [money(120, "CNY")]);
}

#[test]
fn moving_a_card_between_columns_keeps_counts_and_money_totals_right() {
    let mut cols = board();
    let (moved, from_col, from_idx) = take(&mut cols, deal(2)).unwrap();
    assert_eq!((moved.id, from_col, from_idx), (deal(2), 0, 1));
    put(&mut cols, 1, 0, moved);

    assert_eq!(ids(&cols[0]), [deal(1), deal(3)]);
    assert_eq!(cols[0].count, 2);
    assert_eq!(cols[0].totals, [money(1000, "CNY"), money(50, "EUR")]);
    assert_eq!(cols[0].weighted, [money(100, "CNY"), money(5, "EUR")]);

    assert_eq!(ids(&cols[1]), [deal(2), deal(4)]);
    assert_eq!(cols[1].count, 2);
    assert_eq!(cols[1].totals, [money(6000, "CNY")]);
    // Weighted by the new stage's probability: 2,000 at 50% on top of 4,000 at 50%.
    assert_eq!(cols[1].weighted, [money(3000, "CNY")]);
    // The card now names its new stage.
    assert_eq!(cols[1].cards[0].stage_id, stage(1));
}

#[test]
fn the_last_card_of_a_currency_leaving_a_column_takes_its_total_along() {
    let mut cols = board();
    let (moved, _, _) = take(&mut cols, deal(3)).unwrap();
    assert_eq!(cols[0].totals, [money(3000, "CNY")]);
    assert_eq!(cols[0].weighted, [money(300, "CNY")]);
    put(&mut cols, 1, 1, moved);
    assert_eq!(cols[1].totals, [money(4000, "CNY"), money(50, "EUR")]);
    assert_eq!(cols[1].weighted, [money(2000, "CNY"), money(25, "EUR")]);
}

#[test]
fn moving_a_card_within_a_column_reorders_it_and_keeps_the_figures() {
    let mut cols = board();
    let figures = (
        cols[0].count,
        cols[0].totals.clone(),
        cols[0].weighted.clone(),
    );
    let (moved, _, _) = take(&mut cols, deal(1)).unwrap();
    put(&mut cols, 0, 2, moved);
    assert_eq!(ids(&cols[0]), [deal(2), deal(3), deal(1)]);
    assert_eq!(
        (
            cols[0].count,
            cols[0].totals.clone(),
            cols[0].weighted.clone()
        ),
        figures
    );
}

#[test]
fn taking_a_card_that_is_not_on_the_board_gives_nothing_and_changes_nothing() {
    let mut cols = board();
    assert_eq!(take(&mut cols, deal(99)), None);
    assert_eq!(cols, board());
}

#[test]
fn putting_a_card_at_an_index_past_the_end_appends_it() {
    let mut cols = board();
    put(&mut cols, 1, 40, card(5, 0, 10, "CNY"));
    assert_eq!(ids(&cols[1]), [deal(4), deal(5)]);
    assert_eq!(cols[1].count, 2);
}

#[test]
fn a_planned_move_names_the_new_neighbours_and_the_position_it_announces() {
    let cols = board();
    // Card 3 between 1 and 2 of its own column.
    let p = plan(&cols, deal(3), stage(0), 1).unwrap();
    assert_eq!(
        p.to,
        MoveTo {
            stage: stage(0),
            after: Some(deal(1)),
            before: Some(deal(2)),
        }
    );
    assert_eq!(ids(&p.columns[0]), [deal(1), deal(3), deal(2)]);
    assert_eq!((p.stage_name.as_str(), p.position, p.of), ("Stage 0", 2, 3));
    assert_eq!(p.card.id, deal(3));

    // To the top of the next column: nothing before it, card 4 after it.
    let p = plan(&cols, deal(1), stage(1), 0).unwrap();
    assert_eq!((p.to.after, p.to.before), (None, Some(deal(4))));
    assert_eq!((p.position, p.of), (1, 2));
    assert_eq!(p.columns[1].count, 2);

    // Past the end: after the last card, and counted at the end.
    let p = plan(&cols, deal(1), stage(1), 9).unwrap();
    assert_eq!((p.to.after, p.to.before), (None, None));
    assert_eq!((p.position, p.of), (2, 2));
    assert_eq!(ids(&p.columns[1]), [deal(4), deal(1)]);
}

#[test]
fn a_move_to_where_the_card_stands_or_to_an_unknown_stage_or_card_is_no_move() {
    let cols = board();
    assert_eq!(plan(&cols, deal(2), stage(0), 1), None);
    assert_eq!(plan(&cols, deal(2), stage(7), 0), None);
    assert_eq!(plan(&cols, deal(99), stage(1), 0), None);
}

#[test]
fn a_lifted_card_steps_within_the_board_and_keeps_its_index_where_it_can() {
    let cols = board();
    let lifted = deal(2);
    assert_eq!(step(&cols, lifted, (0, 1), Step::Left), None);
    // Proposal has one card: index 1 is its end.
    assert_eq!(step(&cols, lifted, (0, 1), Step::Right), Some((1, 1)));
    assert_eq!(step(&cols, lifted, (0, 2), Step::Right), Some((1, 1)));
    assert_eq!(step(&cols, lifted, (1, 1), Step::Right), None);
    assert_eq!(step(&cols, lifted, (1, 1), Step::Left), Some((0, 1)));
    assert_eq!(step(&cols, lifted, (0, 1), Step::Up), Some((0, 0)));
    assert_eq!(step(&cols, lifted, (0, 0), Step::Up), None);
    // Two other cards in Lead: the lifted one goes down to index 2 and no further.
    assert_eq!(step(&cols, lifted, (0, 1), Step::Down), Some((0, 2)));
    assert_eq!(step(&cols, lifted, (0, 2), Step::Down), None);
    assert_eq!(others(&cols, 0, lifted), 2);
}

#[test]
fn a_drags_gap_shows_before_its_card_at_the_end_and_not_where_the_card_stands() {
    let cards = board().remove(0).cards;
    assert_eq!(gap_before(&cards, deal(2), 1), None);
    assert_eq!(gap_before(&cards, deal(2), 0), Some(Some(deal(1))));
    assert_eq!(gap_before(&cards, deal(1), 1), Some(Some(deal(3))));
    assert_eq!(gap_before(&cards, deal(1), 2), Some(None));
    assert_eq!(gap_before(&cards, deal(4), 3), Some(None));
}
