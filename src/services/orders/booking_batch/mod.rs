//! Bookings written together (the group writer, [`super::booking_writer`]): the rows a
//! batch of bookings depends on are read by one script of SELECTs, every booking is
//! checked against them in memory in arrival order, and what the accepted bookings write
//! goes out as one script of multi-row statements (`infra::script`). On SQLite each
//! script is one round trip to the connection's thread, so a batch costs BEGIN, two
//! scripts and COMMIT whatever its size; on PostgreSQL the statements run one by one.
//!
//! On SQLite the in-memory checks are exact: the batch holds the one write transaction
//! (BEGIN IMMEDIATE behind the write gate), so nothing else can use a quote, claim a key or
//! take a slot place between these reads and the writes. On PostgreSQL another instance
//! can, so every write stays conditional (quotes still ACTIVE, slot places still free, keys
//! and references unique): if one finds the world changed, the batch fails as a whole and
//! the group writer re-runs its bookings one at a time. A booking refused here wrote
//! nothing and does not fail its neighbours.

mod stored;

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use entity::{idempotency_key, pickup_order, quote};
use sea_orm::sea_query::{CaseStatement, Expr};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryTrait, Set,
};
use uuid::Uuid;

use self::stored::Stored;
use super::booker::Booker;
use super::booking_write::{
    ORDER_COUNTER, ORDER_SEQUENCE, PreparedBooking, Written, admit_quote, already_booked,
    first_events, line_rows, lines_inserts, order_model, reference_taken, total_weight,
};
use super::slots::{SlotTake, check_room, take_slots_statement};
use super::transition::{self, NewEvent};
use crate::domain::order::order_number;
use crate::domain::quote::QuoteStatus;
use crate::domain::report::to_micro;
use crate::error::{AppError, AppResult};
use crate::infra::counters;
use crate::infra::script::WriteScript;

/// A slot: its area and start.
pub(super) type SlotKey = (Uuid, DateTime<Utc>);

/// Writes `jobs` in `conn` (the batch's write transaction): one answer per job, in order.
/// `Err` gives the whole batch up (nothing of it may be committed).
pub(super) async fn write_batch(
    conn: &impl ConnectionTrait,
    jobs: &[&PreparedBooking],
) -> AppResult<Vec<AppResult<Written>>> {
    let stored = Stored::read(conn, jobs).await?;
    let mut claims = Claims::default();
    let mut answers: Vec<Option<AppResult<Written>>> = Vec::with_capacity(jobs.len());
    let mut accepted: Vec<(usize, &quote::Model)> = Vec::new();
    for (index, job) in jobs.iter().enumerate() {
        match decide(job, &stored, &mut claims) {
            Decision::Answer(answer) => answers.push(Some(answer)),
            Decision::Book(quote) => {
                answers.push(None);
                accepted.push((index, quote));
            }
        }
    }
    if accepted.is_empty() {
        return Ok(answers.into_iter().flatten().collect());
    }
    let mut script = WriteScript::new(conn.get_database_backend());
    let numbers = order_numbers(conn, &stored, &mut script, accepted.len()).await?;
    if numbers.len() != accepted.len() {
        // Every accepted booking must get its answer; a short list gives the batch up.
        return Err(AppError::Internal(anyhow::anyhow!(
            "{} order numbers for {} bookings",
            numbers.len(),
            accepted.len()
        )));
    }
    let orders: Vec<(usize, pickup_order::Model)> = accepted
        .iter()
        .zip(numbers)
        .map(|(&(index, quote), number)| {
            let lines = stored.lines_of(quote.id);
            (
                index,
                order_model(jobs[index], quote, lines, order_number(number)),
            )
        })
        .collect();
    // Partners' webhooks first (they read the partner's endpoints); every other write of
    // the batch goes out as one script, the slot rows last.
    let events = orders
        .iter()
        .map(|(index, order)| first_events(jobs[*index], order))
        .collect::<AppResult<Vec<_>>>()?;
    notify_partners(conn, &orders, &events).await?;
    claim_keys(&mut script, jobs, &orders);
    mark_quotes_used(&mut script, jobs, &accepted);
    insert_orders(&mut script, &stored, &orders, events);
    take_slots(&mut script, jobs, &claims.slots);
    if !script.run(conn).await? {
        // On SQLite the in-memory checks are exact, so this means a bug; on PostgreSQL
        // another instance used a quote or filled a slot since the batch's reads.
        return Err(AppError::Internal(anyhow::anyhow!(
            "a conditional write of a batch of {} bookings found the database changed since its reads",
            accepted.len()
        )));
    }
    for (index, order) in orders {
        answers[index] = Some(Ok(Written::Booked(Box::new(order))));
    }
    Ok(answers.into_iter().flatten().collect())
}

/// `count` order numbers: on SQLite after the counter's value read with the batch (the
/// counter advanced by `script`), on PostgreSQL from the sequence.
async fn order_numbers(
    conn: &impl ConnectionTrait,
    stored: &Stored,
    script: &mut WriteScript,
    count: usize,
) -> AppResult<Vec<i64>> {
    let count = i64::try_from(count).unwrap_or(i64::MAX);
    Ok(match stored.order_counter {
        Some(last) => {
            script.push(
                counters::advance_statement(script.backend(), ORDER_COUNTER, count),
                1,
            );
            (last + 1..=last + count).collect()
        }
        None => counters::take_unique(conn, ORDER_SEQUENCE, ORDER_COUNTER, count).await?,
    })
}

/// What the batch's accepted bookings have claimed so far.
#[derive(Default)]
struct Claims {
    keys: HashSet<(String, String)>,
    quotes: HashSet<Uuid>,
    references: HashSet<(Uuid, String)>,
    /// Places and micro-kg taken in each slot by this batch.
    slots: HashMap<SlotKey, (i32, i64)>,
}

/// What becomes of one booking.
enum Decision<'a> {
    /// Answered without writing: a replay, a key another booking of the batch holds, or
    /// the client's error.
    Answer(AppResult<Written>),
    /// Booked from this quote: its claims are recorded.
    Book(&'a quote::Model),
}

/// Checks `job` as the one-by-one path would, in the same order (key, quote, external
/// reference, slot), against what is stored and what the batch claimed before it.
fn decide<'a>(job: &PreparedBooking, stored: &'a Stored, claims: &mut Claims) -> Decision<'a> {
    if let Some(claim) = &job.key {
        let pair = (claim.scope.clone(), claim.key.clone());
        if let Some(found) = stored.keys.get(&pair) {
            return Decision::Answer(replay(found, &claim.hash, stored));
        }
        if claims.keys.contains(&pair) {
            // Another booking of this batch claimed it: the request reads that order once
            // the batch is committed.
            return Decision::Answer(Ok(Written::KeyTaken));
        }
    }
    let quote_id = job.request.quote_id;
    let quote = match admit_quote(stored.quotes.get(&quote_id).cloned(), job.booker, job.now) {
        Ok(_) if claims.quotes.contains(&quote_id) => {
            return Decision::Answer(Err(already_booked()));
        }
        Ok(_) => &stored.quotes[&quote_id],
        Err(err) => return Decision::Answer(Err(err)),
    };
    let reference = reference_of(job).map(|(partner, r)| (partner, r.clone()));
    if let Some(reference) = &reference
        && (stored.references.contains(reference) || claims.references.contains(reference))
    {
        return Decision::Answer(Err(reference_taken()));
    }
    let weight = total_weight(stored.lines_of(quote_id));
    let slot = slot_of(job);
    let before = stored.slots.get(&slot).copied().unwrap_or((0, 0));
    let by_batch = claims.slots.get(&slot).copied().unwrap_or((0, 0));
    let taken = (before.0 + by_batch.0, before.1 + by_batch.1);
    if let Err(err) = check_room(&job.area, Some(taken), weight) {
        return Decision::Answer(Err(err));
    }
    if let Some(claim) = &job.key {
        claims.keys.insert((claim.scope.clone(), claim.key.clone()));
    }
    claims.quotes.insert(quote_id);
    if let Some(reference) = reference {
        claims.references.insert(reference);
    }
    let entry = claims.slots.entry(slot).or_default();
    *entry = (entry.0 + 1, entry.1 + to_micro(weight));
    Decision::Book(quote)
}

/// The answer for a key used before: its order, or IDEMPOTENCY_MISMATCH for other input.
fn replay(found: &idempotency_key::Model, hash: &str, stored: &Stored) -> AppResult<Written> {
    if found.request_hash != hash {
        return Err(AppError::IdempotencyMismatch);
    }
    let order = stored
        .keyed_orders
        .get(&found.order_id)
        .cloned()
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("idempotency key without its order")))?;
    Ok(Written::Replay(Box::new(order)))
}

pub(super) fn reference_of(job: &PreparedBooking) -> Option<(Uuid, &String)> {
    Some((
        job.booker.partner_id()?,
        job.request.external_reference.as_ref()?,
    ))
}

pub(super) fn slot_of(job: &PreparedBooking) -> SlotKey {
    (job.area.id, job.slot_start)
}

/// Remembers the accepted bookings' idempotency keys, in one statement.
fn claim_keys(
    script: &mut WriteScript,
    jobs: &[&PreparedBooking],
    orders: &[(usize, pickup_order::Model)],
) {
    let rows: Vec<idempotency_key::ActiveModel> = orders
        .iter()
        .filter_map(|(index, order)| {
            let job = jobs[*index];
            let claim = job.key.as_ref()?;
            Some(idempotency_key::ActiveModel {
                scope: Set(claim.scope.clone()),
                key: Set(claim.key.clone()),
                request_hash: Set(claim.hash.clone()),
                order_id: Set(order.id),
                created_at: Set(job.now),
            })
        })
        .collect();
    if !rows.is_empty() {
        let count = rows.len() as u64;
        script.push_query(
            &idempotency_key::Entity::insert_many(rows).into_query(),
            count,
        );
    }
}

/// Marks the accepted bookings' quotes USED and their bookers their owners, in one
/// statement (CASE per quote). Still conditional on ACTIVE: a count short of the batch
/// means a quote was used meanwhile, and the batch is given up.
fn mark_quotes_used(
    script: &mut WriteScript,
    jobs: &[&PreparedBooking],
    accepted: &[(usize, &quote::Model)],
) {
    let mut used_at = CaseStatement::new();
    let mut owner_user = CaseStatement::new();
    let mut owner_partner = CaseStatement::new();
    let (mut customers, mut partners) = (false, false);
    for &(index, quote) in accepted {
        let job = jobs[index];
        let this = quote::Column::Id.eq(quote.id);
        used_at = used_at.case(this.clone(), Expr::value(job.now));
        match job.booker {
            Booker::Customer { user_id, .. } => {
                owner_user = owner_user.case(this, Expr::value(user_id));
                customers = true;
            }
            Booker::Partner { partner_id } => {
                owner_partner = owner_partner.case(this, Expr::value(partner_id));
                partners = true;
            }
        }
    }
    let mut update = quote::Entity::update_many()
        .col_expr(quote::Column::Status, Expr::value(QuoteStatus::Used))
        .col_expr(quote::Column::UsedAt, used_at.into());
    if customers {
        let keep = Expr::col(quote::Column::OwnerUserId);
        update = update.col_expr(quote::Column::OwnerUserId, owner_user.finally(keep).into());
    }
    if partners {
        let keep = Expr::col(quote::Column::OwnerPartnerId);
        update = update.col_expr(
            quote::Column::OwnerPartnerId,
            owner_partner.finally(keep).into(),
        );
    }
    let ids: Vec<Uuid> = accepted.iter().map(|(_, quote)| quote.id).collect();
    let update = update
        .filter(quote::Column::Id.is_in(ids))
        .filter(quote::Column::Status.eq(QuoteStatus::Active))
        .into_query();
    script.push_query(&update, accepted.len() as u64);
}

/// Queues partners' webhooks for the orders partners booked (the order's DISPATCHING
/// event, as the one-by-one path sends it).
async fn notify_partners(
    conn: &impl ConnectionTrait,
    orders: &[(usize, pickup_order::Model)],
    events: &[(NewEvent, NewEvent)],
) -> AppResult<()> {
    for ((_, order), (_, dispatched)) in orders.iter().zip(events) {
        if let Some(partner_id) = order.partner_id {
            transition::notify_partner(conn, order, partner_id, dispatched).await?;
        }
    }
    Ok(())
}

/// Inserts the orders, then all their lines and their first events (one pair per order).
fn insert_orders(
    script: &mut WriteScript,
    stored: &Stored,
    orders: &[(usize, pickup_order::Model)],
    events: Vec<(NewEvent, NewEvent)>,
) {
    let insert = pickup_order::Entity::insert_many(
        orders
            .iter()
            .map(|(_, order)| order.clone().into_active_model()),
    )
    .into_query();
    script.push_query(&insert, orders.len() as u64);
    let rows = orders
        .iter()
        .flat_map(|(_, order)| line_rows(order.id, stored.lines_of(order.quote_id)))
        .collect();
    for (insert, count) in lines_inserts(rows) {
        script.push_query(&insert, count);
    }
    let events: Vec<NewEvent> = events
        .into_iter()
        .flat_map(|(created, dispatched)| [created, dispatched])
        .collect();
    let count = events.len() as u64;
    if let Some(insert) = transition::events_insert(events) {
        script.push_query(&insert, count);
    }
}

/// Adds the batch's places and weight to its slots in one conditional statement (rows in
/// a fixed order, so two instances' batches cannot deadlock on them). On SQLite the
/// condition always holds (every booking was checked against the slot's usage plus what
/// the batch took before it, and nothing else writes meanwhile); on PostgreSQL another
/// instance may have taken places since the batch read them, and then the batch is given
/// up and its bookings are written one at a time.
fn take_slots(
    script: &mut WriteScript,
    jobs: &[&PreparedBooking],
    taken: &HashMap<SlotKey, (i32, i64)>,
) {
    let mut slots: Vec<_> = taken.iter().collect();
    slots.sort_unstable_by_key(|(slot, _)| **slot);
    let takes: Vec<SlotTake<'_>> = slots
        .into_iter()
        .filter_map(|(&(area_id, start), &(places, micro_kg))| {
            let job = jobs.iter().find(|job| job.area.id == area_id)?;
            Some(SlotTake {
                area: &job.area,
                start,
                places,
                micro_kg,
            })
        })
        .collect();
    if !takes.is_empty() {
        let count = takes.len() as u64;
        script.push(take_slots_statement(script.backend(), &takes), count);
    }
}
