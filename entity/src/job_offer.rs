//! `job_offers`: an order offered to one collector.

use sea_orm::entity::prelude::*;

/// One offer. `status` is PENDING, ACCEPTED, DECLINED, EXPIRED or WITHDRAWN.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "job_offers")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub order_id: Uuid,
    pub collector_id: Uuid,
    pub status: crate::enums::OfferStatus,
    /// The dispatch round (batch) that made it.
    pub round: i32,
    /// Distance from the collector to the pickup when offered.
    pub distance_km: f64,
    /// The ranking score it was chosen with.
    pub score: f64,
    pub created_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
    pub responded_at: Option<DateTimeUtc>,
    /// Decline reason.
    pub reason: Option<String>,
}

/// Relations are resolved in services; none are declared here.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
