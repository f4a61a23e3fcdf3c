//! `assets`: one line of an asset list, the unit the disposition report answers for.

use sea_orm::entity::prelude::*;

use crate::DbDecimal;

/// One asset. `organization_id` / `partner_id` repeat the list's owner: they are the
/// report's scope columns.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "assets")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub asset_list_id: Uuid,
    pub organization_id: Option<Uuid>,
    pub partner_id: Option<Uuid>,
    /// The line of the CSV (header = line 1) or the position in the input list (from 1).
    pub line_number: i32,
    pub category_code: String,
    pub device_model_id: Option<Uuid>,
    /// Normalised serial or IMEI.
    pub serial_number: Option<String>,
    pub asset_tag: Option<String>,
    /// Condition grade name, e.g. `GOOD`.
    pub condition: Option<String>,
    pub weight_kg: Option<DbDecimal>,
    pub created_at: DateTimeUtc,
}

/// Relations are resolved in services; none are declared here.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
