//! Compliance tasks: created with the battery custody event that calls for one, listed
//! for operators soonest due first, and marked reported with the platform's reference.

use chrono::{DateTime, Utc};
use entity::{compliance_task, custody_event, custody_item};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use serde_json::json;
use uuid::Uuid;

use crate::domain::compliance::task::{self, ComplianceTaskStatus, PlatformReference, TaskState};
use crate::domain::compliance::{ComplianceKind, DeadlineRules};
use crate::domain::custody::{CustodyStep, ProcessingOutcome};
use crate::error::{AppError, AppResult};
use crate::services::catalog::audit;
use crate::services::pagination::Page;
use crate::state::AppState;

/// Creates the task `event` calls for, if `item` is a battery and the rules want one for
/// that step (and outcome). Runs in the caller's transaction, right after the event.
pub async fn on_battery_event(
    conn: &impl ConnectionTrait,
    rules: &DeadlineRules,
    item: &custody_item::Model,
    event: &custody_event::Model,
    outcome: Option<ProcessingOutcome>,
) -> AppResult<Option<compliance_task::Model>> {
    if item.battery_status.is_none() {
        return Ok(None);
    }
    let step = CustodyStep::from(event.step);
    let Some(kind) = ComplianceKind::of_event(step, outcome) else {
        return Ok(None);
    };
    // The event's own time (the device's, where it sent one): when it happened.
    let Some(deadline) = rules.deadline(kind, event.recorded_at) else {
        return Ok(None);
    };
    let task = compliance_task::ActiveModel {
        id: Set(Uuid::new_v4()),
        kind: Set(kind.into()),
        item_id: Set(item.id),
        order_id: Set(item.order_id),
        event_id: Set(event.id),
        step: Set(event.step),
        trace_code: Set(item.trace_code.clone()),
        event_at: Set(event.recorded_at),
        working_days: Set(i32::try_from(deadline.working_days).unwrap_or(i32::MAX)),
        due_at: Set(deadline.due_at),
        provisional: Set(deadline.provisional),
        state: Set(TaskState::Open.into()),
        reported_at: Set(None),
        reported_by: Set(None),
        reference: Set(None),
        overdue_announced_at: Set(None),
        created_at: Set(event.at),
    }
    .insert(conn)
    .await?;
    Ok(Some(task))
}

/// Which tasks an operator asks for.
#[derive(Clone, Copy, Debug, Default)]
pub struct TaskFilter {
    /// Only this status (OVERDUE: open and past due; OPEN: open and not yet due).
    pub status: Option<ComplianceTaskStatus>,
    /// Only tasks due before this instant.
    pub due_before: Option<DateTime<Utc>>,
}

/// Tasks matching `filter` at `now`, soonest due first (the most overdue on top), after
/// the `(dueAt, id)` cursor.
pub async fn list(
    conn: &impl ConnectionTrait,
    filter: TaskFilter,
    now: DateTime<Utc>,
    take: u64,
    after: Option<(DateTime<Utc>, Uuid)>,
) -> AppResult<Page<compliance_task::Model>> {
    use compliance_task::Column;
    let mut query = compliance_task::Entity::find();
    query = match filter.status {
        None => query,
        Some(ComplianceTaskStatus::Reported) => query.filter(Column::State.eq(TaskState::Reported)),
        Some(ComplianceTaskStatus::Open) => query
            .filter(Column::State.eq(TaskState::Open))
            .filter(Column::DueAt.gte(now)),
        Some(ComplianceTaskStatus::Overdue) => query
            .filter(Column::State.eq(TaskState::Open))
            .filter(Column::DueAt.lt(now)),
    };
    if let Some(before) = filter.due_before {
        query = query.filter(Column::DueAt.lt(before));
    }
    if let Some((due_at, id)) = after {
        query = query.filter(
            Condition::any().add(Column::DueAt.gt(due_at)).add(
                Condition::all()
                    .add(Column::DueAt.eq(due_at))
                    .add(Column::Id.gt(id)),
            ),
        );
    }
    let rows = query
        .order_by_asc(Column::DueAt)
        .order_by_asc(Column::Id)
        .limit(take + 1)
        .all(conn)
        .await?;
    Ok(Page::from_rows(rows, take))
}

/// Marks a task reported with the platform's `reference` (operators; audited):
/// NOT_FOUND for an unknown task, INVALID_STATE when it was already reported.
#[tracing::instrument(skip_all, fields(%task_id))]
pub async fn mark_reported(
    state: &AppState,
    operator: Uuid,
    task_id: Uuid,
    reference: &PlatformReference,
) -> AppResult<compliance_task::Model> {
    let reference = reference.as_str();
    let now = state.clock.now();
    let txn = state.begin_write().await?;
    let found = compliance_task::Entity::find_by_id(task_id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound("compliance task"))?;
    let already = || {
        AppError::InvalidState(format!(
            "the task was already reported (reference {})",
            found.reference.as_deref().unwrap_or("unknown")
        ))
    };
    task::report(found.state.into()).map_err(|_| already())?;
    let late = task::status(found.state.into(), found.due_at, now) == ComplianceTaskStatus::Overdue;
    // Conditional: of two operators reporting at once, the second finds it reported.
    let changed = compliance_task::Entity::update_many()
        .col_expr(
            compliance_task::Column::State,
            Expr::value(TaskState::Reported),
        )
        .col_expr(compliance_task::Column::ReportedAt, Expr::value(now))
        .col_expr(compliance_task::Column::ReportedBy, Expr::value(operator))
        .col_expr(compliance_task::Column::Reference, Expr::value(reference))
        .filter(compliance_task::Column::Id.eq(task_id))
        .filter(compliance_task::Column::State.eq(TaskState::Open))
        .exec(&txn)
        .await?;
    if changed.rows_affected != 1 {
        return Err(already());
    }
    let details = json!({"reference": reference, "kind": ComplianceKind::from(found.kind).as_str(), "itemId": found.item_id,
                         "dueAt": found.due_at, "late": late});
    audit::record(
        &txn,
        operator,
        "compliance_task.report",
        "compliance_task",
        &task_id.to_string(),
        details,
        now,
    )
    .await?;
    txn.commit().await?;
    compliance_task::Entity::find_by_id(task_id)
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound("compliance task"))
}

/// Recounts the deadlines of open tasks that were counted over a provisional (or
/// uncovered) year, with the calendar in force now: run at start-up, so a published
/// notice that replaced a projection moves their dates. Returns how many moved.
pub async fn recount_provisional(state: &AppState) -> AppResult<usize> {
    let rules = &state.config.compliance.rules;
    let open = compliance_task::Entity::find()
        .filter(compliance_task::Column::State.eq(TaskState::Open))
        .filter(compliance_task::Column::Provisional.eq(true))
        .all(&state.db)
        .await?;
    let mut moved = 0;
    for found in open {
        let days = u32::try_from(found.working_days).unwrap_or(0);
        let now = rules.count(ComplianceKind::from(found.kind), days, found.event_at);
        if now.due_at == found.due_at && now.provisional == found.provisional {
            continue;
        }
        let txn = state.begin_write().await?;
        compliance_task::Entity::update_many()
            .col_expr(compliance_task::Column::DueAt, Expr::value(now.due_at))
            .col_expr(
                compliance_task::Column::Provisional,
                Expr::value(now.provisional),
            )
            .filter(compliance_task::Column::Id.eq(found.id))
            .filter(compliance_task::Column::State.eq(TaskState::Open))
            .exec(&txn)
            .await?;
        txn.commit().await?;
        moved += 1;
    }
    Ok(moved)
}
