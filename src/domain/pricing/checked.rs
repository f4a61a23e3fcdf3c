//! Checked decimal arithmetic that turns overflow into [`PricingError::Overflow`].
//!
//! `Decimal`'s operators panic on overflow; pricing must never panic, whatever the
//! input, so every calculation in this module tree goes through these helpers.

use rust_decimal::Decimal;

use super::PricingError;

/// `a × b`, or `Overflow`.
pub(super) fn mul(a: Decimal, b: Decimal) -> Result<Decimal, PricingError> {
    a.checked_mul(b).ok_or(PricingError::Overflow)
}

/// `a + b`, or `Overflow`.
pub(super) fn add(a: Decimal, b: Decimal) -> Result<Decimal, PricingError> {
    a.checked_add(b).ok_or(PricingError::Overflow)
}

/// `a − b`, or `Overflow`.
pub(super) fn sub(a: Decimal, b: Decimal) -> Result<Decimal, PricingError> {
    a.checked_sub(b).ok_or(PricingError::Overflow)
}

/// The sum of `values`, or `Overflow`.
pub(super) fn sum(values: impl IntoIterator<Item = Decimal>) -> Result<Decimal, PricingError> {
    values.into_iter().try_fold(Decimal::ZERO, add)
}

/// `base^exp` by squaring, so a silly age (billions of years) costs ~32 steps, not a
/// loop of billions; each step is checked.
pub(super) fn pow(base: Decimal, mut exp: u64) -> Result<Decimal, PricingError> {
    let mut result = Decimal::ONE;
    let mut square = base;
    while exp > 0 {
        if exp & 1 == 1 {
            result = mul(result, square)?;
        }
        exp >>= 1;
        if exp > 0 {
            square = mul(square, square)?;
        }
    }
    Ok(result)
}
