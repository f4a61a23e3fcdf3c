//! The catalog facts a quote request refers to (its device models and categories),
//! loaded in one query plus the catalog snapshot, and the pricing item of each requested
//! item checked against them.

use std::collections::HashMap;

use entity::{category, device_model};
use sea_orm::DatabaseConnection;
use serde_json::json;
use uuid::Uuid;

use crate::domain::pricing::{PricingItem, PricingUnit};
use crate::domain::quote::{ItemSubject, RequestedItem, check_serial};
use crate::error::{AppError, AppResult};
use crate::infra::catalog_cache::CatalogSnapshot;
use crate::services::catalog::categories::{category_facts, is_battery_category};
use crate::services::catalog::device_models::{model_facts, models_by_id};

/// The catalog rows a request refers to, loaded in two queries.
pub(super) struct CatalogFacts {
    models: HashMap<Uuid, device_model::Model>,
    categories: HashMap<String, category::Model>,
}

impl CatalogFacts {
    pub(super) async fn load(
        db: &DatabaseConnection,
        snapshot: &CatalogSnapshot,
        items: &[RequestedItem],
    ) -> AppResult<Self> {
        let model_ids: Vec<Uuid> = items
            .iter()
            .filter_map(|item| match item.subject {
                ItemSubject::Model { id, .. } => Some(id),
                ItemSubject::Category(_) => None,
            })
            .collect();
        let models: HashMap<Uuid, device_model::Model> = if model_ids.is_empty() {
            HashMap::new()
        } else {
            models_by_id(db, &model_ids)
                .await?
                .into_iter()
                .map(|m| (m.id, m))
                .collect()
        };
        let mut codes: Vec<String> = models.values().map(|m| m.category_code.clone()).collect();
        codes.extend(items.iter().filter_map(|item| match &item.subject {
            ItemSubject::Category(code) => Some(code.clone()),
            ItemSubject::Model { .. } => None,
        }));
        codes.sort();
        codes.dedup();
        let categories = codes
            .iter()
            .filter_map(|code| snapshot.category(code))
            .map(|c| (c.code.clone(), c.clone()))
            .collect();
        Ok(Self { models, categories })
    }

    /// The pricing items of `requested`, and the references kept with each line.
    pub(super) fn pricing_items(
        &self,
        requested: &[RequestedItem],
    ) -> AppResult<(Vec<PricingItem>, Vec<serde_json::Value>)> {
        let mut items = Vec::with_capacity(requested.len());
        let mut references = Vec::with_capacity(requested.len());
        for (index, item) in requested.iter().enumerate() {
            let (priced, reference) = self.pricing_item(index, item)?;
            items.push(priced);
            references.push(reference);
        }
        Ok((items, references))
    }

    /// The pricing item for the `index`th requested item, and the references kept with
    /// its line (model id, category, serial, trace code).
    fn pricing_item(
        &self,
        index: usize,
        requested: &RequestedItem,
    ) -> AppResult<(PricingItem, serde_json::Value)> {
        let field = |name: &str| format!("input.items[{index}].{name}");
        let (model, category) = match &requested.subject {
            ItemSubject::Model { id, category_code } => {
                let model = self.models.get(id).ok_or_else(|| {
                    AppError::validation(field("deviceModelId"), "unknown device model")
                })?;
                if category_code
                    .as_ref()
                    .is_some_and(|code| *code != model.category_code)
                {
                    return Err(AppError::validation(
                        field("categoryCode"),
                        format!(
                            "does not match the model's category {}",
                            model.category_code
                        ),
                    ));
                }
                (Some(model), self.categories.get(&model.category_code))
            }
            ItemSubject::Category(code) => (None, self.categories.get(code)),
        };
        let category = category
            .ok_or_else(|| AppError::validation(field("categoryCode"), "unknown category"))?;
        let facts = category_facts(category)?;
        let battery_category = is_battery_category(category);
        let weight_kg = match (&requested.battery, battery_category) {
            (Some(battery), true) => Some(battery.facts.weight_kg),
            (None, true) => {
                return Err(AppError::validation(
                    field("battery"),
                    "is required for battery categories",
                ));
            }
            (Some(_), false) => {
                return Err(AppError::validation(
                    field("battery"),
                    "is only for battery categories",
                ));
            }
            (None, false) => requested.weight_kg,
        };
        if facts.pricing_unit == PricingUnit::Kg && weight_kg.is_none() {
            return Err(AppError::validation(
                field("weightKg"),
                "is required for items priced by weight",
            ));
        }
        let serial = requested
            .serial
            .as_deref()
            .map(|raw| check_serial(raw, &category.code))
            .transpose()
            .map_err(|e| AppError::validation(field("serialNumber"), e.0))?;
        let reference = json!({
            "deviceModelId": model.map(|m| m.id),
            "categoryCode": category.code,
            "serialNumber": serial.as_ref().map(|s| s.as_str()),
            "traceCode": requested.battery.as_ref().and_then(|b| b.trace_code.as_ref()).map(|t| t.as_str()),
            "traceCodeScheme": requested.battery.as_ref().and_then(|b| b.trace_code.as_ref()).map(|t| t.scheme().as_str()),
        });
        let item = PricingItem {
            category: facts,
            model: model.map(model_facts),
            quantity: requested.quantity,
            weight_kg,
            assessment: requested.assessment.clone(),
            battery: requested.battery.as_ref().map(|b| b.facts.clone()),
        };
        Ok((item, reference))
    }
}
