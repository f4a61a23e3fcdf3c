//! `quote_lines`: one priced item of a quote.

use sea_orm::entity::prelude::*;

use crate::DbDecimal;

/// One line; `item` holds the priced item (evidence) and the caller's input references.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "quote_lines")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub quote_id: Uuid,
    pub position: i32,
    pub description: String,
    pub quantity: i32,
    /// REUSE, MATERIAL_RECOVERY or DISPOSAL_FEE.
    pub method: String,
    pub amount: DbDecimal,
    /// JSON array of {label, amount}; sums exactly to `amount`.
    pub breakdown: Json,
    pub total_weight_kg: DbDecimal,
    pub item: Json,
}

/// Relations are resolved in services; none are declared here.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
