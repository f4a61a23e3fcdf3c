//! What custody proves in the API: chain checks, transfers between custodians,
//! certificates and signed checkpoints.

use async_graphql::{Context, ID, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::{certificate, custody_checkpoint, transfer};

use super::custody::{Facility, TransferStatusGql};
use super::custody_item::CustodyItem;
use crate::domain::custody::TransferStatus;
use crate::graphql::context::ContextExt;
use crate::services::custody::{Custodian, facilities, read};
use crate::services::ledger::ItemVerification as Verified;

/// The chain check of one item.
#[derive(SimpleObject)]
pub struct ItemVerification {
    /// The item.
    pub item_id: ID,
    /// Every hash, link and signature checks out.
    pub valid: bool,
    /// Events read.
    pub events: i32,
    /// The first sequence that does not check out.
    pub broken_at_sequence: Option<i32>,
    /// Why, in words.
    pub reason: Option<String>,
}

impl From<Verified> for ItemVerification {
    fn from(v: Verified) -> Self {
        Self {
            item_id: ID(v.item_id.to_string()),
            valid: v.valid,
            events: i32::try_from(v.events).unwrap_or(i32::MAX),
            broken_at_sequence: v.broken_at_sequence,
            reason: v.reason,
        }
    }
}

/// The chain check of every item of an order.
#[derive(SimpleObject)]
pub struct CustodyVerification {
    /// The order.
    pub order_id: ID,
    /// Every item's chain checks out.
    pub valid: bool,
    /// Per item.
    pub items: Vec<ItemVerification>,
}

/// A collector's hand-over of items to a facility.
pub struct Transfer(pub transfer::Model);

/// A collector's hand-over of items to a facility (a transfer note).
#[Object]
impl Transfer {
    /// The transfer id.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// Human number, e.g. `TN-000042`.
    async fn number(&self) -> &str {
        &self.0.number
    }

    /// IN_TRANSIT until the facility receives it.
    async fn status(&self) -> TransferStatusGql {
        TransferStatus::from(self.0.status).into()
    }

    /// Where the items go.
    async fn facility(&self, ctx: &Context<'_>) -> async_graphql::Result<Facility> {
        let state = ctx.state()?;
        let viewer = Custodian::of(&state.db, ctx.viewer()).await?;
        Ok(Facility::new(
            facilities::find(&state.db, self.0.facility_id).await?,
            &viewer,
        ))
    }

    /// The items on the note.
    async fn items(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<CustodyItem>> {
        let state = ctx.state()?;
        let viewer = Custodian::of(&state.db, ctx.viewer()).await?;
        let items = read::items_of_transfer(&state.db, self.0.id).await?;
        Ok(items
            .into_iter()
            .map(|i| CustodyItem::new(i, &viewer))
            .collect())
    }

    /// When it was handed over (server time).
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// When it was handed over (device time).
    async fn recorded_at(&self) -> DateTime<Utc> {
        self.0.recorded_at
    }

    /// When the facility received it.
    async fn received_at(&self) -> Option<DateTime<Utc>> {
        self.0.received_at
    }
}

/// A signed certificate of what became of an order's items.
#[derive(SimpleObject)]
pub struct Certificate {
    /// The certificate id: whoever holds it may fetch `url`.
    pub id: ID,
    /// When it was issued.
    pub issued_at: DateTime<Utc>,
    /// Where to fetch it: JSON `{payload, signature, keyId}`, or HTML for a browser.
    pub url: String,
    /// Base64 Ed25519 signature over the payload's UTF-8 bytes.
    pub signature: String,
    /// The signing key's id (see `/.well-known/reloop-signing-key`).
    pub key_id: String,
    /// The signed JSON text.
    pub payload: String,
}

impl From<certificate::Model> for Certificate {
    fn from(row: certificate::Model) -> Self {
        Self {
            id: ID(row.id.to_string()),
            issued_at: row.issued_at,
            url: format!("/certificates/{}", row.id),
            signature: row.signature,
            key_id: row.key_id,
            payload: row.payload,
        }
    }
}

/// A signed tree head over every chain of custody (a C2SP checkpoint note).
#[derive(SimpleObject)]
pub struct CustodyCheckpoint {
    /// Its number in this log.
    pub number: i64,
    /// The log's name.
    pub origin: String,
    /// Chains covered.
    pub tree_size: i64,
    /// Events covered.
    pub events: i64,
    /// Base64 Merkle root (RFC 6962) over the chains' heads.
    pub root_hash: String,
    /// When it was made.
    pub issued_at: DateTime<Utc>,
    /// The signed note: keep it, and check it later with `verifyCustodyCheckpoint`.
    pub note: String,
}

impl From<custody_checkpoint::Model> for CustodyCheckpoint {
    fn from(row: custody_checkpoint::Model) -> Self {
        Self {
            number: row.number,
            origin: row.origin,
            tree_size: row.tree_size,
            events: row.events,
            root_hash: row.root_hash,
            issued_at: row.issued_at,
            note: row.note,
        }
    }
}

/// Whether today's log reproduces a kept checkpoint.
#[derive(SimpleObject)]
pub struct CheckpointVerification {
    /// The checkpoint's number.
    pub number: i64,
    /// Today's chains reproduce its root: nothing covered was changed, removed or rolled back.
    pub consistent: bool,
    /// Why not.
    pub reason: Option<String>,
    /// The first item whose chain no longer checks out, when known.
    pub item_id: Option<ID>,
}
