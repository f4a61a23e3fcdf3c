//! `certificates`: an order's signed certificate of recycling (and data sanitisation).

use sea_orm::entity::prelude::*;

/// One certificate; `payload` is the exact JSON text that was signed.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "certificates")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub order_id: Uuid,
    pub payload: String,
    /// Base64 Ed25519 signature over the payload's UTF-8 bytes.
    pub signature: String,
    pub key_id: String,
    pub issued_at: DateTimeUtc,
}

/// Relations are resolved in services; none are declared here.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
