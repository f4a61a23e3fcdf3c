//! Categories: listed by everyone, created and changed by operators.

use std::collections::BTreeMap;

use entity::{DbDecimal, category};
use rust_decimal::Decimal;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use serde_json::json;
use uuid::Uuid;

use super::{announce_change, audit};
use crate::domain::Certification;
use crate::domain::pricing::{CategoryFacts, PricingUnit};
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// Every category, ordered by code (from the catalog snapshot).
pub async fn list_categories(state: &AppState) -> AppResult<Vec<category::Model>> {
    Ok(state.catalog.snapshot(&state.db).await?.categories.clone())
}

/// A validated category definition from an operator.
#[derive(Clone, Debug)]
pub struct CategoryDefinition {
    /// SCREAMING_SNAKE code, e.g. `E_BIKE_BATTERY`.
    pub code: String,
    /// Human name.
    pub name: String,
    /// PIECE or KG.
    pub pricing_unit: PricingUnit,
    /// Needs special handling.
    pub hazardous: bool,
    /// Licence a collector needs.
    pub required_certification: Option<Certification>,
    /// Typical weight of one unit.
    pub typical_weight_kg: Decimal,
    /// Handling cost per unit.
    pub handling_cost: Decimal,
    /// Material → kg per unit.
    pub materials: BTreeMap<String, Decimal>,
    /// Material → recovery rate overriding the published one.
    pub recovery_rates: BTreeMap<String, Decimal>,
    /// kg CO2e avoided per kg: `None` keeps the current factor, `Some(None)` removes it.
    pub co2e_avoided_kg_per_kg: Option<Option<Decimal>>,
}

/// Creates the category or replaces the definition of the one with the same code.
#[tracing::instrument(skip_all, fields(code = %definition.code))]
pub async fn upsert_category(
    state: &AppState,
    actor: Uuid,
    definition: CategoryDefinition,
) -> AppResult<category::Model> {
    let now = state.clock.now();
    let unit = match definition.pricing_unit {
        PricingUnit::Piece => "PIECE",
        PricingUnit::Kg => "KG",
    };
    let materials: serde_json::Map<String, serde_json::Value> = definition
        .materials
        .iter()
        .map(|(material, kg)| (material.clone(), json!(kg.to_string())))
        .collect();
    let txn = state.begin_write().await?;
    let existing = category::Entity::find()
        .filter(category::Column::Code.eq(definition.code.as_str()))
        .one(&txn)
        .await?;
    let mut row: category::ActiveModel = match &existing {
        Some(found) => found.clone().into(),
        None => category::ActiveModel {
            id: Set(Uuid::new_v4()),
            code: Set(definition.code.clone()),
            created_at: Set(now),
            ..Default::default()
        },
    };
    row.name = Set(definition.name.clone());
    row.pricing_unit = Set(unit.to_owned());
    row.hazardous = Set(definition.hazardous);
    row.required_certification = Set(definition
        .required_certification
        .map(|c| c.as_str().to_owned()));
    row.typical_weight_kg = Set(DbDecimal(definition.typical_weight_kg));
    row.handling_cost = Set(DbDecimal(definition.handling_cost));
    row.materials = Set(serde_json::Value::Object(materials.clone()));
    let rates: serde_json::Map<String, serde_json::Value> = definition
        .recovery_rates
        .iter()
        .map(|(material, rate)| (material.clone(), json!(rate.to_string())))
        .collect();
    row.recovery_rates = Set(serde_json::Value::Object(rates));
    if let Some(factor) = definition.co2e_avoided_kg_per_kg {
        row.co2e_avoided_kg_per_kg = Set(factor.map(DbDecimal));
    }
    row.updated_at = Set(now);
    let saved = if existing.is_some() {
        row.update(&txn).await?
    } else {
        row.insert(&txn).await?
    };
    let details = json!({
        "name": definition.name, "pricingUnit": unit, "hazardous": definition.hazardous,
        "requiredCertification": definition.required_certification.map(|c| c.as_str()),
        "typicalWeightKg": definition.typical_weight_kg.to_string(),
        "handlingCost": definition.handling_cost.to_string(), "materials": materials,
        "co2eAvoidedKgPerKg": saved.co2e_avoided_kg_per_kg.as_ref().map(|f| f.0.to_string()),
        "previous": existing.map(|e| json!({"name": e.name, "handlingCost": e.handling_cost.0.to_string(), "materials": e.materials,
            "co2eAvoidedKgPerKg": e.co2e_avoided_kg_per_kg.map(|f| f.0.to_string())})),
    });
    audit::record(
        &txn,
        actor,
        "category.upsert",
        "category",
        &saved.code,
        details,
        now,
    )
    .await?;
    txn.commit().await?;
    announce_change(state).await;
    Ok(saved)
}

/// The category with `code`, or a VALIDATION error on `field`.
pub async fn require_category(
    conn: &impl ConnectionTrait,
    code: &str,
    field: &str,
) -> AppResult<category::Model> {
    category::Entity::find()
        .filter(category::Column::Code.eq(code))
        .one(conn)
        .await?
        .ok_or_else(|| AppError::validation(field, format!("unknown category {code:?}")))
}

/// Whether items of `category` are batteries (priced from chemistry and weight).
pub fn is_battery_category(category: &category::Model) -> bool {
    category.required_certification.as_deref() == Some(Certification::HazardousBattery.as_str())
}

/// The pricing facts of a stored category. Material amounts may be stored as strings
/// (exact) or numbers (possibly in exponent form).
pub fn category_facts(category: &category::Model) -> AppResult<CategoryFacts> {
    let pricing_unit = match category.pricing_unit.as_str() {
        "KG" => PricingUnit::Kg,
        _ => PricingUnit::Piece,
    };
    let mut materials = BTreeMap::new();
    if let Some(map) = category.materials.as_object() {
        for (material, kg) in map {
            materials.insert(material.clone(), json_decimal(kg)?);
        }
    }
    let mut recovery_rates = BTreeMap::new();
    if let Some(map) = category.recovery_rates.as_object() {
        for (material, rate) in map {
            recovery_rates.insert(material.clone(), json_decimal(rate)?);
        }
    }
    Ok(CategoryFacts {
        code: category.code.clone(),
        name: category.name.clone(),
        pricing_unit,
        typical_weight_kg: category.typical_weight_kg.0,
        handling_cost: category.handling_cost.0,
        materials,
        recovery_rates,
    })
}

/// A decimal from a JSON string or number.
pub fn json_decimal(value: &serde_json::Value) -> AppResult<Decimal> {
    let text = value
        .as_str()
        .map_or_else(|| value.to_string(), str::to_owned);
    text.parse::<Decimal>()
        .or_else(|_| Decimal::from_scientific(&text))
        .map_err(|e| AppError::Internal(anyhow::anyhow!("stored decimal {text:?}: {e}")))
}
