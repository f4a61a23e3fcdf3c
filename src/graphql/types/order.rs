//! `PickupOrder` and its parts.

use async_graphql::{Context, Enum, ID, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::{order_event, order_line, pickup_order};

use super::custody::{Certificate, CustodyItem};
use super::decimal::DecimalString;
use super::enums::{RoleGql, VehicleGql};
use super::geo::GeoPoint;
use super::pricing::{ConditionGql, PriceComponent};
use crate::domain::order::{OrderStatus, PayoutStatus};
use crate::domain::pricing::Condition;
use crate::domain::{Role, Vehicle};
use crate::graphql::context::ContextExt;
use crate::graphql::loaders::{
    CollectorById, EventsByOrder, LinesByOrder, PayoutByOrder, PayoutHeldByOrder,
};
use crate::services::custody::{Custodian, read as custody_read};
use crate::services::ledger::certificates;

/// Where an order is in its life.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(name = "OrderStatus", remote = "crate::domain::order::OrderStatus")]
pub enum OrderStatusGql {
    /// Created, not yet offered.
    Requested,
    /// Looking for a collector.
    Dispatching,
    /// A collector accepted.
    Assigned,
    /// The collector is on the way.
    EnRoute,
    /// The collector is at the door.
    Arrived,
    /// Inspected and re-priced within tolerance (or accepted by the customer).
    Inspected,
    /// The final price is outside tolerance; the customer decides.
    AwaitingCustomer,
    /// Picked up and paid out.
    Completed,
    /// Cancelled before arrival, or the final offer was rejected.
    Cancelled,
    /// Nobody accepted before the window closed.
    Unfulfilled,
    /// The pickup could not be done at the door.
    Failed,
}

fn api_status(stored: entity::enums::OrderStatus) -> OrderStatusGql {
    OrderStatus::from(stored).into()
}

/// A pickup window.
#[derive(SimpleObject, Clone, Copy)]
pub struct TimeWindow {
    /// Earliest arrival.
    pub start: DateTime<Utc>,
    /// Latest arrival.
    pub end: DateTime<Utc>,
}

/// Where to collect.
#[derive(SimpleObject, Clone)]
pub struct Address {
    /// Street and number.
    pub line1: String,
    /// Flat, floor, building.
    pub line2: Option<String>,
    /// City.
    pub city: String,
    /// Postal code.
    pub postal_code: Option<String>,
    /// Position.
    pub location: GeoPoint,
}

/// What the customer is paid for a completed pickup.
#[derive(SimpleObject, Clone)]
pub struct Payout {
    /// Amount (negative when the customer pays a disposal fee).
    pub amount: DecimalString,
    /// ISO 4217 currency.
    pub currency: String,
    /// How it is paid, e.g. WALLET.
    pub method: String,
    /// PENDING, then PAID or FAILED.
    pub status: String,
    /// The payment's reference, once settled.
    pub reference: Option<String>,
    /// When it was last settled (paid or failed).
    pub settled_at: Option<DateTime<Utc>>,
    /// Held until an operator resolves a discrepancy found at the door (a battery's trace
    /// code that differs from the quoted one): it cannot be paid meanwhile.
    pub held: bool,
}

/// How a payout was settled.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
#[graphql(name = "PayoutOutcome")]
pub enum PayoutOutcomeGql {
    /// The money reached the customer.
    Paid,
    /// The payment failed (it may be paid later).
    Failed,
}

impl From<PayoutOutcomeGql> for PayoutStatus {
    fn from(outcome: PayoutOutcomeGql) -> Self {
        match outcome {
            PayoutOutcomeGql::Paid => Self::Paid,
            PayoutOutcomeGql::Failed => Self::Failed,
        }
    }
}

/// Proof of pickup.
#[derive(SimpleObject, Clone)]
pub struct PickupProof {
    /// The customer's signature (stored file reference).
    pub signature_ref: Option<String>,
    /// Photos of the items taken (stored file references).
    pub photo_refs: Vec<String>,
}

/// A collector as customers see them: no contact details.
#[derive(SimpleObject, Clone)]
pub struct CollectorPublic {
    /// The collector id.
    pub id: ID,
    /// Name shown to customers.
    pub display_name: String,
    /// What they drive.
    pub vehicle: Option<VehicleGql>,
    /// Mean stars received.
    pub rating: Option<f64>,
}

/// A booked pickup. Seen through a job offer by a collector who has not accepted it
/// yet, it is `redacted` to what DESIGN §5.7 allows before accepting (area and distance,
/// window, items, payout): no street address, contact, notes, events, quote or external
/// reference, and the position rounded to about a kilometre.
pub struct PickupOrder {
    order: pickup_order::Model,
    redacted: bool,
}

impl PickupOrder {
    /// The full order, for parties allowed to see it.
    pub fn new(order: pickup_order::Model) -> Self {
        Self {
            order,
            redacted: false,
        }
    }

    /// The order as an offer shows it to a collector not (yet) assigned to it.
    pub fn for_offer(order: pickup_order::Model, viewer_collector: uuid::Uuid) -> Self {
        let redacted = order.collector_id != Some(viewer_collector);
        Self { order, redacted }
    }
}

/// Shown instead of details a collector sees only once assigned.
const HIDDEN: &str = "(shown once you accept)";

/// A booked pickup.
#[Object]
impl PickupOrder {
    /// The order id.
    async fn id(&self) -> ID {
        ID(self.order.id.to_string())
    }

    /// Human number, e.g. `RL-000123`.
    async fn number(&self) -> &str {
        &self.order.number
    }

    /// Where the order is in its life.
    async fn status(&self) -> OrderStatusGql {
        api_status(self.order.status)
    }

    /// What the quote promised: the sum of the lines minus the logistics fee.
    async fn estimated_payout(&self) -> DecimalString {
        DecimalString::from(self.order.estimated_payout.0)
    }

    /// What the inspection found; set from INSPECTED on.
    async fn final_payout(&self) -> Option<DecimalString> {
        self.order
            .final_payout
            .map(|d| d.0)
            .map(DecimalString::from)
    }

    /// ISO 4217 currency of every amount.
    async fn currency(&self) -> &str {
        &self.order.currency
    }

    /// The pickup window.
    async fn window(&self) -> TimeWindow {
        TimeWindow {
            start: self.order.window_start,
            end: self.order.window_end,
        }
    }

    /// Where to collect.
    async fn address(&self) -> Address {
        if self.redacted {
            return Address {
                line1: HIDDEN.to_owned(),
                line2: None,
                city: self.order.city.clone(),
                postal_code: None,
                location: GeoPoint {
                    latitude: (self.order.latitude * 100.0).round() / 100.0,
                    longitude: (self.order.longitude * 100.0).round() / 100.0,
                },
            };
        }
        Address {
            line1: self.order.address_line1.clone(),
            line2: self.order.address_line2.clone(),
            city: self.order.city.clone(),
            postal_code: self.order.postal_code.clone(),
            location: GeoPoint {
                latitude: self.order.latitude,
                longitude: self.order.longitude,
            },
        }
    }

    /// Who to ask for at the door.
    async fn contact_name(&self) -> &str {
        if self.redacted {
            HIDDEN
        } else {
            &self.order.contact_name
        }
    }

    /// How to reach them.
    async fn contact_phone(&self) -> &str {
        if self.redacted {
            HIDDEN
        } else {
            &self.order.contact_phone
        }
    }

    /// Notes for the collector.
    async fn notes(&self) -> Option<&str> {
        if self.redacted {
            None
        } else {
            self.order.notes.as_deref()
        }
    }

    /// The assigned collector.
    async fn collector(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<CollectorPublic>> {
        let Some(id) = self.order.collector_id else {
            return Ok(None);
        };
        let found = ctx.loader::<CollectorById>()?.load_one(id).await?;
        Ok(found.map(|(profile, display_name)| CollectorPublic {
            id: ID(profile.id.to_string()),
            display_name,
            vehicle: profile
                .vehicle
                .as_deref()
                .and_then(|v| v.parse::<Vehicle>().ok())
                .map(Into::into),
            rating: profile.rating,
        }))
    }

    /// The items, from the quote, with the inspection's findings.
    async fn lines(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<OrderLine>> {
        let lines = ctx
            .loader::<LinesByOrder>()?
            .load_one(self.order.id)
            .await?
            .unwrap_or_default();
        Ok(lines.into_iter().map(OrderLine).collect())
    }

    /// Every transition, oldest first (empty in an offer not yet accepted: the trail holds
    /// the customer's reasons).
    async fn events(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<OrderEvent>> {
        if self.redacted {
            return Ok(Vec::new());
        }
        let events = ctx
            .loader::<EventsByOrder>()?
            .load_one(self.order.id)
            .await?
            .unwrap_or_default();
        Ok(events.into_iter().map(OrderEvent).collect())
    }

    /// Grows with every change; a stale version is refused.
    async fn version(&self) -> i32 {
        self.order.version
    }

    /// The quote this order was booked from (null in an offer not yet accepted).
    async fn quote_id(&self) -> Option<ID> {
        (!self.redacted).then(|| ID(self.order.quote_id.to_string()))
    }

    /// The partner's own reference (null in an offer not yet accepted).
    async fn external_reference(&self) -> Option<&str> {
        if self.redacted {
            return None;
        }
        self.order.external_reference.as_deref()
    }

    /// Proof of pickup, once completed.
    async fn proof(&self) -> Option<PickupProof> {
        let photos: Vec<String> =
            serde_json::from_value(self.order.photo_refs.clone()).unwrap_or_default();
        (self.order.signature_ref.is_some() || !photos.is_empty()).then(|| PickupProof {
            signature_ref: self.order.signature_ref.clone(),
            photo_refs: photos,
        })
    }

    /// The custody items collected with this order (from completion on), each with its
    /// chain of custody; the collector sees the items it held, the customer, their
    /// organisation, the booking partner and operators see all.
    async fn custody_items(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<CustodyItem>> {
        if self.redacted {
            return Ok(Vec::new());
        }
        let state = ctx.state()?;
        let viewer = Custodian::of(&state.db, ctx.viewer()).await?;
        let items = custody_read::items_of_order(&state.db, &viewer, &self.order).await?;
        Ok(items
            .into_iter()
            .map(|i| CustodyItem::new(i, &viewer))
            .collect())
    }

    /// The signed certificate of what became of the items, once every accepted item was
    /// processed.
    async fn certificate(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Certificate>> {
        if self.redacted {
            return Ok(None);
        }
        let found = certificates::of_order(&ctx.state()?.db, self.order.id).await?;
        Ok(found.map(Into::into))
    }

    /// The payout, once completed.
    async fn payout(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Payout>> {
        let payout = ctx
            .loader::<PayoutByOrder>()?
            .load_one(self.order.id)
            .await?;
        let Some(p) = payout else {
            return Ok(None);
        };
        let status = PayoutStatus::from(p.status);
        let held = status == PayoutStatus::Pending
            && ctx
                .loader::<PayoutHeldByOrder>()?
                .load_one(self.order.id)
                .await?
                .unwrap_or(false);
        Ok(Some(Payout {
            held,
            amount: p.amount.0.into(),
            currency: p.currency,
            method: p.method,
            status: status.as_str().to_owned(),
            reference: p.reference,
            settled_at: p.settled_at,
        }))
    }

    /// Total weight of the items, kg.
    async fn total_weight_kg(&self) -> DecimalString {
        DecimalString::from(self.order.total_weight_kg.0)
    }

    /// When it was booked.
    async fn created_at(&self) -> DateTime<Utc> {
        self.order.created_at
    }
}

/// One item of an order.
pub struct OrderLine(pub order_line::Model);

impl OrderLine {
    /// The blocklist finding the inspection recorded, if any.
    fn blocked_device(&self) -> Option<&serde_json::Value> {
        self.0.inspection.as_ref().and_then(|i| i.get("blocked"))
    }
}

/// One item of an order.
#[Object]
impl OrderLine {
    /// The line id (an inspection refers to it).
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// The model or category.
    async fn description(&self) -> &str {
        &self.0.description
    }

    /// What the quote said.
    async fn quoted_amount(&self) -> DecimalString {
        DecimalString::from(self.0.quoted_amount.0)
    }

    /// What the inspection found.
    async fn final_amount(&self) -> Option<DecimalString> {
        self.0.final_amount.map(|d| d.0).map(DecimalString::from)
    }

    /// The condition found at inspection.
    async fn condition(&self) -> Option<ConditionGql> {
        let condition = match self.0.condition.as_deref()? {
            "LIKE_NEW" => Condition::LikeNew,
            "GOOD" => Condition::Good,
            "FAIR" => Condition::Fair,
            "BROKEN" => Condition::Broken,
            "SCRAP" => Condition::Scrap,
            _ => return None,
        };
        Some(condition.into())
    }

    /// The weight found at inspection (per piece), kg.
    async fn weight_kg(&self) -> Option<DecimalString> {
        self.0.weight_kg.map(|d| d.0).map(DecimalString::from)
    }

    /// Whether the serial read at the door is on the blocklist (stolen, lost, financed):
    /// the device was taken out of circulation and not paid for.
    async fn blocked(&self) -> bool {
        self.blocked_device().is_some()
    }

    /// Why the device was not paid for, when it is on the blocklist.
    async fn blocked_reason(&self) -> Option<&str> {
        self.blocked_device().and_then(|b| b["message"].as_str())
    }

    /// Serial number or IMEI.
    async fn serial_number(&self) -> Option<&str> {
        self.0.serial_number.as_deref()
    }

    /// Photos taken at inspection.
    async fn photo_refs(&self) -> Vec<String> {
        serde_json::from_value(self.0.photo_refs.clone()).unwrap_or_default()
    }

    /// Final minus quoted amount.
    async fn difference(&self) -> Option<DecimalString> {
        self.0
            .final_amount
            .map(|f| f.0 - self.0.quoted_amount.0)
            .map(DecimalString::from)
    }

    /// How the final amount was computed (same rules and prices as the quote).
    async fn final_breakdown(&self) -> Vec<PriceComponent> {
        self.0
            .inspection
            .as_ref()
            .and_then(|i| i.get("breakdown").cloned())
            .and_then(|b| {
                serde_json::from_value::<Vec<crate::domain::pricing::PriceComponent>>(b).ok()
            })
            .unwrap_or_default()
            .into_iter()
            .map(Into::into)
            .collect()
    }
}

/// One transition of an order.
pub struct OrderEvent(pub order_event::Model);

/// One transition of an order.
#[Object]
impl OrderEvent {
    /// When the server recorded it.
    async fn at(&self) -> DateTime<Utc> {
        self.0.at
    }

    /// When the collector's device says it happened, for a step its app sent with
    /// `recordedAt` (typically queued while offline); null otherwise.
    async fn recorded_at(&self) -> Option<DateTime<Utc>> {
        self.0.recorded_at
    }

    /// The state before (null for creation).
    #[graphql(name = "fromStatus")]
    async fn previous_status(&self) -> Option<OrderStatusGql> {
        self.0.from_status.map(api_status)
    }

    /// The state after.
    async fn to_status(&self) -> OrderStatusGql {
        api_status(self.0.to_status)
    }

    /// Who did it (null for reloop itself).
    async fn actor_role(&self) -> Option<RoleGql> {
        self.0.actor_role.map(|role| Role::from(role).into())
    }

    /// Why.
    async fn reason(&self) -> Option<&str> {
        self.0.reason.as_deref()
    }

    /// Where, for collector steps.
    async fn location(&self) -> Option<GeoPoint> {
        Some(GeoPoint {
            latitude: self.0.latitude?,
            longitude: self.0.longitude?,
        })
    }
}
