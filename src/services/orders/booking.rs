//! `bookPickup`: turns an ACTIVE quote into an order. Everything that needs no lock is
//! done first, in the request (idempotent replay, window and service hours, the serving
//! area, the catalog); then one transaction — the booking's own on PostgreSQL
//! ([`super::booking_write`]), a batch's in a group commit on SQLite
//! ([`super::booking_batch`]) — uses the quote, numbers the order, writes it with its lines
//! and first events, and takes the slot place. The booking answers once that commits: the order is durable
//! and DISPATCHING, and the dispatcher looks for collectors off this request's path.

use chrono::{DateTime, Utc};
use entity::pickup_order;
use serde_json::json;
use uuid::Uuid;

use super::access::Party;
use super::booker::Booker;
use super::booking_write::{IdempotencyClaim, PreparedBooking, Written, write_booking};
use super::booking_writer::Booking;
use super::idempotency::{self, KeyState};
use super::lifecycle::announce_committed;
use super::slots::serving_area;
use crate::domain::geo::GeoPoint;
use crate::domain::order::TimeWindow;
use crate::domain::{DisplayName, Phone};
use crate::error::{AppError, AppResult};
use crate::infra::group_commit::Arriving;
use crate::services::catalog::service_areas::service_hours;
use crate::state::AppState;

/// A parsed booking request.
#[derive(Clone, Debug)]
pub struct BookingRequest {
    /// The quote to book.
    pub quote_id: Uuid,
    /// Street and number.
    pub line1: String,
    /// Flat, floor.
    pub line2: Option<String>,
    /// City.
    pub city: String,
    /// Postal code.
    pub postal_code: Option<String>,
    /// Where to collect.
    pub location: GeoPoint,
    /// Requested window start (checked against the clock in the service).
    pub window_start: DateTime<Utc>,
    /// Requested window end.
    pub window_end: DateTime<Utc>,
    /// Who to ask for.
    pub contact_name: DisplayName,
    /// How to reach them.
    pub contact_phone: Phone,
    /// Notes for the collector.
    pub notes: Option<String>,
    /// Makes retries safe.
    pub idempotency_key: Option<String>,
    /// The partner's own reference.
    pub external_reference: Option<String>,
}

impl BookingRequest {
    /// The canonical form the idempotency hash is taken over.
    pub(super) fn canonical(&self) -> serde_json::Value {
        json!({
            "quoteId": self.quote_id, "line1": self.line1, "line2": self.line2, "city": self.city,
            "postalCode": self.postal_code, "lat": self.location.latitude, "lon": self.location.longitude,
            "start": self.window_start, "end": self.window_end, "contactName": self.contact_name.as_str(),
            "contactPhone": self.contact_phone.as_str(), "notes": self.notes, "externalReference": self.external_reference,
        })
    }
}

/// Books a pickup for a customer or a partner. `arriving` is the request's announcement
/// to the booking writer ([`Booking::arriving`]), if it made one.
#[tracing::instrument(skip_all, fields(quote_id = %request.quote_id))]
pub async fn book_pickup(
    state: &AppState,
    booking: &Booking,
    party: Party,
    request: BookingRequest,
    arriving: Option<Arriving>,
) -> AppResult<pickup_order::Model> {
    let booker = Booker::of(party)?;
    let now = state.clock.now();
    let key = request
        .idempotency_key
        .as_ref()
        .map(|key| IdempotencyClaim {
            scope: booker.idempotency_scope(),
            key: key.clone(),
            hash: idempotency::request_hash(&request.canonical()),
        });
    // A retry returns the first result before anything is validated again: by the time
    // a client retries, the window may have started, and the booking stands.
    if let Some(claim) = &key
        && let KeyState::Replay(order) =
            idempotency::check(&state.db, &claim.scope, &claim.key, &claim.hash).await?
    {
        return Ok(*order);
    }
    let window = TimeWindow::parse(
        request.window_start,
        request.window_end,
        now,
        &state.config.orders.window_rules,
    )
    .map_err(|e| AppError::validation("input.window", e.0))?;
    let area = serving_area(state, request.location, "input.address.location").await?;
    let hours = service_hours(&area)?;
    hours
        .admit(&window)
        .map_err(|e| AppError::validation("input.window", e.0))?;
    // Read before the transaction: a snapshot reload needs a pooled connection, and must
    // never wait for one while this transaction holds another.
    let snapshot = state.catalog.snapshot(&state.db).await?;
    let slot_start = hours.slot_start(window.start, state.config.orders.window_rules.slot_length);
    let job = PreparedBooking {
        request,
        party,
        booker,
        key,
        // Time-ordered, like quote ids: the order indexes grow at their end.
        order_id: Uuid::now_v7(),
        area,
        window,
        slot_start,
        snapshot,
        now,
    };
    let scope_key = job
        .key
        .as_ref()
        .map(|c| (c.scope.clone(), c.key.clone(), c.hash.clone()));
    match booking.book(state, job, arriving).await? {
        Written::Booked(order) => {
            // Committed and DISPATCHING: dispatch hears of it and looks for collectors off
            // this request's path; the sweeper catches it should that fail.
            announce_committed(state, &order, Vec::new()).await;
            Ok(*order)
        }
        Written::Replay(order) => Ok(*order),
        Written::KeyTaken => {
            // A concurrent request claimed the key first; its order, once committed.
            let (scope, key, hash) = scope_key.unwrap_or_default();
            match idempotency::check(&state.db, &scope, &key, &hash).await? {
                KeyState::Replay(order) => Ok(*order),
                KeyState::Fresh => Err(AppError::Conflict(
                    "the booking is being processed; retry".to_owned(),
                )),
            }
        }
    }
}

/// Runs `job` in a transaction of its own (PostgreSQL, or SQLite without the group
/// writer): commits only what booked an order.
pub(super) async fn book_alone(state: &AppState, job: &PreparedBooking) -> AppResult<Written> {
    let txn = state.begin_write().await?;
    let written = write_booking(&txn, job).await?;
    if matches!(written, Written::Booked(_)) {
        txn.commit().await?;
    }
    // Anything else rolls back when `txn` is dropped.
    Ok(written)
}
