//! `report_month_material_rollups`: the area material rollups summed by calendar
//! month (`YYYY-MM`).

use sea_orm::entity::prelude::*;

/// One material of one area × category × month.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "report_month_material_rollups")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub month: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub service_area_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub category_code: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub material: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub estimated: bool,
    pub kg: i64,
}

/// Relations are resolved in services; none are declared here.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
