//! The REUSE candidate: a device's resale value, or a battery pack's second life.

use rust_decimal::Decimal;

use super::breakdown::{Candidate, Exact, show};
use super::{
    Assessment, BatteryFacts, BatteryRules, Condition, ModelFacts, PricingContext, PricingError,
    PricingItem, PricingMethod, PricingRules, checked,
};

/// The per-unit REUSE candidate, if the item can be reused at all: a model (or a
/// battery healthy enough for a second life) whose grade is above 0 and whose value is
/// above 0. A reuse worth nothing is no reuse; the item still has to be recycled.
pub(super) fn candidate(
    item: &PricingItem,
    rules: &PricingRules,
    ctx: &PricingContext,
) -> Result<Option<Candidate>, PricingError> {
    let assessment = item
        .assessment
        .clone()
        .unwrap_or(Assessment::Condition(Condition::Good));
    let grade = rules.grade(&assessment);
    if grade.is_zero() {
        return Ok(None);
    }
    let candidate = match (&item.battery, &item.model) {
        // A pack's health, not its casing, decides whether it can store energy again.
        (Some(battery), _) => second_life(battery, &rules.battery)?,
        (None, Some(model)) => Some(device(model, &assessment, grade, rules, ctx)?),
        (None, None) => None,
    };
    match candidate {
        Some(c) if c.total()? > Decimal::ZERO => Ok(Some(c)),
        _ => Ok(None),
    }
}

/// resale value × depreciation × grade, explained step by step. Each step is the
/// difference from the previous value, so the components telescope to the value.
fn device(
    model: &ModelFacts,
    assessment: &Assessment,
    grade: Decimal,
    rules: &PricingRules,
    ctx: &PricingContext,
) -> Result<Candidate, PricingError> {
    let age = (i64::from(ctx.as_of_year) - i64::from(model.release_year)).max(0);
    let keep_per_year = checked::sub(Decimal::ONE, rules.depreciation_per_year)?;
    let factor = checked::pow(keep_per_year, age.unsigned_abs())?.max(rules.depreciation_floor);
    let resale = model.resale_value;
    let after_age = checked::mul(resale, factor)?;
    let value = checked::mul(after_age, grade)?;

    let years = if age == 1 { "year" } else { "years" };
    let mut components = vec![
        Exact::new(
            format!("Resale value ({} {})", model.brand, model.model),
            resale,
        ),
        Exact::new(
            format!("Age depreciation ({age} {years})"),
            checked::sub(after_age, resale)?,
        ),
    ];
    match assessment {
        Assessment::Condition(c) => components.push(Exact::new(
            format!("Condition {}", c.as_str()),
            checked::sub(value, after_age)?,
        )),
        Assessment::Answers(answers) => {
            // grade > 0 here, so Σ deductions < 1 and each share of the loss is exactly
            // after_age × its deduction; the last takes the remainder so they sum exactly.
            let deductions = rules.applicable_deductions(answers);
            let mut remaining = checked::sub(value, after_age)?;
            for (i, (label, deduction)) in deductions.iter().enumerate() {
                let share = if i + 1 == deductions.len() {
                    remaining
                } else {
                    let share = checked::mul(after_age, *deduction)?;
                    -share
                };
                remaining = checked::sub(remaining, share)?;
                components.push(Exact::new(format!("Deduction: {label}"), share));
            }
        }
    }
    Ok(Candidate {
        method: PricingMethod::Reuse,
        components,
    })
}

/// weight × second-life value per kg × state of health, when health is known and at
/// least the published minimum.
fn second_life(
    battery: &BatteryFacts,
    rules: &BatteryRules,
) -> Result<Option<Candidate>, PricingError> {
    let Some(soh) = battery.state_of_health_pct else {
        return Ok(None);
    };
    let per_kg = rules
        .second_life_value_per_kg
        .get(&battery.chemistry)
        .copied()
        .unwrap_or(Decimal::ZERO);
    if soh < rules.second_life_min_soh || per_kg <= Decimal::ZERO {
        return Ok(None);
    }
    let full = checked::mul(battery.weight_kg, per_kg)?;
    let value = checked::mul(full, Decimal::new(i64::from(soh), 2))?;
    let components = vec![
        Exact::new(
            format!(
                "Second-life value ({}, {} kg × {}/kg)",
                battery.chemistry.as_str(),
                show(battery.weight_kg),
                per_kg
            ),
            full,
        ),
        Exact::new(
            format!("State of health {soh}%"),
            checked::sub(value, full)?,
        ),
    ];
    Ok(Some(Candidate {
        method: PricingMethod::Reuse,
        components,
    }))
}
