//! Offline-first collector steps: the one place a step sent with a client action id is
//! run at most once. An app with patchy signal queues its steps and sends them when it
//! can, perhaps twice; the first send runs the step and remembers, in the step's own
//! transaction, what it produced; every later send of the same id by the same collector
//! answers with that result instead of INVALID_STATE. The same id for another step or
//! another target is VALIDATION.
//!
//! A step opts in by calling [`replay_or_run`] with a closure that does its work and,
//! before committing, calls [`Stamp::remember`] on the transaction it commits:
//!
//! ```text
//! replay_or_run(state, who, DeviceAction, kind, target, |stamp| async move {
//!     let txn = state.begin_write().await?;
//!     … the step, recording stamp.recorded_at() on its event …
//!     stamp.remember(&txn, result_id, now).await?;
//!     txn.commit().await?;
//!     Ok(result)
//! })  →  Ran::Fresh(result) | Ran::Replayed(result_id)
//!      .or_reload(|id| read id as the caller may see it)
//! ```
//!
//! Two sends of the same id at once: one commits; the other fails inside its transaction
//! (the order moved on, or the remembered id is taken) and finds the first's result.

use std::future::Future;

use chrono::{DateTime, Utc};
use entity::collector_action;
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, Set};
use uuid::Uuid;

use crate::domain::field_action::{ActionKind, ClientActionId};
use crate::error::{AppError, AppResult};
use crate::infra::db::is_unique_violation;
use crate::state::AppState;

/// What a collector's app sent along with a step.
#[derive(Clone, Debug, Default)]
pub struct DeviceAction {
    /// The app's id for the step; with it, a replay returns the first result.
    pub id: Option<ClientActionId>,
    /// When the step happened on the device.
    pub recorded_at: Option<DateTime<Utc>>,
    /// Where the arguments sit in the request (`""` for arguments, `"input."` for fields
    /// of an input object), for the VALIDATION error's field.
    pub field_prefix: &'static str,
}

impl DeviceAction {
    fn field(&self, name: &str) -> String {
        format!("{}{name}", self.field_prefix)
    }
}

/// Who acts, and on what: the key a replay is recognised by.
#[derive(Clone, Copy, Debug)]
pub struct ActionTarget {
    /// The acting collector.
    pub collector_id: Uuid,
    /// The step.
    pub kind: ActionKind,
    /// The order or offer the step acts on.
    pub target_id: Uuid,
}

/// Handed to a step: the checked device time for its event, and [`Stamp::remember`] to
/// call in its transaction.
#[derive(Clone, Debug, Default)]
pub struct Stamp {
    remembered: Option<(ActionTarget, ClientActionId)>,
    recorded_at: Option<DateTime<Utc>>,
}

impl Stamp {
    /// No device, nothing to remember (operators, the system, tests of the step itself).
    pub fn none() -> Self {
        Self::default()
    }

    /// The device's time of the step, checked against the server's clock.
    pub fn recorded_at(&self) -> Option<DateTime<Utc>> {
        self.recorded_at
    }

    /// Remembers that this step produced `result_id`, inside the step's transaction, so
    /// the step and the memory of it commit together. A no-op without a client action id.
    pub async fn remember(
        &self,
        conn: &impl ConnectionTrait,
        result_id: Uuid,
        now: DateTime<Utc>,
    ) -> AppResult<()> {
        let Some((target, id)) = &self.remembered else {
            return Ok(());
        };
        collector_action::ActiveModel {
            collector_id: Set(target.collector_id),
            client_action_id: Set(id.as_str().to_owned()),
            kind: Set(target.kind.into()),
            target_id: Set(target.target_id),
            result_id: Set(result_id),
            recorded_at: Set(self.recorded_at),
            created_at: Set(now),
        }
        .insert(conn)
        .await
        .map_err(|err| {
            if is_unique_violation(&err) {
                // A concurrent send of the same id won; the caller finds its result.
                AppError::Conflict("this action was already recorded".to_owned())
            } else {
                err.into()
            }
        })?;
        Ok(())
    }
}

/// What [`replay_or_run`] did.
#[derive(Debug)]
pub enum Ran<T> {
    /// The step ran now, with this result.
    Fresh(T),
    /// The step had run before; this is the id of what it produced (an order or an
    /// offer), for the caller to read as the viewer may see it.
    Replayed(Uuid),
}

impl<T> Ran<T> {
    /// The fresh result, or the replayed one read with `reload` (as the caller may see
    /// it now).
    pub async fn or_reload<F, Fut>(self, reload: F) -> AppResult<T>
    where
        F: FnOnce(Uuid) -> Fut,
        Fut: Future<Output = AppResult<T>>,
    {
        match self {
            Self::Fresh(result) => Ok(result),
            Self::Replayed(id) => reload(id).await,
        }
    }
}

/// Runs `step` unless `device.id` was already used by this collector, in which case it
/// answers with the first result's id (before any other check: a replay after the queue
/// sat for a day still gets its answer). Otherwise checks the device time and runs the
/// step with a [`Stamp`] that it must [`Stamp::remember`] before committing.
#[tracing::instrument(skip_all, fields(kind = %target.kind))]
pub async fn replay_or_run<T, F, Fut>(
    state: &AppState,
    target: ActionTarget,
    device: DeviceAction,
    step: F,
) -> AppResult<Ran<T>>
where
    F: FnOnce(Stamp) -> Fut,
    Fut: Future<Output = AppResult<T>>,
{
    if let Some(id) = &device.id
        && let Some(result) = find_result(state, &target, id, &device).await?
    {
        return Ok(Ran::Replayed(result));
    }
    let recorded_at = device
        .recorded_at
        .map(|at| {
            state
                .config
                .orders
                .device_clock
                .check(at, state.clock.now())
        })
        .transpose()
        .map_err(|e| AppError::validation(device.field("recordedAt"), e.0))?;
    let stamp = Stamp {
        remembered: device.id.clone().map(|id| (target, id)),
        recorded_at,
    };
    match step(stamp).await {
        Ok(result) => Ok(Ran::Fresh(result)),
        Err(err) => {
            // A concurrent send of the same id may have won the race that failed this one.
            if let Some(id) = &device.id
                && let Some(result) = find_result(state, &target, id, &device).await?
            {
                return Ok(Ran::Replayed(result));
            }
            Err(err)
        }
    }
}

/// The remembered result of `id`, if any; VALIDATION when `id` was used for another step
/// or target.
async fn find_result(
    state: &AppState,
    target: &ActionTarget,
    id: &ClientActionId,
    device: &DeviceAction,
) -> AppResult<Option<Uuid>> {
    let Some(found) =
        collector_action::Entity::find_by_id((target.collector_id, id.as_str().to_owned()))
            .one(&state.db)
            .await?
    else {
        return Ok(None);
    };
    if ActionKind::from(found.kind) != target.kind || found.target_id != target.target_id {
        return Err(AppError::validation(
            device.field("clientActionId"),
            format!(
                "was already used for another step or order (a {} step)",
                ActionKind::from(found.kind)
            ),
        ));
    }
    Ok(Some(found.result_id))
}
