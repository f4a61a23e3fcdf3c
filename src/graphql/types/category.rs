//! `Category`: a kind of item and how it is priced.

use async_graphql::{ID, Object, SimpleObject};
use entity::category;
use rust_decimal::Decimal;

use super::decimal::DecimalString;
use super::enums::CertificationGql;
use super::pricing::PricingUnitGql;
use crate::domain::Certification;

/// Recoverable material in one unit of a category.
#[derive(SimpleObject)]
pub struct MaterialContent {
    /// Material name, e.g. `copper`.
    pub material: String,
    /// Kilograms per unit (per piece, or per kg for KG categories).
    pub kg_per_unit: DecimalString,
}

/// A kind of item reloop collects.
pub struct Category(pub category::Model);

/// A kind of item reloop collects.
#[Object]
impl Category {
    /// The category id.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// Stable code, e.g. `SMARTPHONE`.
    async fn code(&self) -> &str {
        &self.0.code
    }

    /// Human name.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// Priced per PIECE or per KG.
    async fn pricing_unit(&self) -> PricingUnitGql {
        if self.0.pricing_unit == "KG" {
            PricingUnitGql::Kg
        } else {
            PricingUnitGql::Piece
        }
    }

    /// Hazardous goods need special handling and a certified collector.
    async fn hazardous(&self) -> bool {
        self.0.hazardous
    }

    /// The certification a collector needs to take this category.
    async fn required_certification(&self) -> Option<CertificationGql> {
        self.0
            .required_certification
            .as_deref()
            .and_then(|name| name.parse::<Certification>().ok())
            .map(Into::into)
    }

    /// Typical weight of one piece (or of a typical item for KG categories).
    async fn typical_weight_kg(&self) -> DecimalString {
        DecimalString::from(self.0.typical_weight_kg.0)
    }

    /// Cost of handling one unit, in the service currency.
    async fn handling_cost(&self) -> DecimalString {
        DecimalString::from(self.0.handling_cost.0)
    }

    /// Recovery rates this category's process achieves, where they differ from the
    /// published per-material rates (see `pricingRules`).
    async fn recovery_rates(&self) -> Vec<super::pricing::RecoveryRate> {
        let Some(map) = self.0.recovery_rates.as_object() else {
            return Vec::new();
        };
        map.iter()
            .filter_map(|(material, rate)| {
                let text = rate
                    .as_str()
                    .map_or_else(|| rate.to_string(), str::to_owned);
                Some(super::pricing::RecoveryRate {
                    material: material.clone(),
                    rate: text.parse::<Decimal>().ok()?.into(),
                })
            })
            .collect()
    }

    /// kg CO2e one kg of this category avoids when recycled: a published factor (an
    /// estimate; the README lists each default's source), or null when none is set.
    #[graphql(name = "co2eAvoidedKgPerKg")]
    async fn co2e_avoided_kg_per_kg(&self) -> Option<DecimalString> {
        self.0
            .co2e_avoided_kg_per_kg
            .as_ref()
            .map(|f| DecimalString::from(f.0))
    }

    /// Material composition per unit.
    async fn materials(&self) -> Vec<MaterialContent> {
        let Some(map) = self.0.materials.as_object() else {
            return Vec::new();
        };
        map.iter()
            .filter_map(|(material, kg)| {
                // Numbers may serialise in exponent form (3.4e-5); strings are exact.
                let text = kg.as_str().map_or_else(|| kg.to_string(), str::to_owned);
                let kg = text
                    .parse::<Decimal>()
                    .or_else(|_| Decimal::from_scientific(&text))
                    .ok()?;
                Some(MaterialContent {
                    material: material.clone(),
                    kg_per_unit: kg.into(),
                })
            })
            .collect()
    }
}
