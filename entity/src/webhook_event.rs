//! `webhook_events`: the outbox, written in the same transaction as the change it reports.

use sea_orm::entity::prelude::*;

/// One event; its id is the `webhook-id` of every delivery of it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "webhook_events")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub partner_id: Uuid,
    /// ORDER_STATUS_CHANGED, OFFER_OUTCOME or PAYOUT.
    pub event_type: String,
    /// The `data` of the request body.
    pub payload: Json,
    pub created_at: DateTimeUtc,
}

/// Relations are resolved in services; none are declared here.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
