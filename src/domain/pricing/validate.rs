//! Preconditions pricing checks itself, as defence in depth behind the service layer.
//!
//! The service rejects bad user input with field names first; these checks keep a
//! table or item that slipped past (a bad import, a new caller) from producing a
//! nonsensical price such as a negative resale value.

use rust_decimal::Decimal;

use super::{
    Assessment, Condition, PriceTable, PricingError, PricingItem, PricingRules, PricingUnit,
};

/// Checks the item's own facts.
pub(super) fn item(item: &PricingItem) -> Result<(), PricingError> {
    if item.quantity == 0 {
        return invalid("quantity must be at least 1");
    }
    let category = &item.category;
    non_negative(category.typical_weight_kg, "category typical weight")?;
    non_negative(category.handling_cost, "category handling cost")?;
    for (material, kg) in &category.materials {
        non_negative(*kg, &format!("category material {material}"))?;
    }
    if let Some(weight) = item.weight_kg {
        non_negative(weight, "weight")?;
    }
    if category.pricing_unit == PricingUnit::Kg && item.weight_kg.is_none() {
        return invalid(&format!(
            "{} is priced by weight: weight is required",
            category.name
        ));
    }
    if let Some(model) = &item.model {
        non_negative(model.resale_value, "resale value")?;
    }
    if let Some(Assessment::Answers(a)) = &item.assessment {
        percent(a.battery_health_pct, "battery health")?;
    }
    if let Some(battery) = &item.battery {
        non_negative(battery.weight_kg, "battery weight")?;
        percent(battery.state_of_health_pct, "state of health")?;
        match item.weight_kg {
            None => return invalid("a battery needs its weight"),
            Some(w) if w != battery.weight_kg => {
                return invalid("weight must equal the battery's weight");
            }
            Some(_) => {}
        }
    }
    Ok(())
}

/// Checks material prices and rules.
pub(super) fn table(table: &PriceTable) -> Result<(), PricingError> {
    for (material, price) in &table.material_prices {
        non_negative(*price, &format!("price of {material}"))?;
    }
    rules(&table.rules)
}

fn rules(r: &PricingRules) -> Result<(), PricingError> {
    for condition in Condition::ALL {
        match r.condition_grades.get(&condition) {
            Some(g) => share(*g, &format!("grade of {}", condition.as_str()))?,
            None => return invalid(&format!("no grade published for {}", condition.as_str())),
        }
    }
    let d = &r.deductions;
    for (value, what) in [
        (d.powers_off, "deduction powers_off"),
        (d.screen_cracked, "deduction screen_cracked"),
        (d.body_minor, "deduction body_minor"),
        (d.body_major, "deduction body_major"),
        (d.battery_below_80, "deduction battery_below_80"),
        (d.accessories_missing, "deduction accessories_missing"),
    ] {
        share(value, what)?;
    }
    share(r.depreciation_per_year, "depreciation per year")?;
    share(r.depreciation_floor, "depreciation floor")?;
    for (material, rate) in &r.recovery_rates {
        share(*rate, &format!("recovery rate of {material}"))?;
    }
    for (chemistry, composition) in &r.battery.compositions {
        for (material, kg) in composition {
            non_negative(*kg, &format!("{} material {material}", chemistry.as_str()))?;
        }
    }
    for (chemistry, value) in &r.battery.second_life_value_per_kg {
        non_negative(*value, &format!("{} second-life value", chemistry.as_str()))?;
    }
    percent(
        Some(r.battery.second_life_min_soh),
        "second-life minimum health",
    )?;
    let l = &r.logistics;
    non_negative(l.base_fee, "logistics base fee")?;
    non_negative(l.per_kg, "logistics fee per kg")?;
    non_negative(l.per_km_outside_area, "logistics fee per km")
}

/// Rejects a negative amount.
pub(super) fn non_negative(value: Decimal, what: &str) -> Result<(), PricingError> {
    if value.is_sign_negative() && !value.is_zero() {
        return invalid(&format!("{what} must not be negative"));
    }
    Ok(())
}

/// Rejects a share outside 0..=1.
fn share(value: Decimal, what: &str) -> Result<(), PricingError> {
    non_negative(value, what)?;
    if value > Decimal::ONE {
        return invalid(&format!("{what} must be at most 1"));
    }
    Ok(())
}

/// Rejects a percentage above 100.
fn percent(value: Option<u8>, what: &str) -> Result<(), PricingError> {
    match value {
        Some(p) if p > 100 => invalid(&format!("{what} must be at most 100%")),
        _ => Ok(()),
    }
}

fn invalid(message: &str) -> Result<(), PricingError> {
    Err(PricingError::Invalid(message.to_owned()))
}
