//! `partners`: retailers, municipalities and take-back schemes integrating via API keys.

use sea_orm::entity::prelude::*;

/// One partner and its rate-limit budget.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "partners")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub name: String,
    /// Cost points the bucket holds.
    pub rate_capacity: f64,
    /// Cost points refilled per second.
    pub rate_refill_per_sec: f64,
    pub created_at: DateTimeUtc,
}

/// Relations are resolved in services; none are declared here.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
