//! `report_rollups`: what one bucket (day × area × category × collector × facility ×
//! organisation × partner) adds up to. Amounts are micro-units (1e-6 kg or currency
//! unit); "none" is the nil UUID. Written only by additive upserts.

use sea_orm::entity::prelude::*;

/// One bucket.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "report_rollups")]
pub struct Model {
    /// `YYYY-MM-DD` in the reporting time zone: the day the pickup completed.
    #[sea_orm(primary_key, auto_increment = false)]
    pub day: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub service_area_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub category_code: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub collector_id: Uuid,
    /// The facility that accepted the items (nil until one did).
    #[sea_orm(primary_key, auto_increment = false)]
    pub facility_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub organization_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub partner_id: Uuid,
    pub orders: i64,
    pub items: i64,
    pub measured_kg: i64,
    pub estimated_kg: i64,
    pub payout: i64,
    pub disposal_fees: i64,
    pub logistics_fees: i64,
    /// Micro-kg CO2e avoided (estimate).
    pub co2e_kg: i64,
}

/// Relations are resolved in services; none are declared here.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
