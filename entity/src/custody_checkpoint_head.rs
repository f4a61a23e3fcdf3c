//! `custody_checkpoint_heads`: the head sequence of each chain that changed since the
//! previous checkpoint, so any checkpoint can be recomputed from today's events later.

use sea_orm::entity::prelude::*;

/// One chain head covered by one checkpoint.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "custody_checkpoint_heads")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub checkpoint_number: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub item_id: Uuid,
    pub sequence: i32,
}

/// Relations are resolved in services; none are declared here.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
