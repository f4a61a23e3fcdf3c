//! `price_tables`: a price table (material prices, rules, currency) quotes were priced
//! with, stored once under its content-derived version.

use sea_orm::entity::prelude::*;

/// One price table. Rows are immutable: the version is a hash of the body.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "price_tables")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub version: String,
    /// The table as JSON (`domain::pricing::PriceTable`).
    pub body: Json,
    pub created_at: DateTimeUtc,
}

/// Quotes name their table by version in their evidence; no relation is declared.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
