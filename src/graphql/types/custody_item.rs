//! Custody items in the API: an item, its trace code, its materials and the events of its
//! chain of custody.

use async_graphql::{Context, ID, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::{custody_event, custody_item};

use super::custody::{BatteryStatusGql, CustodyStatusGql, CustodyStepGql, ProcessingOutcomeGql};
use super::decimal::DecimalString;
use super::enums::{ProductTypeGql, RoleGql, TraceSchemeGql};
use super::geo::GeoPoint;
use crate::domain::Role;
use crate::domain::custody::{BatteryStatus, CustodyStatus, CustodyStep};
use crate::domain::trace_code::TraceCode;
use crate::graphql::context::ContextExt;
use crate::graphql::loaders::EventsByItem;
use crate::services::custody::Custodian;

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
        let events = ctx
            .loader::<EventsByItem>()?
            .load_one(self.row.id)
            .await?
            .unwrap_or_default();
        Ok(events.into_iter().map(CustodyEvent).collect())
    }
}
