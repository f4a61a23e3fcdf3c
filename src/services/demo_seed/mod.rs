//! Demo data seeded into an empty database, so a fresh server is usable at once: the
//! category catalog, hundreds of real device models, material prices and service areas.
//! Each part is seeded only when its table is empty, so running it again is harmless.

mod categories;
mod device_models;
mod material_prices;
mod service_areas;

use entity::{category, device_model, material_price, service_area};
use sea_orm::{EntityTrait, PaginatorTrait};

use crate::error::AppResult;
use crate::state::AppState;

/// Seeds every empty part of the demo catalog in one transaction; true when anything
/// was seeded.
#[tracing::instrument(skip_all)]
pub async fn seed_if_empty(state: &AppState) -> AppResult<bool> {
    let now = state.clock.now();
    let txn = state.begin_write().await?;
    let mut seeded = false;
    if category::Entity::find().count(&txn).await? == 0 {
        categories::insert_categories(&txn, now).await?;
        seeded = true;
    }
    if device_model::Entity::find().count(&txn).await? == 0 {
        device_models::insert_device_models(&txn, now).await?;
        seeded = true;
    }
    if material_price::Entity::find().count(&txn).await? == 0 {
        material_prices::insert_material_prices(&txn, now).await?;
        seeded = true;
    }
    if service_area::Entity::find().count(&txn).await? == 0 {
        service_areas::insert_service_areas(&txn, now).await?;
        seeded = true;
    }
    txn.commit().await?;
    if seeded {
        tracing::info!("seeded the demo catalog");
    }
    Ok(seeded)
}
