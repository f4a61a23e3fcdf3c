//! Material prices: the current price is the latest one already in effect; history is
//! kept, and a new price never changes a quote already issued (quotes keep their own).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use entity::{DbDecimal, material_price};
use rust_decimal::Decimal;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use serde_json::json;
use uuid::Uuid;

use super::{announce_change, audit};
use crate::error::AppResult;
use crate::infra::catalog_cache::CatalogSnapshot;
use crate::state::AppState;

/// The price in effect at `at` for every material: the latest effective one, the latest
/// recorded on a tie.
pub fn current_prices(
    snapshot: &CatalogSnapshot,
    at: DateTime<Utc>,
) -> BTreeMap<String, material_price::Model> {
    let mut current: BTreeMap<String, &material_price::Model> = BTreeMap::new();
    for row in snapshot
        .material_prices
        .iter()
        .filter(|row| row.effective_from <= at)
    {
        let newer = |held: &material_price::Model| {
            (row.effective_from, row.created_at) > (held.effective_from, held.created_at)
        };
        match current.get(&row.material) {
            Some(held) if !newer(held) => {}
            _ => {
                current.insert(row.material.clone(), row);
            }
        }
    }
    current
        .into_iter()
        .map(|(material, row)| (material, row.clone()))
        .collect()
}

/// Every price point of `material`, newest first.
pub async fn price_history(
    conn: &impl ConnectionTrait,
    material: &str,
) -> AppResult<Vec<material_price::Model>> {
    Ok(material_price::Entity::find()
        .filter(material_price::Column::Material.eq(material))
        .order_by_desc(material_price::Column::EffectiveFrom)
        .order_by_desc(material_price::Column::CreatedAt)
        .all(conn)
        .await?)
}

/// Records a new price point (effective now or later), audited.
#[tracing::instrument(skip_all, fields(%material))]
pub async fn set_material_price(
    state: &AppState,
    actor: Uuid,
    material: String,
    price_per_kg: Decimal,
    effective_from: Option<DateTime<Utc>>,
) -> AppResult<material_price::Model> {
    let now = state.clock.now();
    let effective_from = effective_from.unwrap_or(now);
    let txn = state.begin_write().await?;
    let saved = material_price::ActiveModel {
        id: Set(Uuid::new_v4()),
        material: Set(material.clone()),
        price_per_kg: Set(DbDecimal(price_per_kg)),
        effective_from: Set(effective_from),
        created_at: Set(now),
        created_by: Set(Some(actor)),
    }
    .insert(&txn)
    .await?;
    let details = json!({"material": material, "pricePerKg": price_per_kg.to_string(), "effectiveFrom": effective_from});
    audit::record(
        &txn,
        actor,
        "material_price.set",
        "material_price",
        &saved.id.to_string(),
        details,
        now,
    )
    .await?;
    txn.commit().await?;
    announce_change(state).await;
    Ok(saved)
}
