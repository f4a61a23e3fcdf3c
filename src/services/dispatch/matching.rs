//! Matching: find eligible collectors near an order, nearest radius first, rank them, and
//! offer the order to the best K. Each round is claimed with a conditional update of the
//! order's `dispatch_round`, so two instances never send the same round twice.

use std::collections::{BTreeSet, HashMap, HashSet};

use chrono::Duration;
use entity::{collector, job_offer, pickup_order, service_area};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use super::events::{OfferEventKind, notify_collector};
use crate::domain::CollectorStatus;
use crate::domain::dispatch::{CandidateFacts, Fitness, OfferStatus, score, search_radii};
use crate::domain::geo::GeoPoint;
use crate::domain::order::OrderStatus;
use crate::error::AppResult;
use crate::infra::order_signals::OrderFacts;
use crate::services::orders::{give_up, publish_order_activity};
use crate::state::AppState;

/// The most collectors one geo search asks for.
const MAX_FETCH: usize = 1024;

/// One eligible collector and how they rank.
struct Candidate {
    collector_id: Uuid,
    distance_km: f64,
    score: f64,
}

/// Dispatches an announced order. When the announcement says where the order is, its
/// window is still open and nobody online is within its area's reach, there is nothing
/// to do and the order is not even read: a booking in an area with nobody online costs
/// dispatch one geo search. It keeps waiting, as [`dispatch_order`] would leave it.
pub async fn dispatch_announced(
    state: &AppState,
    order_id: Uuid,
    facts: Option<OrderFacts>,
) -> AppResult<usize> {
    let reach = match facts {
        Some(facts) if facts.window_end > state.clock.now() => {
            if nobody_within_reach(state, facts.point, facts.area_id).await? {
                return Ok(0);
            }
            Reach::SomeoneOnline
        }
        _ => Reach::Unknown,
    };
    dispatch(state, order_id, reach).await
}

/// What dispatch knows, before reading an order, of the collectors within its reach.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Reach {
    /// Not looked yet.
    Unknown,
    /// Someone online was within reach a moment ago (the geo search is not repeated;
    /// choosing the candidates searches again anyway).
    SomeoneOnline,
}

/// Whether no collector is online within the dispatch radius of `area_id` around `point`.
async fn nobody_within_reach(state: &AppState, point: GeoPoint, area_id: Uuid) -> AppResult<bool> {
    let snapshot = state.catalog.snapshot(&state.db).await?;
    let limit_km = dispatch_radius_km(&snapshot.service_areas, area_id);
    Ok(state.geo.search_any(point, limit_km, 1).await?.is_empty())
}

/// How far from an order of `area_id` collectors are asked (20 km for an unknown area).
fn dispatch_radius_km(areas: &[service_area::Model], area_id: Uuid) -> f64 {
    areas
        .iter()
        .find(|a| a.id == area_id)
        .map_or(20.0, |a| a.max_dispatch_radius_km)
}

/// Tops up a DISPATCHING order's pending offers to K with the best collectors not asked
/// yet. Returns how many offers were sent. An order nobody can take now keeps waiting:
/// every sweep, and every collector coming online, tries again; the order is given up
/// (UNFULFILLED) only when its window has closed.
pub async fn dispatch_order(state: &AppState, order_id: Uuid) -> AppResult<usize> {
    dispatch(state, order_id, Reach::Unknown).await
}

#[tracing::instrument(skip_all, fields(%order_id))]
async fn dispatch(state: &AppState, order_id: Uuid, reach: Reach) -> AppResult<usize> {
    let now = state.clock.now();
    let Some(order) = pickup_order::Entity::find_by_id(order_id)
        .one(&state.db)
        .await?
    else {
        return Ok(0);
    };
    if OrderStatus::from(order.status) != OrderStatus::Dispatching {
        return Ok(0);
    }
    if order.window_end <= now {
        give_up(
            state,
            order_id,
            "no collector accepted before the window closed",
        )
        .await?;
        return Ok(0);
    }
    let snapshot = state.catalog.snapshot(&state.db).await?;
    let limit_km = dispatch_radius_km(&snapshot.service_areas, order.service_area_id);
    // Nobody online within reach: nothing to read or send. The order keeps waiting for
    // a collector to come online (which dispatches it again) or the next sweep.
    if reach == Reach::Unknown
        && state
            .geo
            .search_any(order_point(&order), limit_km, 1)
            .await?
            .is_empty()
    {
        return Ok(0);
    }
    let asked = offers_so_far(&state.db, order_id).await?;
    let wanted = state
        .config
        .dispatch
        .offers_per_batch
        .max(1)
        .saturating_sub(asked.pending);
    if wanted == 0 {
        return Ok(0);
    }
    let chosen = find_candidates(state, &order, &asked.not_again, limit_km, wanted).await?;
    if chosen.is_empty() {
        return Ok(0);
    }
    let sent = send_round(state, &order, &chosen).await?;
    count_offers_received(state, &sent).await;
    for (collector_id, offer_id) in &sent {
        notify_collector(state, *collector_id, OfferEventKind::Offered, *offer_id).await;
    }
    publish_order_activity(state, order.id).await;
    tracing::info!(
        offers = sent.len(),
        round = order.dispatch_round + 1,
        "order offered"
    );
    Ok(sent.len())
}

/// What an order's offers so far mean for the next round.
struct Asked {
    /// Offers still waiting for an answer.
    pending: usize,
    /// Collectors not to ask (again): those holding an offer, and those who turned the
    /// order down or let their offer lapse. Those whose offer was withdrawn (someone else
    /// won, then the order came back to dispatch) may be asked again.
    not_again: HashSet<Uuid>,
}

async fn offers_so_far(conn: &impl ConnectionTrait, order_id: Uuid) -> AppResult<Asked> {
    let offers = job_offer::Entity::find()
        .filter(job_offer::Column::OrderId.eq(order_id))
        .all(conn)
        .await?;
    Ok(Asked {
        pending: offers
            .iter()
            .filter(|o| OfferStatus::from(o.status) == OfferStatus::Pending)
            .count(),
        not_again: offers
            .iter()
            .filter(|o| OfferStatus::from(o.status) != OfferStatus::Withdrawn)
            .map(|o| o.collector_id)
            .collect(),
    })
}

/// Claims the order's next round (a conditional update of `dispatch_round`, so two
/// instances never send the same round) and writes one PENDING offer per candidate.
/// Returns (collector, offer) pairs; empty when another instance claimed the round.
async fn send_round(
    state: &AppState,
    order: &pickup_order::Model,
    chosen: &[Candidate],
) -> AppResult<Vec<(Uuid, Uuid)>> {
    let now = state.clock.now();
    let txn = state.begin_write().await?;
    let claimed = pickup_order::Entity::update_many()
        .col_expr(
            pickup_order::Column::DispatchRound,
            Expr::col(pickup_order::Column::DispatchRound).add(1),
        )
        .filter(pickup_order::Column::Id.eq(order.id))
        .filter(pickup_order::Column::DispatchRound.eq(order.dispatch_round))
        .filter(pickup_order::Column::Status.eq(OrderStatus::Dispatching))
        .exec(&txn)
        .await?;
    if claimed.rows_affected != 1 {
        return Ok(Vec::new());
    }
    let ttl = Duration::from_std(state.config.dispatch.offer_ttl).map_err(anyhow::Error::from)?;
    let mut sent = Vec::with_capacity(chosen.len());
    for candidate in chosen {
        let offer = job_offer::ActiveModel {
            id: Set(Uuid::new_v4()),
            order_id: Set(order.id),
            collector_id: Set(candidate.collector_id),
            status: Set(OfferStatus::Pending.into()),
            round: Set(order.dispatch_round + 1),
            distance_km: Set(candidate.distance_km),
            score: Set(candidate.score),
            created_at: Set(now),
            expires_at: Set(now + ttl),
            responded_at: Set(None),
            reason: Set(None),
        }
        .insert(&txn)
        .await?;
        sent.push((candidate.collector_id, offer.id));
    }
    txn.commit().await?;
    Ok(sent)
}

/// Counts the offers towards each collector's acceptance statistics, after commit and in
/// one statement: inside the round's transaction, rows locked in ranking order deadlocked
/// concurrent rounds. Best effort; a failure only skews a statistic.
async fn count_offers_received(state: &AppState, sent: &[(Uuid, Uuid)]) {
    let mut offered_to: Vec<Uuid> = sent.iter().map(|(collector_id, _)| *collector_id).collect();
    offered_to.sort_unstable();
    if let Err(err) = collector::Entity::update_many()
        .col_expr(
            collector::Column::OffersReceived,
            Expr::col(collector::Column::OffersReceived).add(1),
        )
        .filter(collector::Column::Id.is_in(offered_to))
        .exec(&state.db)
        .await
    {
        tracing::warn!(error = ?err, "counting offers received failed");
    }
}

/// The best `wanted` eligible collectors not yet offered this order: the radius starts small and
/// doubles up to the limit until K are found, so the work follows the candidates, not the
/// number of collectors in the city. Within a radius any collector is near enough (the
/// previous, half as large, circle held too few), so the geo index may return the first
/// ones it finds rather than sort the whole circle.
async fn find_candidates(
    state: &AppState,
    order: &pickup_order::Model,
    offered: &HashSet<Uuid>,
    limit_km: f64,
    wanted: usize,
) -> AppResult<Vec<Candidate>> {
    let centre = order_point(order);
    let required: BTreeSet<String> =
        serde_json::from_value(order.required_certifications.clone()).unwrap_or_default();
    let mut eligible = Vec::new();
    // A small first ask, grown fourfold at the same radius only while the circle still has
    // more collectors than were returned: the work follows the candidates needed.
    let mut fetch = wanted + offered.len() + 2;
    'radii: for radius in search_radii(state.config.dispatch.start_radius_km, limit_km) {
        loop {
            let near = state.geo.search_any(centre, radius, fetch).await?;
            let saturated = near.len() >= fetch;
            let fresh: Vec<_> = near
                .into_iter()
                .filter(|n| !offered.contains(&n.id))
                .collect();
            eligible = eligible_candidates(&state.db, order, &required, &fresh, limit_km).await?;
            if eligible.len() >= wanted {
                break 'radii;
            }
            if !saturated || fetch >= MAX_FETCH {
                break;
            }
            fetch *= 4;
        }
    }
    eligible.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(a.distance_km.total_cmp(&b.distance_km))
    });
    eligible.truncate(wanted);
    Ok(eligible)
}

fn order_point(order: &pickup_order::Model) -> GeoPoint {
    GeoPoint {
        latitude: order.latitude,
        longitude: order.longitude,
    }
}

/// Keeps the verified, online collectors that hold every required certification, can carry
/// the weight and have no assigned order whose window overlaps this one; two queries.
async fn eligible_candidates(
    conn: &impl ConnectionTrait,
    order: &pickup_order::Model,
    required: &BTreeSet<String>,
    near: &[crate::infra::geo::Nearby],
    limit_km: f64,
) -> AppResult<Vec<Candidate>> {
    if near.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<Uuid> = near.iter().map(|n| n.id).collect();
    let profiles = collector::Entity::find()
        .filter(collector::Column::Id.is_in(ids.iter().copied()))
        .filter(collector::Column::Verified.eq(true))
        .filter(collector::Column::Status.eq(CollectorStatus::Available))
        .all(conn)
        .await?;
    let busy = pickup_order::Entity::find()
        .filter(pickup_order::Column::CollectorId.is_in(ids.iter().copied()))
        .filter(pickup_order::Column::Status.is_in(OrderStatus::occupying()))
        .all(conn)
        .await?;
    let mut load: HashMap<Uuid, i32> = HashMap::new();
    let mut overlapping: HashSet<Uuid> = HashSet::new();
    for assigned in &busy {
        let Some(collector_id) = assigned.collector_id else {
            continue;
        };
        *load.entry(collector_id).or_default() += 1;
        if assigned.window_start < order.window_end && order.window_start < assigned.window_end {
            overlapping.insert(collector_id);
        }
    }
    let distance: HashMap<Uuid, f64> = near.iter().map(|n| (n.id, n.distance_km)).collect();
    let weight = order.total_weight_kg.0;
    Ok(profiles
        .into_iter()
        .filter(|p| {
            let held: BTreeSet<String> =
                serde_json::from_value(p.certifications.clone()).unwrap_or_default();
            Fitness {
                verified: p.verified,
                held: &held,
                required,
                capacity_kg: p.capacity_kg.map(|c| c.0),
                weight_kg: weight,
                overlapping: overlapping.contains(&p.id),
            }
            .shortcomings()
            .is_empty()
        })
        .map(|p| {
            let distance_km = distance.get(&p.id).copied().unwrap_or(limit_km);
            let facts = CandidateFacts {
                distance_km,
                rating: p.rating,
                offers_received: p.offers_received,
                offers_accepted: p.offers_accepted,
                active_orders: load.get(&p.id).copied().unwrap_or(0),
                no_shows: p.no_shows,
            };
            Candidate {
                collector_id: p.id,
                distance_km,
                score: score(&facts, limit_km),
            }
        })
        .collect())
}
