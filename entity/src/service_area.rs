//! `service_areas`: the regions reloop serves.

use sea_orm::entity::prelude::*;

/// One service area: a circle around a city centre.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "service_areas")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub name: String,
    pub city: String,
    pub center_latitude: f64,
    pub center_longitude: f64,
    pub radius_km: f64,
    /// How far dispatch may search for collectors.
    pub max_dispatch_radius_km: f64,
    /// Pickups bookable per time slot.
    pub slot_capacity: i32,
    /// Kg bookable per time slot, beside the count.
    pub slot_weight_capacity_kg: i32,
    /// IANA time zone of the service hours, e.g. `Asia/Shanghai`.
    pub time_zone: String,
    /// Opening time, minutes after local midnight.
    pub opens_minute: i32,
    /// Closing time, minutes after local midnight (1440: midnight at the day's end).
    pub closes_minute: i32,
    pub created_at: DateTimeUtc,
}

/// Relations are resolved in services; none are declared here.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
