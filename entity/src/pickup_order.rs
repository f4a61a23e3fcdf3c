//! `pickup_orders`: a booked pickup and where it is in its lifecycle.

use sea_orm::entity::prelude::*;

use crate::DbDecimal;

/// One order. `version` grows with every transition (optimistic concurrency).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "pickup_orders")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Human number, e.g. `RL-000123`.
    #[sea_orm(unique)]
    pub number: String,
    #[sea_orm(unique)]
    pub quote_id: Uuid,
    /// The booking user (None for partner bookings on behalf of a customer).
    pub customer_user_id: Option<Uuid>,
    /// Set for BUSINESS customers: members of the organisation see the order.
    pub organization_id: Option<Uuid>,
    pub partner_id: Option<Uuid>,
    pub external_reference: Option<String>,
    pub status: crate::enums::OrderStatus,
    pub version: i32,
    pub address_line1: String,
    pub address_line2: Option<String>,
    pub city: String,
    pub postal_code: Option<String>,
    pub latitude: f64,
    pub longitude: f64,
    pub service_area_id: Uuid,
    pub window_start: DateTimeUtc,
    pub window_end: DateTimeUtc,
    /// The capacity slot the booking uses.
    pub slot_start: DateTimeUtc,
    pub contact_name: String,
    pub contact_phone: String,
    pub notes: Option<String>,
    pub currency: String,
    pub estimated_payout: DbDecimal,
    pub final_payout: Option<DbDecimal>,
    pub logistics_fee: DbDecimal,
    pub total_weight_kg: DbDecimal,
    /// JSON array of certification names the items need.
    pub required_certifications: Json,
    pub collector_id: Option<Uuid>,
    /// How many offer batches dispatch has sent; claiming the next round is a conditional
    /// update, so two instances never send the same round.
    pub dispatch_round: i32,
    /// Proof of pickup.
    pub signature_ref: Option<String>,
    /// JSON array of photo references (proof of pickup).
    pub photo_refs: Json,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

/// Relations are resolved in services; none are declared here.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
