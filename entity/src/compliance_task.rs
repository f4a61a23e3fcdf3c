//! `compliance_tasks`: a battery custody event to report to the national traceability
//! platform, its deadline, and the platform's reference once reported.

use sea_orm::entity::prelude::*;

/// One task.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "compliance_tasks")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub kind: crate::enums::ComplianceKind,
    pub item_id: Uuid,
    pub order_id: Uuid,
    /// The custody event that called for it (one task per event).
    #[sea_orm(unique)]
    pub event_id: Uuid,
    pub step: crate::enums::CustodyStep,
    pub trace_code: Option<String>,
    /// When the event happened (the device's time where it sent one).
    pub event_at: DateTimeUtc,
    /// Working days allowed when it was created.
    pub working_days: i32,
    /// The last second of the last working day, in the reporting time zone.
    pub due_at: DateTimeUtc,
    /// Counted over a year the holiday calendar only projects; recomputed at start-up.
    pub provisional: bool,
    /// OPEN or REPORTED (OVERDUE is derived: OPEN past `due_at`).
    pub state: crate::enums::ComplianceTaskState,
    pub reported_at: Option<DateTimeUtc>,
    pub reported_by: Option<Uuid>,
    /// The national platform's reference for the report.
    pub reference: Option<String>,
    /// When the sweep announced it overdue (once).
    pub overdue_announced_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

/// Relations are resolved in services; none are declared here.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
