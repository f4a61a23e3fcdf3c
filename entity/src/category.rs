//! `categories`: the kinds of items reloop collects and how each is priced.

use sea_orm::entity::prelude::*;

use crate::DbDecimal;

/// One category, e.g. SMARTPHONE or EV_BATTERY_PACK.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "categories")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub code: String,
    pub name: String,
    /// PIECE or KG.
    pub pricing_unit: String,
    pub hazardous: bool,
    /// The certification a collector needs to take this category, if any.
    pub required_certification: Option<String>,
    pub typical_weight_kg: DbDecimal,
    /// Cost of handling one unit (or one kg when priced by KG), in the base currency.
    pub handling_cost: DbDecimal,
    /// JSON object: material name → kg recovered per unit.
    pub materials: Json,
    /// JSON object: material → recovery rate this category's process achieves,
    /// overriding the published per-material rate.
    pub recovery_rates: Json,
    /// kg CO2e avoided per kg collected (a published factor, an estimate); none when
    /// no factor is set.
    pub co2e_avoided_kg_per_kg: Option<DbDecimal>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

/// Relations are resolved in services; none are declared here.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
