//! Reading users and their collector profiles.

use std::collections::HashMap;

use entity::{collector, user};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::error::AppResult;

/// The user with `id`, if any.
pub async fn find_user(conn: &impl ConnectionTrait, id: Uuid) -> AppResult<Option<user::Model>> {
    Ok(user::Entity::find_by_id(id).one(conn).await?)
}

/// Collector profiles of the given users, keyed by user id, in one query.
pub async fn collectors_by_user(
    conn: &impl ConnectionTrait,
    user_ids: &[Uuid],
) -> AppResult<HashMap<Uuid, collector::Model>> {
    let rows = collector::Entity::find()
        .filter(collector::Column::UserId.is_in(user_ids.iter().copied()))
        .all(conn)
        .await?;
    Ok(rows.into_iter().map(|c| (c.user_id, c)).collect())
}

/// Organisations by id, in one query.
pub async fn organizations_by_id(
    conn: &impl ConnectionTrait,
    ids: &[Uuid],
) -> AppResult<HashMap<Uuid, entity::organization::Model>> {
    let rows = entity::organization::Entity::find()
        .filter(entity::organization::Column::Id.is_in(ids.iter().copied()))
        .all(conn)
        .await?;
    Ok(rows.into_iter().map(|o| (o.id, o)).collect())
}

/// Display names of the given users, keyed by user id, in one query.
pub async fn display_names(
    conn: &impl ConnectionTrait,
    user_ids: &[Uuid],
) -> AppResult<HashMap<Uuid, String>> {
    let rows = user::Entity::find()
        .filter(user::Column::Id.is_in(user_ids.iter().copied()))
        .all(conn)
        .await?;
    Ok(rows.into_iter().map(|u| (u.id, u.display_name)).collect())
}
