//! `requestQuote`: checks the items against the catalog, prices them with the price table
//! in force, and stores the quote with its evidence.

use std::collections::HashMap;

use chrono::{Datelike, Duration};
use entity::{DbDecimal, category, device_model, quote, quote_line};
use rust_decimal::Decimal;
use serde_json::json;
use uuid::Uuid;

use super::evidence::QuoteEvidence;
use super::read::QuoteView;
use crate::domain::pricing::{
    PricingContext, PricingError, PricingItem, PricingMethod, price_quote,
};
use crate::domain::quote::{ItemSubject, QuoteRequest, QuoteStatus, RequestedItem, check_serial};
use crate::error::{AppError, AppResult};
use crate::infra::rate_limit::BucketPolicy;
use crate::services::catalog::categories::{category_facts, is_battery_category};
use crate::services::catalog::device_models::{model_facts, models_by_id};
use crate::services::catalog::service_areas::{list_service_areas, nearest_area};
use crate::state::AppState;

/// Who asks for a quote: decides the rate-limit budget and who owns the quote.
#[derive(Clone, Debug)]
pub enum Requester {
    /// Not signed in; budgeted per client address; the quote has no owner yet.
    Anonymous {
        /// The client address.
        client: String,
    },
    /// A signed-in user, who owns the quote.
    User(Uuid),
    /// A partner's API key: the partner owns the quote; its budget is the key's
    /// cost-based rate limit, not this per-caller one.
    Partner(Uuid),
}

/// Prices `request` and stores it as an ACTIVE quote. Bad input is a VALIDATION error
/// naming the field, and nothing is stored.
#[tracing::instrument(skip_all, fields(items = request.items.len()))]
pub async fn request_quote(
    state: &AppState,
    requester: Requester,
    request: QuoteRequest,
) -> AppResult<QuoteView> {
    throttle(state, &requester).await?;
    let limit = state.config.quotes.max_items;
    if request.items.is_empty() || request.items.len() > limit {
        return Err(AppError::validation(
            "input.items",
            format!("must hold 1 to {limit} items"),
        ));
    }
    let catalog = CatalogFacts::load(state, &request.items).await?;
    let mut items = Vec::with_capacity(request.items.len());
    let mut references = Vec::with_capacity(request.items.len());
    for (index, requested) in request.items.iter().enumerate() {
        let (item, reference) = catalog.pricing_item(index, requested)?;
        items.push(item);
        references.push(reference);
    }

    let now = state.clock.now();
    let distance_outside_area_km = match request.pickup {
        None => None,
        Some(point) => {
            let areas = list_service_areas(state).await?;
            let outside = nearest_area(&areas, point).map(|(_, km)| km);
            match outside {
                Some(km) if km <= state.config.quotes.max_km_outside_area => {
                    Decimal::from_f64_retain(km).map(|d| d.round_dp(1))
                }
                _ => {
                    return Err(AppError::validation(
                        "input.pickupLocation",
                        "is outside the areas we serve",
                    ));
                }
            }
        }
    };
    let table = state.price_tables.current(state).await?;
    let context = PricingContext {
        as_of_year: now.year(),
        distance_outside_area_km,
    };
    let priced = price_quote(&items, &table, &context).map_err(|err| match err {
        PricingError::Overflow => {
            AppError::validation("input.items", "amounts are too large to price")
        }
        PricingError::Invalid(message) => AppError::validation("input.items", message),
    })?;

    let validity = Duration::from_std(state.config.quotes.validity).map_err(anyhow::Error::from)?;
    // Time-ordered ids (UUIDv7) keep the quote and line indexes append-only: random ones
    // dirty a random index page per row, which multiplied the bytes each quote wrote.
    // The 74 random bits still make an anonymous quote's id unguessable.
    let quote_id = Uuid::now_v7();
    let (owner, owner_partner) = match requester {
        Requester::User(id) => (Some(id), None),
        Requester::Partner(id) => (None, Some(id)),
        Requester::Anonymous { .. } => (None, None),
    };
    let evidence = QuoteEvidence {
        price_table_version: table.version.clone(),
        context,
    };
    let quote_row = quote::Model {
        id: quote_id,
        owner_user_id: owner,
        owner_partner_id: owner_partner,
        status: QuoteStatus::Active.as_str().to_owned(),
        currency: table.currency.clone(),
        valid_until: now + validity,
        logistics_fee: DbDecimal(priced.logistics_fee),
        logistics_breakdown: serde_json::to_value(&priced.logistics_breakdown)
            .map_err(anyhow::Error::from)?,
        total: DbDecimal(priced.total),
        pickup_latitude: request.pickup.map(|p| p.latitude),
        pickup_longitude: request.pickup.map(|p| p.longitude),
        evidence: serde_json::to_value(&evidence).map_err(anyhow::Error::from)?,
        created_at: now,
        used_at: None,
    };
    let mut lines = Vec::with_capacity(priced.lines.len());
    for (position, ((line, item), reference)) in
        priced.lines.iter().zip(&items).zip(references).enumerate()
    {
        lines.push(quote_line::Model {
            id: Uuid::now_v7(),
            quote_id,
            position: i32::try_from(position).map_err(anyhow::Error::from)?,
            description: line.description.clone(),
            quantity: i32::try_from(line.quantity).map_err(anyhow::Error::from)?,
            method: method_name(line.method).to_owned(),
            amount: DbDecimal(line.amount),
            breakdown: serde_json::to_value(&line.breakdown).map_err(anyhow::Error::from)?,
            total_weight_kg: DbDecimal(line.total_weight_kg),
            item: json!({"reference": reference, "priced": item}),
        });
    }
    // Committed together with the quotes that arrive at the same moment (group commit);
    // this request answers only once its own quote is durable.
    let (quote_row, lines) = state.quote_writer.write(quote_row, lines, table).await?;
    QuoteView::new(quote_row, lines, now)
}

/// The stored name of a pricing method.
pub fn method_name(method: PricingMethod) -> &'static str {
    match method {
        PricingMethod::Reuse => "REUSE",
        PricingMethod::MaterialRecovery => "MATERIAL_RECOVERY",
        PricingMethod::DisposalFee => "DISPOSAL_FEE",
    }
}

async fn throttle(state: &AppState, requester: &Requester) -> AppResult<()> {
    let settings = &state.config.quotes;
    let (key, per_minute) = match requester {
        Requester::Anonymous { client } => {
            (format!("quote:ip:{client}"), settings.anonymous_per_minute)
        }
        Requester::User(id) => (format!("quote:user:{id}"), settings.user_per_minute),
        Requester::Partner(_) => return Ok(()),
    };
    let per_minute = f64::from(per_minute);
    let policy = BucketPolicy {
        capacity: per_minute,
        refill_per_sec: per_minute / 60.0,
    };
    let decision = state.rate_limiter.check(&key, 1.0, policy).await?;
    if decision.allowed {
        Ok(())
    } else {
        Err(AppError::RateLimited {
            retry_after_secs: decision.retry_after.as_secs_f64(),
        })
    }
}

/// The catalog rows a request refers to, loaded in two queries.
struct CatalogFacts {
    models: HashMap<Uuid, device_model::Model>,
    categories: HashMap<String, category::Model>,
}

impl CatalogFacts {
    async fn load(state: &AppState, items: &[RequestedItem]) -> AppResult<Self> {
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
            models_by_id(&state.db, &model_ids)
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
        let snapshot = state.catalog.snapshot(&state.db).await?;
        let categories = codes
            .iter()
            .filter_map(|code| snapshot.category(code))
            .map(|c| (c.code.clone(), c.clone()))
            .collect();
        Ok(Self { models, categories })
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
        if facts.pricing_unit == crate::domain::pricing::PricingUnit::Kg && weight_kg.is_none() {
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
