//! Checking a serial against the blocklist, and recording that it was checked.

use chrono::{DateTime, Utc};
use entity::{blocked_device, blocklist_check};
use hmac::{Hmac, Mac};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use sha2::Sha256;
use uuid::Uuid;

use crate::domain::blocklist::{lookup_form, normalize_serial};
use crate::error::AppResult;
use crate::infra::signing::ServerKey;

/// Where a check happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CheckContext {
    /// A quote line with a serial.
    Quote {
        /// The quote.
        quote_id: Uuid,
    },
    /// The collector read the serial at the door.
    Inspection {
        /// The order.
        order_id: Uuid,
    },
}

/// Who asked (recorded with the check).
#[derive(Clone, Copy, Debug, Default)]
pub struct Screening {
    /// The acting user.
    pub actor_user_id: Option<Uuid>,
    /// The acting partner.
    pub partner_id: Option<Uuid>,
}

/// The keyed hash of a normalised serial's lookup form (HMAC-SHA256 with a key derived
/// from the server key): the table never needs the serial to answer a check.
pub fn serial_hash(key: &ServerKey, normalized: &str) -> String {
    let secret = key.derive_secret("blocklist");
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&secret)
        .unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
    mac.update(lookup_form(normalized).as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// The current listing of `raw`, if any; records the check either way. A serial that
/// is not even well-formed cannot be listed: no check, None.
pub async fn listing_of(
    conn: &impl ConnectionTrait,
    key: &ServerKey,
    raw: &str,
    context: CheckContext,
    who: Screening,
    now: DateTime<Utc>,
) -> AppResult<Option<blocked_device::Model>> {
    let Ok(serial) = normalize_serial(raw) else {
        return Ok(None);
    };
    let hash = serial_hash(key, &serial);
    let listed = blocked_device::Entity::find()
        .filter(blocked_device::Column::SerialHash.eq(hash.clone()))
        .filter(blocked_device::Column::RemovedAt.is_null())
        .one(conn)
        .await?;
    let (quote_id, order_id, label) = match context {
        CheckContext::Quote { quote_id } => (Some(quote_id), None, "QUOTE"),
        CheckContext::Inspection { order_id } => (None, Some(order_id), "INSPECTION"),
    };
    blocklist_check::ActiveModel {
        id: Set(Uuid::new_v4()),
        serial_hash: Set(hash),
        hit: Set(listed.is_some()),
        blocked_device_id: Set(listed.as_ref().map(|d| d.id)),
        context: Set(label.to_owned()),
        quote_id: Set(quote_id),
        order_id: Set(order_id),
        actor_user_id: Set(who.actor_user_id),
        partner_id: Set(who.partner_id),
        created_at: Set(now),
    }
    .insert(conn)
    .await?;
    Ok(listed)
}
