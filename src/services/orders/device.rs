//! A collector's order steps as their app sends them: each runs once per client action
//! id (see [`crate::services::collector_actions`]), and a replay answers with the order
//! as it is now.

use std::future::Future;

use entity::pickup_order;
use uuid::Uuid;

use super::access::Party;
use super::lifecycle::load;
use crate::domain::field_action::ActionKind;
use crate::error::AppResult;
use crate::services::collector_actions::{ActionTarget, DeviceAction, Stamp, replay_or_run};
use crate::state::AppState;

/// Runs `step` on `order_id` for `party` once per client action id. Anyone but a
/// collector runs it plainly: the steps are the collector's, and the state machine
/// refuses the others anyway.
pub(super) async fn once<F, Fut>(
    state: &AppState,
    party: &Party,
    order_id: Uuid,
    kind: ActionKind,
    device: DeviceAction,
    step: F,
) -> AppResult<pickup_order::Model>
where
    F: FnOnce(Stamp) -> Fut,
    Fut: Future<Output = AppResult<pickup_order::Model>>,
{
    let Party::Collector { collector_id, .. } = *party else {
        return step(Stamp::none()).await;
    };
    let target = ActionTarget {
        collector_id,
        kind,
        target_id: order_id,
    };
    replay_or_run(state, target, device, step)
        .await?
        .or_reload(|id| load(&state.db, party, id))
        .await
}
