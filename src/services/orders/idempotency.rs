//! Idempotent booking: a key remembers the first order made with it and a hash of the
//! input, so a retried request returns that order and a reused key with other input is
//! refused. Keys are kept (at least 24 h: they are never deleted today).

use chrono::{DateTime, Utc};
use entity::{idempotency_key, pickup_order};
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, Set};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::error::{AppError, AppResult};
use crate::infra::db::is_unique_violation;

/// The stored hash of a canonical request.
pub fn request_hash(canonical: &serde_json::Value) -> String {
    hex::encode(Sha256::digest(canonical.to_string().as_bytes()))
}

/// What a key says about a request.
pub enum KeyState {
    /// Never used: go ahead.
    Fresh,
    /// Used with the same input: answer with this order.
    Replay(Box<pickup_order::Model>),
}

/// Looks `key` up in `scope`: fresh, a replay, or IDEMPOTENCY_MISMATCH.
pub async fn check(
    conn: &impl ConnectionTrait,
    scope: &str,
    key: &str,
    hash: &str,
) -> AppResult<KeyState> {
    let Some(found) = idempotency_key::Entity::find_by_id((scope.to_owned(), key.to_owned()))
        .one(conn)
        .await?
    else {
        return Ok(KeyState::Fresh);
    };
    if found.request_hash != hash {
        return Err(AppError::IdempotencyMismatch);
    }
    let order = pickup_order::Entity::find_by_id(found.order_id)
        .one(conn)
        .await?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("idempotency key without its order")))?;
    Ok(KeyState::Replay(Box::new(order)))
}

/// Claims `key` for `order_id` inside the booking transaction. False when a concurrent
/// request claimed it first (PostgreSQL reports that as a unique violation once the
/// other transaction commits); the caller then answers as for a replay.
pub async fn claim(
    conn: &impl ConnectionTrait,
    scope: &str,
    key: &str,
    hash: &str,
    order_id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<bool> {
    let inserted = idempotency_key::ActiveModel {
        scope: Set(scope.to_owned()),
        key: Set(key.to_owned()),
        request_hash: Set(hash.to_owned()),
        order_id: Set(order_id),
        created_at: Set(now),
    }
    .insert(conn)
    .await;
    match inserted {
        Ok(_) => Ok(true),
        Err(err) if is_unique_violation(&err) => Ok(false),
        Err(err) => Err(err.into()),
    }
}
