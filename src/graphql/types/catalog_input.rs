//! Operator inputs for the catalog, parsed into service definitions.

use std::collections::BTreeMap;

use async_graphql::{InputObject, MaybeUndefined};
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

use super::decimal::DecimalString;
use super::enums::CertificationGql;
use super::pricing::PricingUnitGql;
use crate::error::AppError;
use crate::services::catalog::categories::CategoryDefinition;
use crate::services::catalog::device_models::ModelDefinition;

/// Kilograms of one material per unit.
#[derive(InputObject)]
pub struct MaterialContentInput {
    /// Material name, lower case, e.g. `copper`.
    pub material: String,
    /// Kg per unit, ≥ 0.
    pub kg_per_unit: DecimalString,
}

/// A category definition.
#[derive(InputObject)]
pub struct CategoryInput {
    /// Upper-case code, e.g. `E_BIKE_BATTERY`; an existing code is updated.
    pub code: String,
    /// Human name.
    pub name: String,
    /// PIECE or KG.
    pub pricing_unit: PricingUnitGql,
    /// Needs special handling.
    pub hazardous: bool,
    /// Licence a collector needs.
    pub required_certification: Option<CertificationGql>,
    /// Typical weight of one unit, kg (> 0).
    pub typical_weight_kg: DecimalString,
    /// Handling cost per unit (≥ 0).
    pub handling_cost: DecimalString,
    /// Material composition per unit.
    pub materials: Vec<MaterialContentInput>,
    /// Recovery rates this category's process achieves (0 to 1), overriding the
    /// published per-material rates.
    #[graphql(default)]
    pub recovery_rates: Vec<MaterialRateInput>,
    /// kg CO2e one kg of this category avoids when recycled (0 to 100), from a published
    /// factor (see the README's sources): the reports' `co2eAvoidedKg` estimate. Omitted
    /// keeps the current factor; null removes it.
    #[graphql(name = "co2eAvoidedKgPerKg")]
    pub co2e_avoided_kg_per_kg: MaybeUndefined<DecimalString>,
}

/// The share of a material a process recovers.
#[derive(InputObject)]
pub struct MaterialRateInput {
    /// Material name, lower case.
    pub material: String,
    /// 0 to 1.
    pub rate: DecimalString,
}

impl CategoryInput {
    /// Checks the fields.
    pub fn parse(self) -> Result<CategoryDefinition, AppError> {
        let code = self.code.trim().to_uppercase();
        if code.is_empty()
            || code.len() > 40
            || !code
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
        {
            return Err(AppError::validation(
                "input.code",
                "must be 1 to 40 capital letters, digits or underscores",
            ));
        }
        let name = non_empty(&self.name, "input.name")?;
        if self.typical_weight_kg.0 <= Decimal::ZERO {
            return Err(AppError::validation(
                "input.typicalWeightKg",
                "must be greater than 0",
            ));
        }
        if self.handling_cost.0 < Decimal::ZERO {
            return Err(AppError::validation(
                "input.handlingCost",
                "must not be negative",
            ));
        }
        let mut materials = BTreeMap::new();
        for (i, content) in self.materials.into_iter().enumerate() {
            let material = content.material.trim().to_lowercase();
            if material.is_empty() || content.kg_per_unit.0 < Decimal::ZERO {
                return Err(AppError::validation(
                    format!("input.materials[{i}]"),
                    "needs a name and kg ≥ 0",
                ));
            }
            materials.insert(material, content.kg_per_unit.0);
        }
        let mut recovery_rates = BTreeMap::new();
        for (i, entry) in self.recovery_rates.into_iter().enumerate() {
            let material = entry.material.trim().to_lowercase();
            if material.is_empty() || entry.rate.0 < Decimal::ZERO || entry.rate.0 > Decimal::ONE {
                return Err(AppError::validation(
                    format!("input.recoveryRates[{i}]"),
                    "needs a name and a rate from 0 to 1",
                ));
            }
            recovery_rates.insert(material, entry.rate.0);
        }
        let co2e_avoided_kg_per_kg = match self.co2e_avoided_kg_per_kg {
            MaybeUndefined::Undefined => None,
            MaybeUndefined::Null => Some(None),
            MaybeUndefined::Value(factor)
                if factor.0 < Decimal::ZERO || factor.0 > Decimal::ONE_HUNDRED =>
            {
                return Err(AppError::validation(
                    "input.co2eAvoidedKgPerKg",
                    "must be from 0 to 100 kg CO2e per kg",
                ));
            }
            MaybeUndefined::Value(factor) => Some(Some(factor.0.normalize())),
        };
        Ok(CategoryDefinition {
            code,
            name,
            pricing_unit: self.pricing_unit.into(),
            hazardous: self.hazardous,
            required_certification: self.required_certification.map(Into::into),
            typical_weight_kg: self.typical_weight_kg.0.normalize(),
            handling_cost: money(self.handling_cost.0),
            materials,
            recovery_rates,
            co2e_avoided_kg_per_kg,
        })
    }
}

/// A device model definition.
#[derive(InputObject)]
pub struct DeviceModelInput {
    /// Manufacturer.
    pub brand: String,
    /// Model name.
    pub model: String,
    /// Category code; must exist.
    pub category_code: String,
    /// Launch year, 1990 to next year.
    pub release_year: i32,
    /// Second-hand value of a like-new unit (≥ 0).
    pub resale_value: DecimalString,
}

impl DeviceModelInput {
    /// Checks the fields; `current_year` bounds the release year.
    pub fn parse(self, current_year: i32) -> Result<ModelDefinition, AppError> {
        if !(1990..=current_year + 1).contains(&self.release_year) {
            return Err(AppError::validation(
                "input.releaseYear",
                format!("must be between 1990 and {}", current_year + 1),
            ));
        }
        if self.resale_value.0 < Decimal::ZERO || self.resale_value.0 > Decimal::new(1_000_000, 0) {
            return Err(AppError::validation(
                "input.resaleValue",
                "must be between 0 and 1000000",
            ));
        }
        Ok(ModelDefinition {
            brand: non_empty(&self.brand, "input.brand")?,
            model: non_empty(&self.model, "input.model")?,
            category_code: self.category_code.trim().to_uppercase(),
            release_year: self.release_year,
            resale_value: money(self.resale_value.0),
        })
    }
}

/// A new price point for a material.
#[derive(InputObject)]
pub struct MaterialPriceInput {
    /// Material name, lower case.
    pub material: String,
    /// Price per kg (≥ 0).
    pub price_per_kg: DecimalString,
    /// From when it applies; now when absent.
    pub effective_from: Option<DateTime<Utc>>,
}

/// An amount of money with exactly two decimals (half-even rounding).
pub fn money(amount: Decimal) -> Decimal {
    let mut rounded =
        amount.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointNearestEven);
    rounded.rescale(2);
    rounded
}

fn non_empty(raw: &str, field: &str) -> Result<String, AppError> {
    let value = raw.trim();
    if value.is_empty() || value.len() > 120 || value.contains(',') {
        return Err(AppError::validation(
            field,
            "must be 1 to 120 characters without commas",
        ));
    }
    Ok(value.to_owned())
}
