//! `quotes`: a priced offer, locked until `valid_until`, with its pricing evidence.

use sea_orm::entity::prelude::*;

use crate::DbDecimal;

/// One quote. `status` is ACTIVE or USED; EXPIRED is derived from `valid_until`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "quotes")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// None for an anonymous quote: whoever holds the id may read it until it is booked.
    pub owner_user_id: Option<Uuid>,
    /// Set for quotes requested with a partner's API key.
    pub owner_partner_id: Option<Uuid>,
    pub status: crate::enums::QuoteStatus,
    pub currency: String,
    pub valid_until: DateTimeUtc,
    pub logistics_fee: DbDecimal,
    /// JSON array of {label, amount}.
    pub logistics_breakdown: Json,
    pub total: DbDecimal,
    pub pickup_latitude: Option<f64>,
    pub pickup_longitude: Option<f64>,
    /// Everything the quote was priced from (price table, context, items), so an
    /// inspection can re-price against it rather than today's prices.
    pub evidence: Json,
    pub created_at: DateTimeUtc,
    pub used_at: Option<DateTimeUtc>,
}

/// Relations are resolved in services; none are declared here.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
