//! `order_lines`: the items of an order, from its quote, re-priced at inspection.

use sea_orm::entity::prelude::*;

use crate::DbDecimal;

/// One line.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "order_lines")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub order_id: Uuid,
    pub quote_line_id: Uuid,
    pub position: i32,
    pub description: String,
    pub quoted_amount: DbDecimal,
    /// Set by the inspection.
    pub final_amount: Option<DbDecimal>,
    /// The condition found at inspection.
    pub condition: Option<String>,
    /// The weight found at inspection (per unit).
    pub weight_kg: Option<DbDecimal>,
    pub serial_number: Option<String>,
    pub photo_refs: Json,
    /// The priced item (pricing evidence) copied from the quote line.
    pub item: Json,
    /// The inspection's re-pricing: breakdown and difference.
    pub inspection: Option<Json>,
    /// The asset-list line this line was quoted from (business asset lists).
    pub asset_id: Option<Uuid>,
}

/// Relations are resolved in services; none are declared here.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
