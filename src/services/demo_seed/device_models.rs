//! Demo device models, from `device_models.csv` (real models, plausible CNY resale values).

use chrono::{DateTime, Utc};
use entity::device_model;
use sea_orm::{ConnectionTrait, EntityTrait, Set};
use uuid::Uuid;

use super::categories::decimal;
use crate::error::{AppError, AppResult};
use crate::services::catalog::search_key;

const CSV: &str = include_str!("device_models.csv");

/// Inserts every model of the CSV, in batches.
pub(super) async fn insert_device_models(
    conn: &impl ConnectionTrait,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let mut rows = Vec::new();
    for (number, line) in CSV.lines().enumerate().skip(1) {
        if line.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split(',').map(str::trim).collect();
        let [brand, model, category, year, value] = fields[..] else {
            return Err(malformed(number, line));
        };
        let release_year: i32 = year.parse().map_err(|_| malformed(number, line))?;
        rows.push(device_model::ActiveModel {
            id: Set(Uuid::new_v4()),
            brand: Set(brand.to_owned()),
            model: Set(model.to_owned()),
            category_code: Set(category.to_owned()),
            release_year: Set(release_year),
            resale_value: Set(decimal(value)?),
            search_key: Set(search_key(brand, model)),
            created_at: Set(now),
            updated_at: Set(now),
        });
    }
    // SQLite caps bound parameters per statement; 100 rows × 9 columns stays well under.
    for batch in rows.chunks(100) {
        device_model::Entity::insert_many(batch.to_vec())
            .exec(conn)
            .await?;
    }
    Ok(())
}

fn malformed(number: usize, line: &str) -> AppError {
    AppError::Internal(anyhow::anyhow!(
        "device_models.csv line {}: {line:?}",
        number + 1
    ))
}
