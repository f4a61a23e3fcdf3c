//! `transfers`: a collector's hand-over of items to a facility (`TN-000042`).

use sea_orm::entity::prelude::*;

/// One transfer note.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "transfers")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub number: String,
    pub facility_id: Uuid,
    pub collector_id: Uuid,
    pub status: crate::enums::TransferStatus,
    /// The app's id for the hand-over; a retry with it returns this transfer.
    pub client_action_id: Option<String>,
    pub created_at: DateTimeUtc,
    /// Device time of the hand-over.
    pub recorded_at: DateTimeUtc,
    pub received_at: Option<DateTimeUtc>,
    pub received_by: Option<Uuid>,
}

/// Relations are resolved in services; none are declared here.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
