//! Demo material prices (CNY per kg, late-2026 scrap and refined-metal levels).

use chrono::{DateTime, Utc};
use entity::material_price;
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};
use uuid::Uuid;

use super::categories::decimal;
use crate::error::AppResult;

/// Material → price per kg.
const PRICES: &[(&str, &str)] = &[
    ("aluminium", "18.50"),
    ("cobalt", "210.00"),
    ("copper", "68.00"),
    ("glass", "0.40"),
    ("gold", "560000.00"),
    ("lead", "16.50"),
    ("lithium", "600.00"),
    ("nickel", "125.00"),
    ("plastics", "3.20"),
    ("silver", "7800.00"),
    ("steel", "2.60"),
];

/// Inserts the demo prices, effective now.
pub(super) async fn insert_material_prices(
    conn: &impl ConnectionTrait,
    now: DateTime<Utc>,
) -> AppResult<()> {
    for (material, price) in PRICES {
        material_price::ActiveModel {
            id: Set(Uuid::new_v4()),
            material: Set((*material).to_owned()),
            price_per_kg: Set(decimal(price)?),
            effective_from: Set(now),
            created_at: Set(now),
            created_by: Set(None),
        }
        .insert(conn)
        .await?;
    }
    Ok(())
}
