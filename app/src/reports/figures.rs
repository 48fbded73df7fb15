//! The arithmetic the reports share, on integers so that SQL's totals and a test's own count give
//! the same figure: shares in basis points, days in tenths, weighted amounts, growth.

/// `part` of `whole` in hundredths of a per cent, rounded half up; none of nothing.
pub fn share(part: i64, whole: i64) -> Option<i64> {
    (whole > 0)
        .then(|| (part as i128 * 20_000 + whole as i128).div_euclid(2 * whole as i128) as i64)
}

/// The mean of `seconds` over `n` in tenths of a day, rounded half up; none when `n` is 0.
pub fn tenths_of_days(seconds: i64, n: i64) -> Option<i64> {
    (n > 0).then(|| {
        let d = 2 * n as i128 * 8_640;
        (seconds as i128 * 2 + n as i128 * 8_640).div_euclid(d) as i64
    })
}

/// `sum(value × probability)` in minor units × per cent, as minor units, rounded half up.
pub fn weighted(value_times_percent: i128) -> i64 {
    (value_times_percent + 50).div_euclid(100) as i64
}

/// A mean in minor units, rounded half up; none of no deals.
pub fn mean(sum: i64, n: i64) -> Option<i64> {
    (n > 0).then(|| (sum as i128 * 2 + n as i128).div_euclid(2 * n as i128) as i64)
}

/// The change from `before` to `now` in basis points; none when there was nothing before.
pub fn growth(now: i64, before: i64) -> Option<i64> {
    (before > 0).then(|| {
        let diff = (now - before) as i128 * 20_000;
        ((diff + before as i128).div_euclid(2 * before as i128)) as i64
    })
}

/// Pipeline velocity: what the open deals are worth per day, in minor units: open deals × win
/// rate (basis points) × average won deal (minor units) ÷ days to win (tenths), from the rounded
/// figures a report shows beside it, so that a reader can check it.
pub fn velocity(open: i64, rate: i64, size: i64, days_tenths: i64) -> Option<i64> {
    (days_tenths > 0).then(|| {
        let num = open as i128 * rate as i128 * size as i128;
        let den = 1_000 * days_tenths as i128;
        ((num * 2 + den).div_euclid(2 * den)) as i64
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_round_half_up_and_refuse_to_divide_by_nothing() {
        assert_eq!(share(1, 3), Some(3333));
        assert_eq!(share(2, 3), Some(6667));
        assert_eq!(share(5, 0), None);
        assert_eq!(tenths_of_days(86_400 * 3, 2), Some(15));
        assert_eq!(tenths_of_days(4_320, 1), Some(1)); // 0.05 days rounds up to a tenth
        assert_eq!(tenths_of_days(1, 0), None);
        assert_eq!(weighted(12_345 * 50), 6_173);
        assert_eq!(mean(10, 4), Some(3));
        assert_eq!(growth(150, 100), Some(5_000));
        assert_eq!(growth(50, 100), Some(-5_000));
        assert_eq!(growth(5, 0), None);
        // 10 open × 50 % × 1,000 ÷ 10.0 days = 500 a day.
        assert_eq!(velocity(10, 5_000, 1_000, 100), Some(500));
        assert_eq!(velocity(10, 5_000, 1_000, 0), None);
    }
}
