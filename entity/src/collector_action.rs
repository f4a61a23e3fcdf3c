//! `collector_actions`: a collector's steps sent with a client action id, and what each
//! produced, so a replayed step answers with its first result.

use sea_orm::entity::prelude::*;

/// One remembered step, unique per collector and client action id.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "collector_actions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub collector_id: Uuid,
    /// The id the collector's app chose for the step.
    #[sea_orm(primary_key, auto_increment = false)]
    pub client_action_id: String,
    /// Which step it was.
    pub kind: crate::enums::ActionKind,
    /// What it acted on (an order, or an offer).
    pub target_id: Uuid,
    /// What it produced (the order, or the offer), returned to a replay.
    pub result_id: Uuid,
    /// The device's time of the step, if it sent one.
    pub recorded_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

/// Relations are resolved in services; none are declared here.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
