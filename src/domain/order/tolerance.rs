//! Whether an inspected price is close enough to the quote to need no customer consent.

use rust_decimal::Decimal;

/// True when `actual` differs from `quoted` by at most `tolerance` (a share, e.g. 0.05)
/// of the quoted amount's size. A zero quote tolerates no difference at all.
pub fn within_tolerance(quoted: Decimal, actual: Decimal, tolerance: Decimal) -> bool {
    let difference = (actual - quoted).abs();
    let allowed = quoted.abs().checked_mul(tolerance).unwrap_or(Decimal::MAX);
    difference <= allowed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_percent_either_way_is_within() {
        let five = Decimal::new(5, 2);
        assert!(within_tolerance(
            Decimal::new(100, 0),
            Decimal::new(95, 0),
            five
        ));
        assert!(within_tolerance(
            Decimal::new(100, 0),
            Decimal::new(105, 0),
            five
        ));
        assert!(!within_tolerance(
            Decimal::new(100, 0),
            Decimal::new(9499, 2),
            five
        ));
        assert!(!within_tolerance(
            Decimal::new(-100, 0),
            Decimal::new(-106, 0),
            five
        ));
        assert!(within_tolerance(Decimal::ZERO, Decimal::ZERO, five));
        assert!(!within_tolerance(Decimal::ZERO, Decimal::new(1, 2), five));
    }
}
