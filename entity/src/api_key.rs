//! `api_keys`: a partner's keys, stored as hashes only.

use sea_orm::entity::prelude::*;

/// One key; the secret itself is shown once and never stored.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "api_keys")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub partner_id: Uuid,
    pub name: String,
    /// The recognisable start of the secret (e.g. `rlk_3f9a2c1b`), for support and logs.
    pub prefix: String,
    /// SHA-256 of the whole secret.
    #[sea_orm(unique)]
    pub key_hash: String,
    /// JSON array of scope names.
    pub scopes: Json,
    pub created_at: DateTimeUtc,
    pub revoked_at: Option<DateTimeUtc>,
    pub last_used_at: Option<DateTimeUtc>,
}

/// Relations are resolved in services; none are declared here.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
