//! `report_month_rollups`: the area rollups summed by calendar month (`YYYY-MM`) of the
//! reporting time zone, for operators' reports over whole months.

use sea_orm::entity::prelude::*;

/// One area × category × month.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "report_month_rollups")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub month: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub service_area_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub category_code: String,
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
