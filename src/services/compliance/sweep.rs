//! The compliance sweep, on its own interval: claims and announces the tasks that turned
//! overdue since the last run (each once, whichever instance claims it), and refreshes
//! the `/metrics` gauges of tasks by status.

use chrono::{DateTime, Utc};
use entity::compliance_task;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use tokio::task::JoinHandle;
use uuid::Uuid;

use super::overdue;
use crate::domain::compliance::task::{self, ComplianceTaskStatus, TaskState};
use crate::error::AppResult;
use crate::state::AppState;

/// Most tasks announced by one run; the next run takes the rest.
pub const BATCH: u64 = 200;

/// One run: announce what turned overdue, then count. Returns how many were announced.
pub async fn sweep(state: &AppState) -> AppResult<usize> {
    let now = state.clock.now();
    let claimed = claim_overdue(state, now).await?;
    for id in &claimed {
        overdue::announce(state, *id).await;
    }
    sample(state, now).await?;
    Ok(claimed.len())
}

/// Marks open tasks past due and not yet announced as announced, in one transaction;
/// the ids this run claimed (another instance's claims are skipped).
async fn claim_overdue(state: &AppState, now: DateTime<Utc>) -> AppResult<Vec<Uuid>> {
    use compliance_task::Column;
    let due = compliance_task::Entity::find()
        .filter(Column::State.eq(TaskState::Open))
        .filter(Column::DueAt.lt(now))
        .filter(Column::OverdueAnnouncedAt.is_null())
        .order_by_asc(Column::DueAt)
        .limit(BATCH)
        .all(&state.db)
        .await?;
    let due: Vec<_> = due
        .into_iter()
        .filter(|t| {
            task::announce_overdue(
                t.state.into(),
                t.due_at,
                t.overdue_announced_at.is_some(),
                now,
            )
        })
        .collect();
    if due.is_empty() {
        return Ok(Vec::new());
    }
    let txn = state.begin_write().await?;
    let mut claimed = Vec::new();
    for found in due {
        let marked = compliance_task::Entity::update_many()
            .col_expr(Column::OverdueAnnouncedAt, Expr::value(now))
            .filter(Column::Id.eq(found.id))
            .filter(Column::State.eq(TaskState::Open))
            .filter(Column::OverdueAnnouncedAt.is_null())
            .exec(&txn)
            .await?;
        if marked.rows_affected == 1 {
            claimed.push(found.id);
        }
    }
    txn.commit().await?;
    Ok(claimed)
}

/// Tasks by status at `now`.
pub async fn counts(
    conn: &impl ConnectionTrait,
    now: DateTime<Utc>,
) -> AppResult<[(ComplianceTaskStatus, u64); 3]> {
    use compliance_task::Column;
    let open = || compliance_task::Entity::find().filter(Column::State.eq(TaskState::Open));
    let reported = compliance_task::Entity::find()
        .filter(Column::State.eq(TaskState::Reported))
        .count(conn)
        .await?;
    let overdue = open().filter(Column::DueAt.lt(now)).count(conn).await?;
    let pending = open().filter(Column::DueAt.gte(now)).count(conn).await?;
    Ok([
        (ComplianceTaskStatus::Open, pending),
        (ComplianceTaskStatus::Overdue, overdue),
        (ComplianceTaskStatus::Reported, reported),
    ])
}

async fn sample(state: &AppState, now: DateTime<Utc>) -> AppResult<()> {
    for (status, count) in counts(&state.db, now).await? {
        state
            .metrics
            .compliance_tasks(status.as_str())
            .set(i64::try_from(count).unwrap_or(i64::MAX));
    }
    Ok(())
}

/// Sweeps now and then every `RELOOP_COMPLIANCE_SWEEP_SECS`; a failed run is logged and
/// retried at the next tick.
pub fn spawn_compliance_sweeper(state: AppState) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(state.config.compliance.sweep_interval);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            if let Err(err) = sweep(&state).await {
                tracing::warn!(error = ?err.into_anyhow(), "the compliance sweep failed");
            }
        }
    })
}
