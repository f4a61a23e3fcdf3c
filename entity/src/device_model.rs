//! `device_models`: known devices with their reference resale value.

use sea_orm::entity::prelude::*;

use crate::DbDecimal;

/// One device model, e.g. Apple iPhone 13.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "device_models")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub brand: String,
    pub model: String,
    pub category_code: String,
    pub release_year: i32,
    /// Second-hand value of a like-new unit, in the service currency.
    pub resale_value: DbDecimal,
    /// Lower-cased "brand model", for case-insensitive substring search and ordering.
    pub search_key: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

/// Relations are resolved in services; none are declared here.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
