//! Declining offers: the offer is DECLINED (never offered to that collector again) and
//! the order's next round goes out off the request's path.

use entity::job_offer;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::offers::{collector_of, find_offer_for, own_offer};
use crate::domain::dispatch::OfferStatus;
use crate::domain::field_action::ActionKind;
use crate::error::{AppError, AppResult};
use crate::infra::order_signals::OrderSignal;
use crate::services::collector_actions::{ActionTarget, DeviceAction, Stamp, replay_or_run};
use crate::services::orders::{Party, publish_order_activity};
use crate::state::AppState;

/// Declines an offer; when it was the order's last open one, the next batch goes out now.
/// A replay of the same client action id gets the declined offer.
#[tracing::instrument(skip_all, fields(%offer_id))]
pub async fn decline_offer(
    state: &AppState,
    party: Party,
    offer_id: Uuid,
    reason: Option<String>,
    device: DeviceAction,
) -> AppResult<job_offer::Model> {
    let target = ActionTarget {
        collector_id: collector_of(&party)?,
        kind: ActionKind::DeclineJobOffer,
        target_id: offer_id,
    };
    let run = |stamp| decline(state, party, offer_id, reason, stamp);
    replay_or_run(state, target, device, run)
        .await?
        .or_reload(|offer_id| find_offer_for(state, &party, offer_id))
        .await
}

/// [`decline_offer`]'s work, with what the device `stamp`ed.
async fn decline(
    state: &AppState,
    party: Party,
    offer_id: Uuid,
    reason: Option<String>,
    stamp: Stamp,
) -> AppResult<job_offer::Model> {
    let collector_id = collector_of(&party)?;
    let now = state.clock.now();
    let txn = state.begin_write().await?;
    let offer = own_offer(&txn, collector_id, offer_id).await?;
    if OfferStatus::from(offer.status) != OfferStatus::Pending || offer.expires_at <= now {
        return Err(AppError::InvalidState(format!(
            "the offer is {}",
            OfferStatus::from(offer.status).as_str().to_lowercase()
        )));
    }
    job_offer::Entity::update_many()
        .col_expr(
            job_offer::Column::Status,
            Expr::value(OfferStatus::Declined),
        )
        .col_expr(job_offer::Column::RespondedAt, Expr::value(now))
        .col_expr(job_offer::Column::Reason, Expr::value(reason))
        .filter(job_offer::Column::Id.eq(offer.id))
        .filter(job_offer::Column::Status.eq(OfferStatus::Pending))
        .exec(&txn)
        .await?;
    let declined = job_offer::Entity::find_by_id(offer.id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound("job offer"))?;
    stamp.remember(&txn, offer.id, now).await?;
    txn.commit().await?;
    publish_order_activity(state, offer.order_id).await;
    // The next batch goes out off this request's path (the dispatcher, or the sweeper).
    state
        .order_signals
        .announce(OrderSignal::needs_dispatch(offer.order_id));
    Ok(declined)
}
