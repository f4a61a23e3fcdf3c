//! `Collector`: a collector's profile and availability.

use async_graphql::{Context, ID, Object, SimpleObject};
use entity::collector;
use rust_decimal::Decimal;

use super::decimal::DecimalString;
use super::enums::{CertificationGql, CollectorStatusGql, VehicleGql};
use super::geo::GeoPoint;
use super::order::PickupOrder;
use crate::domain::acceptance::OfferTally;
use crate::domain::{Certification, CollectorStatus, Vehicle};
use crate::error::AppError;
use crate::graphql::context::ContextExt;
use crate::graphql::guards::RoleGuard;
use crate::graphql::loaders::{
    CurrentOrdersByCollector, DisplayNameByUser, OfferTallyByCollector, WorkingCollector,
};

/// A collector profile.
pub struct Collector(pub collector::Model);

/// A profile change a verified collector asked for.
#[derive(SimpleObject)]
pub struct PendingProfile {
    /// The vehicle asked for.
    pub vehicle: VehicleGql,
    /// The capacity asked for, kg.
    pub capacity_kg: DecimalString,
    /// The licences claimed.
    pub certifications: Vec<CertificationGql>,
    /// When the collector asked.
    pub requested_at: chrono::DateTime<chrono::Utc>,
}

/// How a collector's offers ended, counted by status (operators).
#[derive(SimpleObject)]
pub struct OfferCounts {
    /// Offers the collector accepted.
    pub accepted: i64,
    /// Offers the collector declined.
    pub declined: i64,
    /// Offers left unanswered until they lapsed.
    pub expired: i64,
    /// Offers taken away before an answer (another collector was faster, the order went
    /// away); they do not count towards the acceptance rate.
    pub withdrawn: i64,
    /// Offers still waiting for an answer; they do not count yet.
    pub pending: i64,
}

impl From<OfferTally> for OfferCounts {
    fn from(t: OfferTally) -> Self {
        let n = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
        Self {
            accepted: n(t.accepted),
            declined: n(t.declined),
            expired: n(t.expired),
            withdrawn: n(t.withdrawn),
            pending: n(t.pending),
        }
    }
}

impl Collector {
    async fn tally(&self, ctx: &Context<'_>) -> async_graphql::Result<OfferTally> {
        Ok(ctx
            .loader::<OfferTallyByCollector>()?
            .load_one(self.0.id)
            .await?
            .unwrap_or_default())
    }
}

/// A collector profile. Operators read any (`collectors`, `collector(id)`), a collector
/// their own; the fields marked "Operators only" are FORBIDDEN (and null) for anyone else,
/// the collector included.
#[Object]
impl Collector {
    /// The profile id.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// Whether an operator verified the collector; only verified collectors get offers.
    async fn verified(&self) -> bool {
        self.0.verified
    }

    /// OFFLINE, AVAILABLE or BUSY (online and at a pickup right now; derived).
    async fn status(&self, ctx: &Context<'_>) -> async_graphql::Result<CollectorStatusGql> {
        let stored = CollectorStatus::from(self.0.status);
        if stored == CollectorStatus::Available
            && ctx
                .loader::<WorkingCollector>()?
                .load_one(self.0.id)
                .await?
                .unwrap_or(false)
        {
            return Ok(CollectorStatus::Busy.into());
        }
        Ok(stored.into())
    }

    /// The vehicle, once the profile is filled in.
    async fn vehicle(&self) -> Result<Option<VehicleGql>, AppError> {
        self.0
            .vehicle
            .as_deref()
            .map(|v| v.parse::<Vehicle>().map(Into::into))
            .transpose()
            .map_err(|e| AppError::Internal(anyhow::anyhow!("stored vehicle: {e}")))
    }

    /// How many kilograms the vehicle carries.
    async fn capacity_kg(&self) -> Option<DecimalString> {
        self.0
            .capacity_kg
            .map(Decimal::from)
            .map(DecimalString::from)
    }

    /// Licences held.
    async fn certifications(&self) -> Vec<CertificationGql> {
        // Unknown names (from a newer version) are skipped rather than failing the read.
        serde_json::from_value::<Vec<String>>(self.0.certifications.clone())
            .unwrap_or_default()
            .iter()
            .filter_map(|name| name.parse::<Certification>().ok())
            .map(Into::into)
            .collect()
    }

    /// A change the collector asked for, waiting for an operator (the profile above
    /// stays in force until it is approved).
    async fn pending_profile(&self) -> Option<PendingProfile> {
        let pending = self.0.pending_profile.as_ref()?;
        Some(PendingProfile {
            vehicle: pending["vehicle"].as_str()?.parse::<Vehicle>().ok()?.into(),
            capacity_kg: DecimalString(pending["capacityKg"].as_str()?.parse().ok()?),
            certifications: serde_json::from_value::<Vec<String>>(
                pending["certifications"].clone(),
            )
            .unwrap_or_default()
            .iter()
            .filter_map(|name| name.parse::<Certification>().ok())
            .map(Into::into)
            .collect(),
            requested_at: serde_json::from_value(pending["requestedAt"].clone()).ok()?,
        })
    }

    /// Assigned pickups the collector never set off for (they lower the dispatch score).
    async fn no_shows(&self) -> i32 {
        self.0.no_shows
    }

    /// Mean stars received, 1 to 5; null before the first rating.
    async fn rating(&self) -> Option<f64> {
        self.0.rating
    }

    /// The collector's name, as customers see it.
    async fn display_name(&self, ctx: &Context<'_>) -> async_graphql::Result<String> {
        Ok(ctx
            .loader::<DisplayNameByUser>()?
            .load_one(self.0.user_id)
            .await?
            .unwrap_or_default())
    }

    /// Operators only: the share of decided offers the collector accepted, 0 to 1:
    /// accepted ÷ (accepted + declined + expired). Offers still pending and offers
    /// withdrawn before an answer do not count; null while no offer counts.
    #[graphql(guard = "RoleGuard::operator()")]
    async fn acceptance_rate(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<f64>> {
        Ok(self.tally(ctx).await?.acceptance_rate())
    }

    /// Operators only: how the collector's offers ended, counted by status (what
    /// `acceptanceRate` is computed from).
    #[graphql(guard = "RoleGuard::operator()")]
    async fn offer_counts(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<OfferCounts>> {
        Ok(Some(self.tally(ctx).await?.into()))
    }

    /// Operators only: the collector's current work, orders assigned to them and not
    /// finished (ASSIGNED, EN_ROUTE, ARRIVED, INSPECTED, AWAITING_CUSTOMER), soonest
    /// window first, at most 50.
    #[graphql(guard = "RoleGuard::operator()")]
    async fn current_orders(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<Vec<PickupOrder>>> {
        let orders = ctx
            .loader::<CurrentOrdersByCollector>()?
            .load_one(self.0.id)
            .await?
            .unwrap_or_default();
        Ok(Some(orders.into_iter().map(PickupOrder::new).collect()))
    }

    /// Operators only: the last position the database keeps (it is written at most every
    /// 30 s; `onlineCollectors` gives the live positions); null before the first.
    #[graphql(guard = "RoleGuard::operator()")]
    async fn last_location(&self) -> Option<GeoPoint> {
        Some(GeoPoint {
            latitude: self.0.last_latitude?,
            longitude: self.0.last_longitude?,
        })
    }

    /// Operators only: when `lastLocation` was recorded.
    #[graphql(guard = "RoleGuard::operator()")]
    async fn last_location_at(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.0.last_location_at
    }
}
