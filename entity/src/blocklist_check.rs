//! `blocklist_checks`: every blocklist check, hit or miss, with who and when.

use sea_orm::entity::prelude::*;

/// One check.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "blocklist_checks")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub serial_hash: String,
    pub hit: bool,
    pub blocked_device_id: Option<Uuid>,
    /// QUOTE or INSPECTION.
    pub context: String,
    pub quote_id: Option<Uuid>,
    pub order_id: Option<Uuid>,
    pub actor_user_id: Option<Uuid>,
    pub partner_id: Option<Uuid>,
    pub created_at: DateTimeUtc,
}

/// Relations are resolved in services; none are declared here.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
