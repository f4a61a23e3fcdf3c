//! `material_prices`: price per kg of a recovered material from a date on (history kept).

use sea_orm::entity::prelude::*;

use crate::DbDecimal;

/// One price point; the current price is the latest one already in effect.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "material_prices")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub material: String,
    pub price_per_kg: DbDecimal,
    pub effective_from: DateTimeUtc,
    pub created_at: DateTimeUtc,
    /// The operator who set it; None for seeded prices.
    pub created_by: Option<Uuid>,
}

/// Relations are resolved in services; none are declared here.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
