//! The arithmetic of moving cards on the board, without a browser: taking a card out of its column
//! and putting it into another with the columns' counts and totals kept right, where a move lands
//! (its neighbours and its position), a keyboard step of a lifted card, and where a drag's gap shows.
use super::model::{BoardColumn, DealCard, MoveTo};
use crate::deals::model::{DealId, StageId};
use crate::money::Money;

/// Adds `value` to (`sign` 1) or takes it from (`sign` -1) the total of its currency; totals that
/// come to nothing are left out.
pub fn sum_into(totals: &mut Vec<Money>, value: &Money, sign: i64) {
    match totals.iter_mut().find(|m| m.currency == value.currency) {
        Some(m) => m.minor += sign * value.minor,
        None if sign > 0 => totals.push(value.clone()),
        None => {}
    }
    totals.retain(|m| m.minor != 0);
}

/// The card's value weighted by the column's win probability.
fn weighted(card: &DealCard, col: &BoardColumn) -> Money {
    Money {
        minor: card.value_minor * i64::from(col.win_probability) / 100,
        currency: card.currency.clone(),
    }
}

/// Takes the card out of its column (figures included); returns it with its old place.
pub fn take(cols: &mut [BoardColumn], deal: DealId) -> Option<(DealCard, usize, usize)> {
    for (ci, col) in cols.iter_mut().enumerate() {
        if let Some(i) = col.cards.iter().position(|c| c.id == deal) {
            let card = col.cards.remove(i);
            col.count -= 1;
            sum_into(&mut col.totals, &card.value(), -1);
            let weighted = weighted(&card, col);
            sum_into(&mut col.weighted, &weighted, -1);
            return Some((card, ci, i));
        }
    }
    None
}

/// Puts the card into column `column` at `index` (at its end when past it), figures included.
pub fn put(cols: &mut [BoardColumn], column: usize, index: usize, mut card: DealCard) {
    let col = &mut cols[column];
    card.stage_id = col.id;
    col.count += 1;
    sum_into(&mut col.totals, &card.value(), 1);
    let weighted = weighted(&card, col);
    sum_into(&mut col.weighted, &weighted, 1);
    let index = index.min(col.cards.len());
    col.cards.insert(index, card);
}

/// A move worked out on the board before it is sent.
#[derive(Clone, Debug, PartialEq)]
pub struct Planned {
    /// The card as it was before the move.
    pub card: DealCard,
    /// What the server is asked: the stage and the card's new neighbours.
    pub to: MoveTo,
    /// The board with the card moved.
    pub columns: Vec<BoardColumn>,
    /// The stage's name, and the card's position in it of how many, as a screen reader hears it.
    pub stage_name: String,
    pub position: usize,
    pub of: usize,
}

/// Moving `deal` to `index` (counted without the card) of the column of `stage`; `None` when the
/// card or the stage is not on the board, or the card would stay where it is.
pub fn plan(cols: &[BoardColumn], deal: DealId, stage: StageId, index: usize) -> Option<Planned> {
    let ci = cols.iter().position(|c| c.id == stage)?;
    let mut after = cols.to_vec();
    let (card, from_col, from_idx) = take(&mut after, deal)?;
    if from_col == ci && from_idx == index {
        return None;
    }
    let to = MoveTo {
        stage,
        after: index
            .checked_sub(1)
            .and_then(|i| after[ci].cards.get(i))
            .map(|c| c.id),
        before: after[ci].cards.get(index).map(|c| c.id),
    };
    let stage_name = after[ci].name.clone();
    let (position, of) = (
        index.min(after[ci].cards.len()) + 1,
        after[ci].cards.len() + 1,
    );
    put(&mut after, ci, index, card.clone());
    Some(Planned {
        card,
        to,
        columns: after,
        stage_name,
        position,
        of,
    })
}

/// A keyboard step of a lifted card.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    Left,
    Right,
    Up,
    Down,
}

/// How many cards of column `column` a lifted `deal` stands among (itself left out).
pub fn others(cols: &[BoardColumn], column: usize, deal: DealId) -> usize {
    cols[column].cards.iter().filter(|d| d.id != deal).count()
}

/// Where a card lifted at (`column`, `index`) goes one `step` on: the same index in the next
/// column over (at most its end), or one place up or down; `None` at the board's edges.
pub fn step(
    cols: &[BoardColumn],
    deal: DealId,
    (column, index): (usize, usize),
    step: Step,
) -> Option<(usize, usize)> {
    let len = |c: usize| others(cols, c, deal);
    match step {
        Step::Left if column > 0 => Some((column - 1, index.min(len(column - 1)))),
        Step::Right if column + 1 < cols.len() => Some((column + 1, index.min(len(column + 1)))),
        Step::Up if index > 0 => Some((column, index - 1)),
        Step::Down if index < len(column) => Some((column, index + 1)),
        _ => None,
    }
}

/// The card a drag's gap stands before when it would land at `index` (counted without the dragged
/// card): `Some(None)` at the column's end, `None` where the card already stands (its faded self
/// marks the place, and a drag that starts must not shift the cards under the pointer).
pub fn gap_before(cards: &[DealCard], dragged: DealId, index: usize) -> Option<Option<DealId>> {
    if cards.iter().position(|d| d.id == dragged) == Some(index) {
        return None;
    }
    Some(
        cards
            .iter()
            .filter(|d| d.id != dragged)
            .nth(index)
            .map(|d| d.id),
    )
}

#[cfg(test)]
mod tests;
