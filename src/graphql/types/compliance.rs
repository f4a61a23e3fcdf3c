//! Compliance tasks in the API: what to report to the national traceability platform
//! about a battery custody event, by when, and the platform's reference once reported.

use async_graphql::{Enum, ID, Object};
use chrono::{DateTime, Utc};
use entity::compliance_task;

use super::custody::CustodyStepGql;
use crate::domain::compliance::ComplianceKind;
use crate::domain::compliance::task::{self, TaskState};
use crate::domain::custody::CustodyStep;

/// Where a reporting task stands.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(
    name = "ComplianceTaskStatus",
    remote = "crate::domain::compliance::ComplianceTaskStatus"
)]
pub enum ComplianceTaskStatusGql {
    /// Not reported yet; the deadline is ahead.
    Open,
    /// Reported to the platform, with its reference.
    Reported,
    /// Not reported, and the deadline has passed.
    Overdue,
}

/// A battery custody event to report to the national traceability platform.
pub struct ComplianceTask {
    row: compliance_task::Model,
    /// When the status is read (OVERDUE is an open task read after its deadline).
    now: DateTime<Utc>,
}

impl ComplianceTask {
    /// The task as of `now`.
    pub fn new(row: compliance_task::Model, now: DateTime<Utc>) -> Self {
        Self { row, now }
    }
}

/// A battery custody event to report to the national traceability platform (MIIT
/// traction-battery traceability measures), due a number of working days after the event.
#[Object]
impl ComplianceTask {
    /// The task id.
    async fn id(&self) -> ID {
        ID(self.row.id.to_string())
    }

    /// What to report: COLLECTION_HANDOVER (taken in and handed on, 30 working days by
    /// default), RECYCLER_INTAKE (30), RECYCLING_COMPLETED (30) or SECOND_LIFE_INTAKE (15).
    async fn kind(&self) -> &'static str {
        ComplianceKind::from(self.row.kind).as_str()
    }

    /// The custody item (the battery).
    async fn item_id(&self) -> ID {
        ID(self.row.item_id.to_string())
    }

    /// The battery's trace code (GB/T 34014 or as given), if it has one.
    async fn trace_code(&self) -> Option<&str> {
        self.row.trace_code.as_deref()
    }

    /// The last second of the last working day to report in, in the reporting time zone
    /// (Asia/Shanghai unless configured otherwise).
    async fn due_at(&self) -> DateTime<Utc> {
        self.row.due_at
    }

    /// OPEN, OVERDUE (open past `dueAt`) or REPORTED.
    async fn status(&self) -> ComplianceTaskStatusGql {
        task::status(TaskState::from(self.row.state), self.row.due_at, self.now).into()
    }

    /// When an operator marked it reported.
    async fn reported_at(&self) -> Option<DateTime<Utc>> {
        self.row.reported_at
    }

    /// The national platform's reference for the report.
    async fn reference(&self) -> Option<&str> {
        self.row.reference.as_deref()
    }

    /// The order the battery was collected with.
    async fn order_id(&self) -> ID {
        ID(self.row.order_id.to_string())
    }

    /// The custody step that called for the report.
    async fn step(&self) -> CustodyStepGql {
        CustodyStep::from(self.row.step).into()
    }

    /// When that step happened (the device's time where it sent one); the first working
    /// day counted is the next one.
    async fn event_at(&self) -> DateTime<Utc> {
        self.row.event_at
    }

    /// Working days allowed.
    async fn working_days(&self) -> i32 {
        self.row.working_days
    }

    /// Whether `dueAt` was counted over a year whose holidays are only projected (not yet
    /// published); it is recounted when the published calendar is installed.
    async fn due_at_provisional(&self) -> bool {
        self.row.provisional
    }
}
