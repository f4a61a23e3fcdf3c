//! The pickup fee: a base fee, a charge per kg collected and one per km outside the
//! service area.

use rust_decimal::Decimal;

use super::breakdown::{self, Exact, show};
use super::{LogisticsRules, PriceComponent, PricingContext, PricingError, checked, validate};

/// The fee for collecting `total_weight_kg`, rounded by the same rule as lines, with a
/// breakdown that sums exactly to it.
pub(super) fn fee(
    rules: &LogisticsRules,
    total_weight_kg: Decimal,
    ctx: &PricingContext,
) -> Result<(Decimal, Vec<PriceComponent>), PricingError> {
    let mut components = vec![
        Exact::new("Base fee", rules.base_fee),
        Exact::new(
            format!("Weight {} kg × {}/kg", show(total_weight_kg), rules.per_kg),
            checked::mul(total_weight_kg, rules.per_kg)?,
        ),
    ];
    if let Some(km) = ctx.distance_outside_area_km {
        validate::non_negative(km, "distance outside area")?;
        components.push(Exact::new(
            format!(
                "Distance outside area {} km × {}/km",
                show(km),
                rules.per_km_outside_area
            ),
            checked::mul(km, rules.per_km_outside_area)?,
        ));
    }
    breakdown::settle(&components)
}
