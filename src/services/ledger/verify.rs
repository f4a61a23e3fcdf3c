//! Re-computing items' chains from the stored events: every hash, link and signature,
//! and each item's signed head.

use std::collections::BTreeMap;

use entity::{custody_event, custody_item};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use crate::domain::custody::CustodyStep;
use crate::domain::custody::chain::{ChainCheck, SignedHead, StoredEvent, verify_chain};
use crate::domain::custody::encoding::{EventContent, place_commitment};
use crate::error::AppResult;
use crate::infra::signing::ServerKey;

/// The outcome for one item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ItemVerification {
    /// The item.
    pub item_id: Uuid,
    /// The chain and its head check out.
    pub valid: bool,
    /// Events read.
    pub events: usize,
    /// Where the chain breaks.
    pub broken_at_sequence: Option<i32>,
    /// Why.
    pub reason: Option<String>,
}

/// An event row as the chain check reads it.
pub fn stored_event(row: custody_event::Model) -> StoredEvent {
    StoredEvent {
        content: EventContent {
            item_id: row.item_id,
            sequence: row.sequence,
            step: CustodyStep::from(row.step).as_str().to_owned(),
            at: row.at,
            recorded_at: row.recorded_at,
            actor_user_id: row.actor_user_id,
            actor_role: row.actor_role,
            holder: row.holder,
            // The coordinates when they are still there (a changed one breaks the hash),
            // else the commitment kept after an erasure.
            place: match (row.latitude, row.longitude, row.place_salt.as_deref()) {
                (Some(lat), Some(lon), Some(salt)) => Some(place_commitment(lat, lon, salt)),
                _ => row.place,
            },
            weight_kg: row.weight_kg.map(|kg| kg.0),
            weight_estimated: row.weight_estimated,
            note: row.note,
            details: row.details,
            previous_hash: row.previous_hash,
        },
        hash: row.hash,
        signature: row.signature,
    }
}

/// The events of `item_ids`, each item's in stored sequence order.
pub async fn events_by_item(
    conn: &impl ConnectionTrait,
    item_ids: &[Uuid],
) -> AppResult<BTreeMap<Uuid, Vec<custody_event::Model>>> {
    let rows = custody_event::Entity::find()
        .filter(custody_event::Column::ItemId.is_in(item_ids.iter().copied()))
        .order_by_asc(custody_event::Column::ItemId)
        .order_by_asc(custody_event::Column::Sequence)
        .all(conn)
        .await?;
    let mut grouped: BTreeMap<Uuid, Vec<custody_event::Model>> = BTreeMap::new();
    for row in rows {
        grouped.entry(row.item_id).or_default().push(row);
    }
    Ok(grouped)
}

/// Verifies `items` against their stored events and signed heads.
pub async fn verify_items(
    conn: &impl ConnectionTrait,
    key: &ServerKey,
    items: &[custody_item::Model],
) -> AppResult<Vec<ItemVerification>> {
    let ids: Vec<Uuid> = items.iter().map(|i| i.id).collect();
    let mut events = events_by_item(conn, &ids).await?;
    let verifying = key.verifying_key();
    Ok(items
        .iter()
        .map(|item| {
            let chain: Vec<StoredEvent> = events
                .remove(&item.id)
                .unwrap_or_default()
                .into_iter()
                .map(stored_event)
                .collect();
            let head = SignedHead {
                sequence: item.head_sequence,
                hash: item.head_hash.clone(),
                signature: item.head_signature.clone(),
            };
            let check = if chain.is_empty() {
                ChainCheck::Broken {
                    events: 0,
                    at_sequence: 1,
                    reason: "the item's events are missing".to_owned(),
                }
            } else {
                verify_chain(&chain, Some(&head), &verifying)
            };
            outcome(item.id, check)
        })
        .collect())
}

fn outcome(item_id: Uuid, check: ChainCheck) -> ItemVerification {
    match check {
        ChainCheck::Valid { events, .. } => ItemVerification {
            item_id,
            valid: true,
            events,
            broken_at_sequence: None,
            reason: None,
        },
        ChainCheck::Broken {
            events,
            at_sequence,
            reason,
        } => ItemVerification {
            item_id,
            valid: false,
            events,
            broken_at_sequence: Some(at_sequence),
            reason: Some(reason),
        },
    }
}
