//! Adding, removing and listing blocklist entries.

use chrono::{DateTime, Utc};
use entity::{blocked_device, partner};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use uuid::Uuid;

use super::check::serial_hash;
use crate::domain::Role;
use crate::domain::blocklist::{BlockReason, normalize_serial};
use crate::error::{AppError, AppResult};
use crate::infra::signing::ServerKey;
use crate::services::Viewer;
use crate::services::pagination::{Page, after_desc};

/// Who manages entries: an operator (all of them) or a partner (its own).
#[derive(Clone, Copy, Debug)]
enum Manager {
    Operator(Uuid),
    Partner(Uuid),
}

fn manager(viewer: Viewer) -> AppResult<Manager> {
    match viewer {
        Viewer::Partner { partner_id, .. } => Ok(Manager::Partner(partner_id)),
        Viewer::User {
            id,
            role: Role::Operator,
        } => Ok(Manager::Operator(id)),
        Viewer::User { .. } => Err(AppError::Forbidden),
        Viewer::Anonymous => Err(AppError::Unauthenticated(
            "sign in or use an API key".to_owned(),
        )),
    }
}

/// Lists `raw` (a serial or IMEI): CONFLICT when it is listed already.
pub async fn add(
    conn: &impl ConnectionTrait,
    key: &ServerKey,
    viewer: Viewer,
    raw: &str,
    reason: BlockReason,
    note: Option<String>,
    now: DateTime<Utc>,
) -> AppResult<blocked_device::Model> {
    let who = manager(viewer)?;
    let serial = normalize_serial(raw).map_err(|e| AppError::validation("serialNumber", e.0))?;
    let note = note.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty());
    if note.as_ref().is_some_and(|n| n.chars().count() > 500) {
        return Err(AppError::validation(
            "note",
            "must be at most 500 characters",
        ));
    }
    let hash = serial_hash(key, &serial);
    let listed = blocked_device::Entity::find()
        .filter(blocked_device::Column::SerialHash.eq(hash.clone()))
        .filter(blocked_device::Column::RemovedAt.is_null())
        .one(conn)
        .await?;
    if listed.is_some() {
        return Err(AppError::Conflict(
            "this device is listed already".to_owned(),
        ));
    }
    let (source, partner_id, created_by) = match who {
        Manager::Operator(user) => ("operator".to_owned(), None, Some(user)),
        Manager::Partner(id) => {
            let name = partner::Entity::find_by_id(id)
                .one(conn)
                .await?
                .map(|p| p.name)
                .unwrap_or_default();
            (format!("partner:{name}"), Some(id), None)
        }
    };
    Ok(blocked_device::ActiveModel {
        id: Set(Uuid::new_v4()),
        serial_hash: Set(hash),
        serial_number: Set(serial),
        reason: Set(reason.as_str().to_owned()),
        source: Set(source),
        partner_id: Set(partner_id),
        note: Set(note),
        created_by: Set(created_by),
        created_at: Set(now),
        removed_at: Set(None),
    }
    .insert(conn)
    .await?)
}

/// Ends a listing: operators any, a partner only its own (NOT_FOUND otherwise).
pub async fn remove(
    conn: &impl ConnectionTrait,
    viewer: Viewer,
    id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<blocked_device::Model> {
    let who = manager(viewer)?;
    let found = blocked_device::Entity::find_by_id(id)
        .one(conn)
        .await?
        .filter(|d| d.removed_at.is_none())
        .filter(|d| match who {
            Manager::Operator(_) => true,
            Manager::Partner(partner) => d.partner_id == Some(partner),
        })
        .ok_or(AppError::NotFound("blocked device"))?;
    blocked_device::Entity::update_many()
        .col_expr(blocked_device::Column::RemovedAt, Expr::value(now))
        .filter(blocked_device::Column::Id.eq(id))
        .filter(blocked_device::Column::RemovedAt.is_null())
        .exec(conn)
        .await?;
    Ok(blocked_device::Model {
        removed_at: Some(now),
        ..found
    })
}

/// Current listings, newest first: all for operators, its own for a partner.
pub async fn list(
    conn: &impl ConnectionTrait,
    viewer: Viewer,
    take: u64,
    after: Option<(DateTime<Utc>, Uuid)>,
) -> AppResult<Page<blocked_device::Model>> {
    let mut query =
        blocked_device::Entity::find().filter(blocked_device::Column::RemovedAt.is_null());
    if let Manager::Partner(partner) = manager(viewer)? {
        query = query.filter(blocked_device::Column::PartnerId.eq(partner));
    }
    if let Some(cursor) = after {
        query = query.filter(after_desc(
            blocked_device::Column::CreatedAt,
            blocked_device::Column::Id,
            cursor,
        ));
    }
    let rows = query
        .order_by_desc(blocked_device::Column::CreatedAt)
        .order_by_desc(blocked_device::Column::Id)
        .limit(take + 1)
        .all(conn)
        .await?;
    Ok(Page::from_rows(rows, take))
}
