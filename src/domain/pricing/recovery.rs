//! The MATERIAL_RECOVERY candidate: recovered materials at current prices, minus
//! handling.

use rust_decimal::Decimal;

use super::breakdown::{Candidate, Exact, percent, show};
use super::{PriceTable, PricingError, PricingItem, PricingMethod, PricingUnit, checked};

/// The per-unit MATERIAL_RECOVERY candidate. Always available, possibly negative.
pub(super) fn candidate(item: &PricingItem, table: &PriceTable) -> Result<Candidate, PricingError> {
    let category = &item.category;
    let unit_weight = item.weight_kg.unwrap_or(category.typical_weight_kg);
    // Batteries are priced by their own chemistry and weight, whatever the category says;
    // KG categories publish materials and handling per kg of item.
    let (per_kg_of, scale) = match &item.battery {
        Some(battery) => {
            let composition = table
                .rules
                .battery
                .compositions
                .get(&battery.chemistry)
                .ok_or_else(|| {
                    PricingError::Invalid(format!(
                        "no composition published for {}",
                        battery.chemistry.as_str()
                    ))
                })?;
            (composition, battery.weight_kg)
        }
        None if category.pricing_unit == PricingUnit::Kg => (&category.materials, unit_weight),
        None => (&category.materials, Decimal::ONE),
    };

    let mut components = Vec::with_capacity(per_kg_of.len() + 1);
    for (material, share) in per_kg_of {
        let kg = checked::mul(*share, scale)?;
        if kg <= Decimal::ZERO {
            continue;
        }
        let name = capitalise(material);
        components.push(match table.material_prices.get(material) {
            Some(price) => {
                let rate = category
                    .recovery_rates
                    .get(material)
                    .copied()
                    .unwrap_or_else(|| table.rules.recovery_rate(material));
                let amount = checked::mul(checked::mul(kg, *price)?, rate)?;
                let label = format!("{name} {} kg × {price}/kg × {}", show(kg), percent(rate));
                Exact::new(label, amount)
            }
            // Shown rather than skipped, so the customer sees what was not paid for.
            None => Exact::new(
                format!("{name} {} kg (no current price)", show(kg)),
                Decimal::ZERO,
            ),
        });
    }
    let handling = checked::mul(category.handling_cost, scale)?;
    components.push(Exact::new("Handling", -handling));
    Ok(Candidate {
        method: PricingMethod::MaterialRecovery,
        components,
    })
}

/// "copper" → "Copper".
fn capitalise(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
