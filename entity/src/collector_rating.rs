//! `collector_ratings`: a customer's stars for the collector of a completed order.

use sea_orm::entity::prelude::*;

/// One rating per order.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "collector_ratings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub order_id: Uuid,
    pub collector_id: Uuid,
    pub customer_user_id: Uuid,
    pub stars: i32,
    pub comment: Option<String>,
    pub created_at: DateTimeUtc,
}

/// Relations are resolved in services; none are declared here.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
