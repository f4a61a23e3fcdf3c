//! `payouts`: what a completed order pays the customer.

use sea_orm::entity::prelude::*;

use crate::DbDecimal;

/// One payout per completed order.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "payouts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub order_id: Uuid,
    pub amount: DbDecimal,
    pub currency: String,
    /// e.g. WALLET.
    pub method: String,
    /// PENDING, then PAID or FAILED (a FAILED payout may be paid later).
    pub status: crate::enums::PayoutStatus,
    pub created_at: DateTimeUtc,
    pub paid_at: Option<DateTimeUtc>,
    /// The payment's reference (bank transfer, wallet transaction), once settled.
    pub reference: Option<String>,
    /// When it was last settled (paid or failed).
    pub settled_at: Option<DateTimeUtc>,
}

/// Relations are resolved in services; none are declared here.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
