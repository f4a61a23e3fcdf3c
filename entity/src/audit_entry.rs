//! `audit_log`: who changed what, when (catalog, prices).

use sea_orm::entity::prelude::*;

/// One audited change.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_log")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub actor_user_id: Uuid,
    /// e.g. `category.upsert`, `device_model.create`, `material_price.set`.
    pub action: String,
    pub entity_type: String,
    pub entity_id: String,
    /// The new values (and old ones where they changed).
    pub details: Json,
    pub at: DateTimeUtc,
}

/// Relations are resolved in services; none are declared here.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
