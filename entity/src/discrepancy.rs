//! `discrepancies`: what did not match (a weight at receipt, a trace code at the door),
//! recorded instead of overwritten, for operators to clear.

use sea_orm::entity::prelude::*;

/// One discrepancy.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "discrepancies")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// e.g. `WEIGHT_AT_RECEIPT`.
    pub kind: String,
    pub order_id: Uuid,
    pub item_id: Option<Uuid>,
    /// The order line, for what was found at the door (before there is an item).
    pub order_line_id: Option<Uuid>,
    pub transfer_id: Option<Uuid>,
    pub detail: String,
    pub expected: Option<String>,
    pub found: Option<String>,
    pub created_at: DateTimeUtc,
    pub resolved_at: Option<DateTimeUtc>,
    pub resolved_by: Option<Uuid>,
    pub resolution: Option<String>,
}

/// Relations are resolved in services; none are declared here.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
