//! The audit log: who changed what in the catalog, written in the same transaction as
//! the change itself.

use chrono::{DateTime, Utc};
use entity::audit_entry;
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, QueryOrder, QuerySelect, Set};
use uuid::Uuid;

use crate::error::AppResult;
use crate::services::pagination::Page;

/// Appends one entry.
pub async fn record(
    conn: &impl ConnectionTrait,
    actor: Uuid,
    action: &str,
    entity_type: &str,
    entity_id: &str,
    details: serde_json::Value,
    at: DateTime<Utc>,
) -> AppResult<()> {
    audit_entry::ActiveModel {
        id: Set(Uuid::new_v4()),
        actor_user_id: Set(actor),
        action: Set(action.to_owned()),
        entity_type: Set(entity_type.to_owned()),
        entity_id: Set(entity_id.to_owned()),
        details: Set(details),
        at: Set(at),
    }
    .insert(conn)
    .await?;
    Ok(())
}

/// The newest entries first; `skip` rows are passed over (offset pagination is fine for an
/// operator screen over an append-only log).
pub async fn list(
    conn: &impl ConnectionTrait,
    skip: u64,
    take: u64,
) -> AppResult<Page<audit_entry::Model>> {
    let rows = audit_entry::Entity::find()
        .order_by_desc(audit_entry::Column::At)
        .order_by_desc(audit_entry::Column::Id)
        .offset(skip)
        .limit(take + 1)
        .all(conn)
        .await?;
    Ok(Page::from_rows(rows, take))
}
