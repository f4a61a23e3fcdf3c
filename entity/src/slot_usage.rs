//! `slot_usage`: how many bookings each service area's time slot holds.

use sea_orm::entity::prelude::*;

/// One slot's count; raised only while below the area's capacity.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "slot_usage")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub service_area_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub slot_start: DateTimeUtc,
    pub used: i32,
    /// Weight booked in the slot, micro-kg (integer, so the upsert adds it exactly).
    pub used_micro_kg: i64,
}

/// Relations are resolved in services; none are declared here.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
