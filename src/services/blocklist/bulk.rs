//! Checking many serials at once (asset lists, bulk quotes): one lookup per 500 serials
//! instead of one per serial, and, for a quote, the checks recorded in as few INSERTs.
//! Same answers and records as [`super::listing_of`] one by one.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::{blocked_device, blocklist_check};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use super::check::{CheckContext, Screening, serial_hash};
use crate::domain::blocklist::normalize_serial;
use crate::error::AppResult;
use crate::infra::signing::ServerKey;

/// Serials per lookup or INSERT: far below both backends' bound-parameter limits.
const CHUNK: usize = 500;

/// The current listing of each of `serials` (None for unlisted or malformed ones), in
/// order. With a `record` context every well-formed serial's check is recorded, as
/// `listing_of` does.
pub async fn listings_of(
    conn: &impl ConnectionTrait,
    key: &ServerKey,
    serials: &[Option<&str>],
    record: Option<(CheckContext, Screening)>,
    now: DateTime<Utc>,
) -> AppResult<Vec<Option<blocked_device::Model>>> {
    let hashes: Vec<Option<String>> = serials
        .iter()
        .map(|raw| {
            raw.and_then(|raw| normalize_serial(raw).ok())
                .map(|serial| serial_hash(key, &serial))
        })
        .collect();
    let mut wanted: Vec<&String> = hashes.iter().flatten().collect();
    wanted.sort();
    wanted.dedup();
    let mut listed: HashMap<String, blocked_device::Model> = HashMap::new();
    for chunk in wanted.chunks(CHUNK) {
        let found = blocked_device::Entity::find()
            .filter(blocked_device::Column::SerialHash.is_in(chunk.iter().map(|h| h.as_str())))
            .filter(blocked_device::Column::RemovedAt.is_null())
            .all(conn)
            .await?;
        listed.extend(found.into_iter().map(|d| (d.serial_hash.clone(), d)));
    }
    if let Some((context, who)) = record {
        let (quote_id, order_id, label) = match context {
            CheckContext::Quote { quote_id } => (Some(quote_id), None, "QUOTE"),
            CheckContext::Inspection { order_id } => (None, Some(order_id), "INSPECTION"),
        };
        let rows: Vec<blocklist_check::ActiveModel> = hashes
            .iter()
            .flatten()
            .map(|hash| {
                let hit = listed.get(hash);
                blocklist_check::ActiveModel {
                    id: Set(Uuid::now_v7()),
                    serial_hash: Set(hash.clone()),
                    hit: Set(hit.is_some()),
                    blocked_device_id: Set(hit.map(|d| d.id)),
                    context: Set(label.to_owned()),
                    quote_id: Set(quote_id),
                    order_id: Set(order_id),
                    actor_user_id: Set(who.actor_user_id),
                    partner_id: Set(who.partner_id),
                    created_at: Set(now),
                }
            })
            .collect();
        for chunk in rows.chunks(CHUNK) {
            blocklist_check::Entity::insert_many(chunk.to_vec())
                .exec_without_returning(conn)
                .await?;
        }
    }
    Ok(hashes
        .iter()
        .map(|hash| hash.as_ref().and_then(|h| listed.get(h).cloned()))
        .collect())
}
