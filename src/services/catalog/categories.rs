//! The catalog: categories of items and how they are priced.

use entity::category;
use sea_orm::{ConnectionTrait, EntityTrait, QueryOrder};

use crate::error::AppResult;

/// Every category, ordered by code.
pub async fn list_categories(conn: &impl ConnectionTrait) -> AppResult<Vec<category::Model>> {
    Ok(category::Entity::find()
        .order_by_asc(category::Column::Code)
        .all(conn)
        .await?)
}
