//! Fractional ranks: text keys that order byte-wise (`COLLATE "C"`), so a card can always be put
//! between two others by writing only its own row. Keys never end in '0', so there is always room.
//! Keys grow as cards are put again and again at one place; a stage whose key would pass
//! `LIMIT` gets fresh, evenly spaced keys for all its cards (`board::db::rebalance`).

/// The longest key a move writes without first respacing its stage.
pub const LIMIT: usize = 24;
const DIGITS: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

fn digit(c: u8) -> usize {
    DIGITS.iter().position(|&d| d == c).unwrap_or(0)
}

/// A key strictly between `lo` and `hi` (either may be open: the first or the last place).
/// After the last key, the key steps up by one digit rather than halving the room left, so a
/// column filled by appending (a board, an import) grows a character per ~60 cards, not per six.
pub fn between(lo: Option<&str>, hi: Option<&str>) -> String {
    let lo = lo.unwrap_or("").as_bytes();
    let hi = hi.map(str::as_bytes).filter(|h| *h > lo);
    if hi.is_none() {
        return after(lo);
    }
    let mut open = hi.is_none();
    let mut out = Vec::new();
    for i in 0.. {
        let l = lo.get(i).map_or(0, |&c| digit(c));
        let h = match hi {
            _ if open => 62,
            Some(h) => match h.get(i) {
                Some(&c) => digit(c),
                // `hi` is `lo` plus zeros: nothing fits between; go after `lo`.
                None => 62,
            },
            None => 62,
        };
        if h >= l + 2 {
            out.push(DIGITS[(l + h) / 2]);
            break;
        }
        out.push(DIGITS[l]);
        if h > l {
            open = true;
        }
    }
    String::from_utf8(out).unwrap_or_default()
}

/// The shortest key after `lo`: its first digit that can step up does, the rest is dropped.
fn after(lo: &[u8]) -> String {
    let mut out = Vec::new();
    for i in 0.. {
        let l = lo.get(i).map_or(0, |&c| digit(c));
        if l + 1 < DIGITS.len() {
            out.push(DIGITS[l + 1]);
            break;
        }
        out.push(DIGITS[l]);
    }
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_fall_strictly_between_their_neighbours() {
        let first = between(None, None);
        let after = between(Some(&first), None);
        let before = between(None, Some(&first));
        assert!(before < first && first < after, "{before} {first} {after}");
        let mid = between(Some(&first), Some(&after));
        assert!(first < mid && mid < after);
        assert!(between(Some("00000001V"), Some("00000002V")).as_str() > "00000001V");
    }

    #[test]
    fn a_thousand_inserts_at_the_same_place_stay_ordered_and_short() {
        let (lo, mut hi) = (between(None, None), between(None, None) + "V");
        for _ in 0..1000 {
            let k = between(Some(&lo), Some(&hi));
            assert!(lo < k && k < hi, "{lo} < {k} < {hi}");
            assert!(!k.ends_with('0'));
            hi = k;
        }
        assert!(hi.len() < 400, "{}", hi.len());
        let mut top = between(None, None);
        for _ in 0..1000 {
            let k = between(None, Some(&top));
            assert!(k < top);
            top = k;
        }
    }

    #[test]
    fn appends_grow_a_character_per_sixty_cards() {
        let mut last = between(None, None);
        for _ in 0..10_000 {
            let k = between(Some(&last), None);
            assert!(k > last && !k.ends_with('0'), "{last} {k}");
            last = k;
        }
        assert!(last.len() <= 10_000 / 61 + 1, "{}", last.len());
    }

    #[test]
    fn appending_after_respaced_keys_starts_short() {
        assert_eq!(between(Some("0000000100V"), None), "1");
        assert_eq!(between(Some("zz"), None), "zz1");
    }

    #[test]
    fn prepending_still_halves() {
        let mut top = between(None, None);
        for _ in 0..1000 {
            let k = between(None, Some(&top));
            assert!(k < top);
            top = k;
        }
    }
}
