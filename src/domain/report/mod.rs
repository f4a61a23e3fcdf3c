//! Collection reports: the dimensions, the request's rules, and the arithmetic of the
//! rollups (amounts in exact micro-units) — no database here.
//!
//! A rollup bucket is day × area × category × collector × facility × organisation ×
//! partner. Every figure of a custody item is attributed to the day its pickup
//! completed; receipt moves the item to its facility's bucket and processing replaces
//! its estimated materials with the measured ones, so a month's report fills in as
//! its items reach plants.

pub mod contribution;
pub mod deltas;
#[cfg(test)]
mod proptests;
pub mod request;
pub mod span;

pub use contribution::{
    Bucket, Contribution, ItemFacts, LineFacts, Measures, OrderFacts, contributions,
    estimate_materials,
};
pub use deltas::Delta;
pub use request::{Dimension, InvalidReport, ReportRequest};
pub use span::{Days, Span, month_of};

use rust_decimal::Decimal;

/// Micro-units per unit: amounts are stored as integers of 1e-6 kg or currency unit.
pub const MICRO_SCALE: u32 = 6;

/// `value` in micro-units, rounded half to even past the sixth decimal (only estimates
/// have more: weights and money carry at most three and two). Saturates far beyond any
/// real amount (9.2 × 10^12 units).
pub fn to_micro(value: Decimal) -> i64 {
    let scaled = (value * Decimal::from(1_000_000)).round();
    i64::try_from(scaled).unwrap_or(if value.is_sign_negative() {
        i64::MIN
    } else {
        i64::MAX
    })
}

/// Micro-units back to a decimal without trailing zeros, e.g. `12_500_000` → `12.5`.
pub fn kg_from_micro(value: i64) -> Decimal {
    Decimal::new(value, MICRO_SCALE).normalize()
}

/// Micro-units back to money with at least two decimals, e.g. `12_500_000` → `12.50`.
pub fn money_from_micro(value: i64) -> Decimal {
    let mut amount = Decimal::new(value, MICRO_SCALE).normalize();
    if amount.scale() < 2 {
        amount.rescale(2);
    }
    amount
}
