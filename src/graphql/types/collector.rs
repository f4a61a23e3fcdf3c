//! `Collector`: a collector's profile and availability.

use async_graphql::{Context, ID, Object, SimpleObject};
use entity::collector;
use rust_decimal::Decimal;

use super::decimal::DecimalString;
use super::enums::{CertificationGql, CollectorStatusGql, VehicleGql};
use crate::domain::{Certification, CollectorStatus, Vehicle};
use crate::error::AppError;
use crate::graphql::context::ContextExt;
use crate::graphql::loaders::WorkingCollector;

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

/// A collector profile.
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
}
