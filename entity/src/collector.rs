//! `collectors`: the profile of a COLLECTOR user (vehicle, certifications, status).

use sea_orm::entity::prelude::*;

use crate::DbDecimal;

/// One collector profile; `user_id` is unique (one profile per user).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "collectors")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub user_id: Uuid,
    pub verified: bool,
    /// OFFLINE, AVAILABLE or BUSY.
    pub status: crate::enums::CollectorStatus,
    /// BIKE, VAN or TRUCK once the profile is filled in.
    pub vehicle: Option<String>,
    pub capacity_kg: Option<DbDecimal>,
    /// JSON array of certification names.
    pub certifications: Json,
    /// Mean of the stars received; None until the first rating.
    pub rating: Option<f64>,
    pub rating_count: i32,
    /// The service area the collector usually works in.
    pub home_service_area_id: Option<Uuid>,
    /// Last known position (written at most every few seconds; live positions are in
    /// the geo index).
    pub last_latitude: Option<f64>,
    pub last_longitude: Option<f64>,
    pub last_location_at: Option<DateTimeUtc>,
    /// Offers received and accepted, for the acceptance rate.
    pub offers_received: i32,
    pub offers_accepted: i32,
    /// Assigned orders the collector never set off for.
    pub no_shows: i32,
    /// A verified collector's requested profile change awaiting an operator:
    /// `{vehicle, capacityKg, certifications, requestedAt}`.
    pub pending_profile: Option<Json>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

/// Relations are resolved in services; none are declared here.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
