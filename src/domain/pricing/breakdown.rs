//! Price components and the one rounding rule that turns exact amounts into money.
//!
//! Components are computed exactly (as far as 28 significant digits allow) and only
//! rounded here, once: the amount is the exact sum rounded to cents with banker's
//! rounding, each shown component is rounded the same way, and a final
//! "Rounding adjustment" carries any difference, so a breakdown always adds up to its
//! amount to the cent. The cent sums are done in `i128`, which cannot lose digits the
//! way a near-limit `Decimal` addition can.

use rust_decimal::{Decimal, RoundingStrategy};

use super::{PriceComponent, PricingError, PricingMethod, checked};

/// Label of the component that reconciles rounded components with the rounded amount.
pub(super) const ROUNDING_ADJUSTMENT: &str = "Rounding adjustment";

/// One component before rounding.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Exact {
    pub label: String,
    pub amount: Decimal,
}

impl Exact {
    pub fn new(label: impl Into<String>, amount: Decimal) -> Self {
        Self {
            label: label.into(),
            amount,
        }
    }
}

/// A way of pricing one unit, with the components that explain it.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Candidate {
    pub method: PricingMethod,
    pub components: Vec<Exact>,
}

impl Candidate {
    /// The exact value of one unit.
    pub fn total(&self) -> Result<Decimal, PricingError> {
        checked::sum(self.components.iter().map(|c| c.amount))
    }
}

/// Multiplies every per-unit component by `quantity` (labels say "× N" when N > 1) and
/// settles the result; returns the rounded amount and its breakdown.
pub(super) fn settle_units(
    components: &[Exact],
    quantity: u32,
) -> Result<(Decimal, Vec<PriceComponent>), PricingError> {
    let factor = Decimal::from(quantity);
    let scaled = components
        .iter()
        .map(|c| {
            let label = if quantity > 1 {
                format!("{} × {quantity}", c.label)
            } else {
                c.label.clone()
            };
            Ok(Exact::new(label, checked::mul(c.amount, factor)?))
        })
        .collect::<Result<Vec<_>, PricingError>>()?;
    settle(&scaled)
}

/// Applies the rounding rule: returns the rounded amount and a breakdown that sums to it
/// exactly.
pub(super) fn settle(components: &[Exact]) -> Result<(Decimal, Vec<PriceComponent>), PricingError> {
    let exact_total = checked::sum(components.iter().map(|c| c.amount))?;
    let amount = to_cents(exact_total);
    let mut shown = Vec::with_capacity(components.len() + 1);
    let mut shown_sum: i128 = 0;
    for c in components {
        let cents = to_cents(c.amount);
        shown_sum = shown_sum.checked_add(cents).ok_or(PricingError::Overflow)?;
        shown.push(PriceComponent {
            label: c.label.clone(),
            amount: from_cents(cents)?,
        });
    }
    let adjustment = amount
        .checked_sub(shown_sum)
        .ok_or(PricingError::Overflow)?;
    if adjustment != 0 {
        shown.push(PriceComponent {
            label: ROUNDING_ADJUSTMENT.to_owned(),
            amount: from_cents(adjustment)?,
        });
    }
    Ok((from_cents(amount)?, shown))
}

/// Banker's rounding to whole cents, as an integer count of cents.
pub(super) fn to_cents(value: Decimal) -> i128 {
    let rounded = value.round_dp_with_strategy(2, RoundingStrategy::MidpointNearestEven);
    // After rounding the scale is at most 2 and the mantissa below 2^96, so this
    // multiplication by at most 100 cannot overflow an i128.
    rounded.mantissa() * 10_i128.pow(2 - rounded.scale().min(2))
}

/// Cents back to money with exactly two decimal places, or `Overflow` when that does not
/// fit a `Decimal`.
pub(super) fn from_cents(cents: i128) -> Result<Decimal, PricingError> {
    Decimal::try_from_i128_with_scale(cents, 2).map_err(|_| PricingError::Overflow)
}

/// A decimal for a label: no trailing zeros ("0.5 kg", not "0.500 kg").
pub(super) fn show(value: Decimal) -> String {
    value.normalize().to_string()
}

/// A rate as a percentage for a label ("95%").
pub(super) fn percent(rate: Decimal) -> String {
    match rate.checked_mul(Decimal::ONE_HUNDRED) {
        Some(p) => format!("{}%", show(p)),
        None => format!("{} × 100%", show(rate)),
    }
}
