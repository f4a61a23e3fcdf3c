//! `report_item_facts`: what one custody item added to the report rollups at completion
//! (its bucket and amounts, micro-units), so a receipt or a processing record can move or
//! replace exactly that contribution.

use sea_orm::entity::prelude::*;

/// One item's contribution.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "report_item_facts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub item_id: Uuid,
    pub order_id: Uuid,
    pub day: String,
    pub service_area_id: Uuid,
    pub category_code: String,
    pub collector_id: Uuid,
    pub facility_id: Uuid,
    pub organization_id: Uuid,
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
    /// JSON object: material → estimated micro-kg (removed once the item is processed).
    pub estimated_materials: Json,
}

/// Relations are resolved in services; none are declared here.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
