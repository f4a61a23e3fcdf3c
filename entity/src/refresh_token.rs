//! `refresh_tokens`: hashed, rotating refresh tokens grouped in families.

use sea_orm::entity::prelude::*;

/// One issued refresh token. The token itself is never stored, only its SHA-256.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "refresh_tokens")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub user_id: Uuid,
    /// Every token rotated from one login shares a family; reuse revokes the family.
    pub family_id: Uuid,
    #[sea_orm(unique)]
    pub token_hash: String,
    pub expires_at: DateTimeUtc,
    pub created_at: DateTimeUtc,
    /// Set when the token was exchanged for a new one.
    pub rotated_at: Option<DateTimeUtc>,
    /// Set when the family was revoked (logout or reuse detected).
    pub revoked_at: Option<DateTimeUtc>,
}

/// Relations are resolved in services; none are declared here.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
