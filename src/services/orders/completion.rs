//! `completePickup` (proof of pickup and the payout) and `rateCollector`.

use entity::{collector, collector_rating, payout, pickup_order};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde_json::json;
use uuid::Uuid;

use super::access::Party;
use super::device::once;
use super::lifecycle::{commit_and_announce, load};
use super::transition::{self, Change};
use crate::domain::field_action::ActionKind;
use crate::domain::order::{OrderStatus, PayoutStatus, Transition};
use crate::domain::partner::WebhookEventType;
use crate::error::{AppError, AppResult};
use crate::infra::db::is_unique_violation;
use crate::services::collector_actions::{DeviceAction, Stamp};
use crate::services::ledger::intake::{self, Collection};
use crate::services::partners::outbox;
use crate::services::reports;
use crate::state::AppState;

/// Proof of pickup.
#[derive(Clone, Debug, Default)]
pub struct CompletionProof {
    /// The customer's signature, as a stored file reference.
    pub signature_ref: Option<String>,
    /// Photos of the items taken, as stored file references.
    pub photo_refs: Vec<String>,
}

/// Completes an INSPECTED order: stores the proof, creates a PENDING payout of the final
/// amount and the order's custody items (each with its COLLECTED event), in one
/// transaction; once per client action id.
#[tracing::instrument(skip_all, fields(%order_id))]
pub async fn complete_pickup(
    state: &AppState,
    party: Party,
    order_id: Uuid,
    proof: CompletionProof,
    device: DeviceAction,
) -> AppResult<pickup_order::Model> {
    once(
        state,
        &party,
        order_id,
        ActionKind::CompletePickup,
        device,
        |stamp| complete(state, party, order_id, proof, stamp),
    )
    .await
}

/// [`complete_pickup`]'s work, with what the device `stamp`ed.
async fn complete(
    state: &AppState,
    party: Party,
    order_id: Uuid,
    proof: CompletionProof,
    stamp: Stamp,
) -> AppResult<pickup_order::Model> {
    let now = state.clock.now();
    let txn = state.begin_write().await?;
    let order = load(&txn, &party, order_id).await?;
    let change = Change::by(&party, &order, Transition::Complete, now)
        .recorded(stamp.recorded_at())
        .setting(
            pickup_order::Column::SignatureRef,
            Expr::value(proof.signature_ref.clone()),
        )
        .setting(
            pickup_order::Column::PhotoRefs,
            Expr::value(json!(proof.photo_refs)),
        );
    let completed = transition::apply(&txn, &order, change).await?;
    let amount = completed.final_payout.unwrap_or(completed.estimated_payout);
    if let Some(collector_id) = completed.collector_id {
        let collection = Collection {
            collector_id,
            actor_user_id: party.actor_user(),
            at: now,
            recorded_at: stamp.recorded_at(),
        };
        let items = intake::collect_items(&txn, &state.server_key, &completed, collection).await?;
        // In this transaction, so the report can never disagree with the completions.
        let tz = state.config.reports.time_zone;
        reports::rollup::on_completion(&txn, tz, &completed, amount.0, &items, now).await?;
    }
    payout::ActiveModel {
        id: Set(Uuid::new_v4()),
        order_id: Set(completed.id),
        amount: Set(amount),
        currency: Set(completed.currency.clone()),
        method: Set("WALLET".to_owned()),
        status: Set(PayoutStatus::Pending.into()),
        created_at: Set(now),
        paid_at: Set(None),
        reference: Set(None),
        settled_at: Set(None),
    }
    .insert(&txn)
    .await?;
    if let Some(partner_id) = completed.partner_id {
        let data = payout_event(&completed, amount.0, PayoutStatus::Pending, None);
        outbox::enqueue(&txn, partner_id, WebhookEventType::Payout, data, now).await?;
    }
    stamp.remember(&txn, completed.id, now).await?;
    commit_and_announce(state, txn, completed, Vec::new()).await
}

/// The PAYOUT webhook's data: the order, the amount and where the payout stands.
pub(super) fn payout_event(
    order: &pickup_order::Model,
    amount: rust_decimal::Decimal,
    status: PayoutStatus,
    reference: Option<&str>,
) -> serde_json::Value {
    json!({"orderId": order.id, "number": order.number, "externalReference": order.external_reference,
           "amount": amount.to_string(), "currency": order.currency, "status": status.as_str(),
           "reference": reference})
}

/// The customer rates the collector of a COMPLETED order, once (1 to 5 stars).
#[tracing::instrument(skip_all, fields(%order_id))]
pub async fn rate_collector(
    state: &AppState,
    party: Party,
    order_id: Uuid,
    stars: i32,
    comment: Option<String>,
) -> AppResult<pickup_order::Model> {
    if !(1..=5).contains(&stars) {
        return Err(AppError::validation("stars", "must be between 1 and 5"));
    }
    let now = state.clock.now();
    let txn = state.begin_write().await?;
    // Visibility first (NOT_FOUND), then the role (FORBIDDEN).
    let order = load(&txn, &party, order_id).await?;
    let Party::Customer { user_id, .. } = party else {
        return Err(AppError::Forbidden);
    };
    if OrderStatus::from(order.status) != OrderStatus::Completed {
        return Err(AppError::InvalidState(
            "only a completed pickup can be rated".to_owned(),
        ));
    }
    let collector_id = order
        .collector_id
        .ok_or_else(|| AppError::InvalidState("the pickup had no collector".to_owned()))?;
    let rated = collector_rating::ActiveModel {
        order_id: Set(order.id),
        collector_id: Set(collector_id),
        customer_user_id: Set(user_id),
        stars: Set(stars),
        comment: Set(comment),
        created_at: Set(now),
    }
    .insert(&txn)
    .await;
    match rated {
        Ok(_) => {}
        Err(err) if is_unique_violation(&err) => {
            return Err(AppError::Conflict(
                "this pickup was already rated".to_owned(),
            ));
        }
        Err(err) => return Err(err.into()),
    }
    // One statement computed from the row's own values: concurrent ratings each wait for
    // the row and then add to what the previous one wrote (a read-modify-write here lost
    // updates on PostgreSQL).
    let count = Expr::col(collector::Column::RatingCount);
    let mean = Expr::col(collector::Column::Rating)
        .if_null(0.0)
        .mul(count.clone())
        .add(f64::from(stars))
        .div(count.clone().add(1));
    collector::Entity::update_many()
        .col_expr(collector::Column::Rating, mean)
        .col_expr(collector::Column::RatingCount, count.add(1))
        .col_expr(collector::Column::UpdatedAt, Expr::value(now))
        .filter(collector::Column::Id.eq(collector_id))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(order)
}
