//! `asset_lists`: one asset list a business (or a partner for one) imported.

use sea_orm::entity::prelude::*;

/// One imported list; its lines are `assets`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "asset_lists")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The importing business user's organisation.
    pub organization_id: Option<Uuid>,
    pub owner_user_id: Option<Uuid>,
    /// The partner that imported it for a customer.
    pub partner_id: Option<Uuid>,
    pub name: Option<String>,
    /// Lines imported (valid lines only, when the caller asked for a partial import).
    pub line_count: i32,
    pub created_at: DateTimeUtc,
}

/// Relations are resolved in services; none are declared here.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
