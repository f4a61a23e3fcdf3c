//! `custody_checkpoints`: signed tree heads over every item's chain head.

use sea_orm::entity::prelude::*;

/// One checkpoint.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "custody_checkpoints")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub number: i64,
    pub origin: String,
    /// Chains (leaves) covered.
    pub tree_size: i64,
    /// Events covered.
    pub events: i64,
    /// Base64 Merkle root.
    pub root_hash: String,
    pub issued_at: DateTimeUtc,
    /// The signed note, as published.
    pub note: String,
    pub key_id: String,
}

/// Relations are resolved in services; none are declared here.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
