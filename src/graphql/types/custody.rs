//! Custody in the API: facilities, items and their events, transfers, chain checks,
//! certificates, discrepancies and checkpoints.

use async_graphql::{Context, Enum, ID, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::{certificate, custody_checkpoint, custody_event, custody_item, facility, transfer};

use super::decimal::DecimalString;
use super::enums::{CertificationGql, ProductTypeGql, RoleGql, TraceSchemeGql};
use super::geo::GeoPoint;
use crate::domain::custody::{BatteryStatus, CustodyStatus, CustodyStep, TransferStatus};
use crate::domain::trace_code::TraceCode;
use crate::domain::{Certification, Role};
use crate::graphql::context::ContextExt;
use crate::services::custody::{Custodian, facilities, read};
use crate::services::ledger::ItemVerification as Verified;

/// Where an item is.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(
    name = "CustodyStatus",
    remote = "crate::domain::custody::CustodyStatus"
)]
pub enum CustodyStatusGql {
    /// Collected; in the collector's van.
    WithCollector,
    /// Handed over; the facility has not received it yet.
    InTransit,
    /// Received and accepted by the facility.
    AtFacility,
    /// Refused at receipt; stays the collector's responsibility.
    Rejected,
    /// The facility recorded what became of it.
    Processed,
}

/// What a custody event records.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(name = "CustodyStep", remote = "crate::domain::custody::CustodyStep")]
pub enum CustodyStepGql {
    /// Taken at the doorstep.
    Collected,
    /// Given to a facility on a transfer note.
    HandedOver,
    /// Accepted at the facility.
    Received,
    /// Refused at the facility.
    Rejected,
    /// Processing outcome recorded.
    Processed,
    /// A battery's status changed.
    StatusChanged,
}

/// A battery's status (EU 2023/1542 Annex XIII 4(c)).
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(
    name = "BatteryStatus",
    remote = "crate::domain::custody::BatteryStatus"
)]
pub enum BatteryStatusGql {
    /// As manufactured, until handed to a recycler.
    Original,
    /// Given a second life for another purpose.
    Repurposed,
    /// Used again for its original purpose.
    Reused,
    /// Remanufactured.
    Remanufactured,
    /// Waste, from a recycler's receipt.
    Waste,
}

/// Where a transfer note stands.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(
    name = "TransferStatus",
    remote = "crate::domain::custody::TransferStatus"
)]
pub enum TransferStatusGql {
    /// Handed over, not yet received.
    InTransit,
    /// The facility received it (once).
    Received,
}

/// What a facility did with an item.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(
    name = "ProcessingOutcome",
    remote = "crate::domain::custody::ProcessingOutcome"
)]
pub enum ProcessingOutcomeGql {
    /// Used again as it is.
    Reused,
    /// Repaired or refurbished for resale.
    Refurbished,
    /// Given a second life for another purpose (batteries).
    Repurposed,
    /// Dismantled; materials recovered.
    MaterialRecovered,
    /// Disposed of.
    Disposed,
}

/// NIST SP 800-88 sanitisation method.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(
    name = "SanitizationMethod",
    remote = "crate::domain::custody::SanitizationMethod"
)]
pub enum SanitizationMethodGql {
    /// Logical overwrite.
    Clear,
    /// Techniques infeasible to recover with laboratory tools.
    Purge,
    /// The media can no longer be used.
    Destroy,
}

/// A processing plant that receives collected items.
pub struct Facility {
    row: facility::Model,
    show_invite_code: bool,
}

impl Facility {
    /// The facility as `viewer` sees it (the invite code for operators only).
    pub fn new(row: facility::Model, viewer: &Custodian) -> Self {
        let show_invite_code = matches!(
            viewer,
            Custodian::Party(crate::services::orders::Party::Operator { .. })
        );
        Self {
            row,
            show_invite_code,
        }
    }
}

/// A processing plant that receives collected items.
#[Object]
impl Facility {
    /// The facility id.
    async fn id(&self) -> ID {
        ID(self.row.id.to_string())
    }

    /// Its name.
    async fn name(&self) -> &str {
        &self.row.name
    }

    /// Its operating permit's number.
    async fn permit_number(&self) -> &str {
        &self.row.permit_number
    }

    /// Where it is.
    async fn location(&self) -> GeoPoint {
        GeoPoint {
            latitude: self.row.latitude,
            longitude: self.row.longitude,
        }
    }

    /// The city it is in.
    async fn city(&self) -> &str {
        &self.row.city
    }

    /// Category codes it takes.
    async fn accepted_categories(&self) -> Vec<String> {
        facilities::accepted_categories(&self.row)
    }

    /// Certifications it holds.
    async fn certifications(&self) -> Vec<CertificationGql> {
        facilities::certifications(&self.row)
            .iter()
            .filter_map(|c| c.parse::<Certification>().ok())
            .map(Into::into)
            .collect()
    }

    /// Staff register with it (role FACILITY); shown to operators only.
    async fn invite_code(&self) -> Option<&str> {
        self.show_invite_code
            .then_some(self.row.invite_code.as_str())
    }
}

/// One link of an item's chain of custody.
pub struct CustodyEvent(pub custody_event::Model);

/// One link of an item's chain of custody (append-only, hash-chained, signed).
#[Object]
impl CustodyEvent {
    /// 1, 2, 3… per item.
    async fn sequence(&self) -> i32 {
        self.0.sequence
    }

    /// What happened.
    async fn step(&self) -> CustodyStepGql {
        CustodyStep::from(self.0.step).into()
    }

    /// Server time.
    async fn at(&self) -> DateTime<Utc> {
        self.0.at
    }

    /// Device time (the server's when the device sent none).
    async fn recorded_at(&self) -> DateTime<Utc> {
        self.0.recorded_at
    }

    /// The acting role.
    async fn actor_role(&self) -> async_graphql::Result<RoleGql> {
        Ok(self.0.actor_role.parse::<Role>()?.into())
    }

    /// Who holds the item afterwards, e.g. `collector:<id>` or `facility:<id>`.
    async fn holder(&self) -> &str {
        &self.0.holder
    }

    /// Where, when known.
    async fn location(&self) -> Option<GeoPoint> {
        self.0
            .latitude
            .zip(self.0.longitude)
            .map(|(latitude, longitude)| GeoPoint {
                latitude,
                longitude,
            })
    }

    /// Weight, kg.
    async fn weight_kg(&self) -> Option<DecimalString> {
        self.0.weight_kg.map(|kg| DecimalString(kg.0))
    }

    /// Whether the weight is an estimate (from the quote) rather than measured.
    async fn weight_estimated(&self) -> bool {
        self.0.weight_estimated
    }

    /// Free text, e.g. a rejection reason.
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }

    /// The step's details as canonical JSON text (outcome, materials, discrepancy…).
    async fn details(&self) -> &str {
        &self.0.details
    }

    /// The previous event's hash (64 zeros for the first).
    async fn previous_hash(&self) -> &str {
        &self.0.previous_hash
    }

    /// SHA-256 of the event's canonical encoding (`custody-v1`), hex.
    async fn hash(&self) -> &str {
        &self.0.hash
    }

    /// The server's Ed25519 signature of `reloop-custody-event:<hash>`, base64.
    async fn signature(&self) -> &str {
        &self.0.signature
    }
}

/// One recovered material.
#[derive(SimpleObject, Clone)]
pub struct MaterialAmount {
    /// e.g. LITHIUM, COBALT, COPPER.
    pub material: String,
    /// Kilograms.
    pub kg: DecimalString,
}

/// A collected piece or weighed lot, followed from the doorstep to the plant.
pub struct CustodyItem {
    row: custody_item::Model,
    /// Whether the viewer may see a battery's raw code and state of health (the
    /// facility holding it, operators).
    battery_details: bool,
}

impl CustodyItem {
    /// The item as `viewer` sees it.
    pub fn new(row: custody_item::Model, viewer: &Custodian) -> Self {
        Self {
            row,
            battery_details: viewer.sees_battery_details(),
        }
    }
}

/// The segments of a GB/T 34014 trace code.
#[derive(SimpleObject)]
pub struct TraceCodeInfo {
    /// The code's scheme.
    pub scheme: TraceSchemeGql,
    /// Manufacturer code (characters 1–3), GB/T 34014 only.
    pub manufacturer: Option<String>,
    /// Pack, module or cell (character 4).
    pub product_type: Option<ProductTypeGql>,
    /// Battery type code (character 5).
    pub battery_type: Option<String>,
    /// Specification code (characters 6–7).
    pub specification: Option<String>,
    /// Traceability information (characters 8–14).
    pub traceability: Option<String>,
    /// Production date (characters 15–17).
    pub manufactured_on: Option<chrono::NaiveDate>,
    /// Serial number (characters 18–24).
    pub serial: Option<String>,
}

impl TraceCodeInfo {
    fn of(code: &TraceCode) -> Self {
        let segments = code.segments();
        Self {
            scheme: code.scheme().into(),
            manufacturer: segments.as_ref().map(|s| s.manufacturer.clone()),
            product_type: segments.as_ref().map(|s| s.product_type.into()),
            battery_type: segments.as_ref().map(|s| s.battery_type.clone()),
            specification: segments.as_ref().map(|s| s.specification.clone()),
            traceability: segments.as_ref().map(|s| s.traceability.clone()),
            manufactured_on: segments.as_ref().map(|s| s.manufactured_on),
            serial: segments.map(|s| s.serial),
        }
    }
}

/// A collected piece or weighed lot, followed from the doorstep to the plant.
#[Object]
impl CustodyItem {
    /// The item id.
    async fn id(&self) -> ID {
        ID(self.row.id.to_string())
    }

    /// The order it was collected with.
    async fn order_id(&self) -> ID {
        ID(self.row.order_id.to_string())
    }

    /// What it is.
    async fn description(&self) -> &str {
        &self.row.description
    }

    /// Its category.
    async fn category_code(&self) -> &str {
        &self.row.category_code
    }

    /// Serial number or IMEI, when known.
    async fn serial_number(&self) -> Option<&str> {
        self.row.serial_number.as_deref()
    }

    /// A battery's trace code, when known (shown to the facility holding it and to
    /// operators).
    async fn trace_code(&self) -> Option<&str> {
        self.row
            .trace_code
            .as_deref()
            .filter(|_| self.battery_details)
    }

    /// The trace code's scheme and, for GB/T 34014, its segments and production date
    /// (shown to the facility holding it and to operators).
    async fn trace_code_info(&self) -> Option<TraceCodeInfo> {
        if !self.battery_details {
            return None;
        }
        let raw = self.row.trace_code.as_deref()?;
        let scheme = self
            .row
            .trace_code_scheme
            .as_deref()
            .and_then(|s| s.parse().ok());
        TraceCode::parse(raw, scheme)
            .ok()
            .as_ref()
            .map(TraceCodeInfo::of)
    }

    /// A battery's status.
    async fn battery_status(&self) -> Option<BatteryStatusGql> {
        self.row
            .battery_status
            .map(|s| BatteryStatus::from(s).into())
    }

    /// A battery's chemistry.
    async fn chemistry(&self) -> Option<&str> {
        self.row.chemistry.as_deref()
    }

    /// A battery's state of health, percent (shown to the facility holding it and to
    /// operators).
    async fn state_of_health_pct(&self) -> Option<i32> {
        self.row
            .state_of_health_pct
            .filter(|_| self.battery_details)
    }

    /// Where it is.
    async fn status(&self) -> CustodyStatusGql {
        CustodyStatus::from(self.row.status).into()
    }

    /// The latest weight (the collector's, then the facility's), kg.
    async fn weight_kg(&self) -> Option<DecimalString> {
        self.row.weight_kg.map(|kg| DecimalString(kg.0))
    }

    /// Whether that weight is an estimate.
    async fn weight_estimated(&self) -> bool {
        self.row.weight_estimated
    }

    /// Whether its serial was on the blocklist at the door (stolen, lost, financed): it
    /// is kept out of circulation and was not paid for.
    async fn blocked(&self) -> bool {
        self.row.blocked
    }

    /// Whether it carries data (processing needs a sanitisation record).
    async fn data_bearing(&self) -> bool {
        self.row.data_bearing
    }

    /// The processing outcome, once processed.
    async fn outcome(&self) -> Option<ProcessingOutcomeGql> {
        self.row
            .outcome
            .as_deref()
            .and_then(|o| o.parse::<crate::domain::custody::ProcessingOutcome>().ok())
            .map(Into::into)
    }

    /// Materials recovered from it, kg.
    async fn materials(&self) -> Vec<MaterialAmount> {
        self.row
            .materials
            .as_object()
            .map(|map| {
                map.iter()
                    .filter_map(|(material, kg)| {
                        let kg = kg.as_str()?.parse().ok()?;
                        Some(MaterialAmount {
                            material: material.clone(),
                            kg: DecimalString(kg),
                        })
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Its chain of custody, oldest first.
    async fn events(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<CustodyEvent>> {
        let events = read::events_of_item(&ctx.state()?.db, self.row.id).await?;
        Ok(events.into_iter().map(CustodyEvent).collect())
    }
}

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
