//! `idempotency_keys`: which order a booking key produced, and from what input.

use sea_orm::entity::prelude::*;

/// One key, unique per scope (the caller).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "idempotency_keys")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub scope: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub key: String,
    /// SHA-256 of the canonical request.
    pub request_hash: String,
    pub order_id: Uuid,
    pub created_at: DateTimeUtc,
}

/// Relations are resolved in services; none are declared here.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
