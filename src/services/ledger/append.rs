//! Appending one event to an item's chain: the next sequence, the previous hash, the
//! event's own hash and signature, and the item's signed head, in one conditional update
//! so two writers can never both extend the same head.

use chrono::{DateTime, Utc};
use entity::{DbDecimal, custody_event, custody_item};
use rand::RngCore;
use rust_decimal::Decimal;
use sea_orm::sea_query::{Expr, SimpleExpr};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use crate::domain::Role;
use crate::domain::custody::encoding::{
    ENCODING, EventContent, canonical_json, event_message, head_message, place_commitment,
    storable_time,
};
use crate::domain::custody::{CustodyStep, Holder};
use crate::error::{AppError, AppResult};
use crate::infra::signing::ServerKey;

/// What happened to an item.
#[derive(Clone, Debug)]
pub struct NewCustodyEvent {
    /// The step.
    pub step: CustodyStep,
    /// Server time.
    pub at: DateTime<Utc>,
    /// Device time (None: the server's).
    pub recorded_at: Option<DateTime<Utc>>,
    /// The acting user.
    pub actor_user_id: Option<Uuid>,
    /// Their role.
    pub actor_role: Role,
    /// Who holds the item afterwards.
    pub holder: Holder,
    /// Where.
    pub location: Option<(f64, f64)>,
    /// Weight, kg.
    pub weight_kg: Option<Decimal>,
    /// Estimated rather than measured.
    pub weight_estimated: bool,
    /// Free text.
    pub note: Option<String>,
    /// Step details (outcome, materials, discrepancy…).
    pub details: serde_json::Value,
}

/// Item columns to set together with the new head.
pub type ItemChange = Vec<(custody_item::Column, SimpleExpr)>;

/// The content and signature of `event` as the item's next link.
pub fn seal(
    key: &ServerKey,
    item: &custody_item::Model,
    sequence: i32,
    previous_hash: &str,
    event: &NewCustodyEvent,
) -> (custody_event::ActiveModel, String, String) {
    let at = storable_time(event.at);
    let salt = event.location.map(|_| {
        let mut bytes = [0u8; 16];
        rand::rng().fill_bytes(&mut bytes);
        hex::encode(bytes)
    });
    let place = event
        .location
        .zip(salt.as_deref())
        .map(|((lat, lon), salt)| place_commitment(lat, lon, salt));
    let content = EventContent {
        item_id: item.id,
        sequence,
        step: event.step.as_str().to_owned(),
        at,
        recorded_at: storable_time(event.recorded_at.unwrap_or(event.at)),
        actor_user_id: event.actor_user_id,
        actor_role: event.actor_role.as_str().to_owned(),
        holder: event.holder.to_string(),
        place: place.clone(),
        weight_kg: event.weight_kg.map(|kg| kg.normalize()),
        weight_estimated: event.weight_estimated,
        note: event.note.clone(),
        details: canonical_json(&event.details),
        previous_hash: previous_hash.to_owned(),
    };
    let hash = content.hash();
    let signature = key.sign(&event_message(&hash));
    let head_signature = key.sign(&head_message(item.id, sequence, &hash));
    let row = custody_event::ActiveModel {
        id: Set(Uuid::new_v4()),
        item_id: Set(item.id),
        sequence: Set(sequence),
        step: Set(event.step.into()),
        at: Set(content.at),
        recorded_at: Set(content.recorded_at),
        actor_user_id: Set(content.actor_user_id),
        actor_role: Set(content.actor_role),
        holder: Set(content.holder),
        latitude: Set(event.location.map(|(lat, _)| lat)),
        longitude: Set(event.location.map(|(_, lon)| lon)),
        place_salt: Set(salt),
        place: Set(place),
        weight_kg: Set(content.weight_kg.map(DbDecimal)),
        weight_estimated: Set(content.weight_estimated),
        note: Set(content.note),
        details: Set(content.details),
        encoding: Set(ENCODING.to_owned()),
        previous_hash: Set(content.previous_hash),
        hash: Set(hash.clone()),
        signature: Set(signature),
    };
    (row, hash, head_signature)
}

/// Appends `event` to `item`'s chain and applies `change` to the item, only if nobody
/// extended the chain since `item` was read (CONFLICT otherwise: the caller's
/// transaction rolls back). Moves `item`'s head along and returns the event.
pub async fn append(
    conn: &impl ConnectionTrait,
    key: &ServerKey,
    item: &mut custody_item::Model,
    event: NewCustodyEvent,
    change: ItemChange,
) -> AppResult<custody_event::Model> {
    let sequence = item.head_sequence + 1;
    let (row, hash, head_signature) = seal(key, item, sequence, &item.head_hash, &event);
    let mut update = custody_item::Entity::update_many()
        .col_expr(custody_item::Column::HeadSequence, Expr::value(sequence))
        .col_expr(custody_item::Column::HeadHash, Expr::value(hash.clone()))
        .col_expr(
            custody_item::Column::HeadSignature,
            Expr::value(head_signature.clone()),
        )
        .col_expr(custody_item::Column::UpdatedAt, Expr::value(event.at));
    for (column, value) in change {
        update = update.col_expr(column, value);
    }
    let moved = update
        .filter(custody_item::Column::Id.eq(item.id))
        .filter(custody_item::Column::HeadSequence.eq(item.head_sequence))
        .exec(conn)
        .await?;
    if moved.rows_affected != 1 {
        return Err(AppError::Conflict(
            "the item changed meanwhile; read it again".to_owned(),
        ));
    }
    let inserted = row.insert(conn).await?;
    item.head_sequence = sequence;
    item.head_hash = hash;
    item.head_signature = head_signature;
    Ok(inserted)
}
