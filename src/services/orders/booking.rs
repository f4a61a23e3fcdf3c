//! `bookPickup`: turns an ACTIVE quote into an order, in one transaction: the quote
//! becomes USED, a slot place is taken, the order gets its number, lines and first
//! events, and it goes to dispatch.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use entity::{DbDecimal, order_line, pickup_order, quote, quote_line};
use rust_decimal::Decimal;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use serde_json::json;
use uuid::Uuid;

use super::access::Party;
use super::booker::Booker;
use super::idempotency::{self, KeyState};
use super::lifecycle::commit_and_announce;
use super::slots::{reserve, serving_area};
use super::transition::{self, Change, NewEvent};
use crate::domain::geo::GeoPoint;
use crate::domain::order::{OrderStatus, TimeWindow, Transition, order_number};
use crate::domain::quote::QuoteStatus;
use crate::domain::{DisplayName, Phone, Role};
use crate::error::{AppError, AppResult};
use crate::infra::catalog_cache::CatalogSnapshot;
use crate::infra::counters;
use crate::infra::db::{WriteTxn, is_unique_violation};
use crate::services::catalog::service_areas::service_hours;
use crate::services::quotes::lines_of;
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
    fn canonical(&self) -> serde_json::Value {
        json!({
            "quoteId": self.quote_id, "line1": self.line1, "line2": self.line2, "city": self.city,
            "postalCode": self.postal_code, "lat": self.location.latitude, "lon": self.location.longitude,
            "start": self.window_start, "end": self.window_end, "contactName": self.contact_name.as_str(),
            "contactPhone": self.contact_phone.as_str(), "notes": self.notes, "externalReference": self.external_reference,
        })
    }
}

/// Books a pickup for a customer.
#[tracing::instrument(skip_all, fields(quote_id = %request.quote_id))]
pub async fn book_pickup(
    state: &AppState,
    party: Party,
    request: BookingRequest,
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
    let order_id = Uuid::new_v4();
    let mut txn = state.begin_write().await?;
    if let Some(claim) = &key {
        match claim.take(state, txn, order_id, now).await? {
            Claimed::Fresh(fresh) => txn = fresh,
            Claimed::Replay(order) => return Ok(*order),
        }
    }
    let quote = use_quote(&txn, request.quote_id, booker, now).await?;
    let slot_start = hours.slot_start(window.start, state.config.orders.window_rules.slot_length);
    reserve(&txn, &area, slot_start).await?;
    let number = next_order_number(&txn).await?;
    let lines = lines_of(&txn, quote.id).await?;
    let placed = Placement {
        id: order_id,
        number,
        booker,
        area: area.id,
        window,
        slot_start,
        now,
    };
    let row = order_row(&request, &quote, &placed, &lines, &snapshot);
    let order = insert_order(&txn, row).await?;
    record_creation(&txn, &order, booker, party.role(&order), now).await?;
    insert_lines(&txn, order.id, &lines).await?;
    let start = Change::by_system(Transition::StartDispatch, now).because("booked");
    let order = transition::apply(&txn, &order, start).await?;
    // Committed and DISPATCHING: dispatch hears of it and looks for collectors off this
    // request's path; the sweeper catches it should that fail.
    commit_and_announce(state, txn, order, Vec::new()).await
}

/// An idempotency key and the request it was first used with.
struct IdempotencyClaim {
    scope: String,
    key: String,
    hash: String,
}

/// Whether this request may go on, or replays an earlier one.
enum Claimed {
    /// The key is ours for `order_id`; the transaction goes on.
    Fresh(WriteTxn),
    /// The key was used before with the same request: its order.
    Replay(Box<pickup_order::Model>),
}

impl IdempotencyClaim {
    /// Claims the key inside `txn`. When a concurrent request holds it, that request's
    /// order is read (after giving the transaction back) or CONFLICT while it is still
    /// being booked.
    async fn take(
        &self,
        state: &AppState,
        txn: WriteTxn,
        order_id: Uuid,
        now: DateTime<Utc>,
    ) -> AppResult<Claimed> {
        let (scope, key, hash) = (&self.scope, &self.key, &self.hash);
        if let KeyState::Replay(order) = idempotency::check(&txn, scope, key, hash).await? {
            return Ok(Claimed::Replay(order));
        }
        if idempotency::claim(&txn, scope, key, hash, order_id, now).await? {
            return Ok(Claimed::Fresh(txn));
        }
        drop(txn);
        match idempotency::check(&state.db, scope, key, hash).await? {
            KeyState::Replay(order) => Ok(Claimed::Replay(order)),
            KeyState::Fresh => Err(AppError::Conflict(
                "the booking is being processed; retry".to_owned(),
            )),
        }
    }
}

/// Where and when the new order goes, decided before its row is written.
struct Placement {
    id: Uuid,
    number: String,
    booker: Booker,
    area: Uuid,
    window: TimeWindow,
    slot_start: DateTime<Utc>,
    now: DateTime<Utc>,
}

/// The new order's row: REQUESTED, version 1, priced from `quote`, needing the
/// certifications its lines' categories require.
fn order_row(
    request: &BookingRequest,
    quote: &quote::Model,
    placed: &Placement,
    lines: &[quote_line::Model],
    snapshot: &CatalogSnapshot,
) -> pickup_order::ActiveModel {
    let certifications: BTreeSet<String> = lines
        .iter()
        .filter_map(|line| {
            line.item
                .pointer("/priced/category/code")
                .and_then(|c| c.as_str())
        })
        .filter_map(|code| snapshot.category(code))
        .filter_map(|category| category.required_certification.clone())
        .collect();
    let total_weight: Decimal = lines.iter().map(|line| line.total_weight_kg.0).sum();
    pickup_order::ActiveModel {
        id: Set(placed.id),
        number: Set(placed.number.clone()),
        quote_id: Set(quote.id),
        customer_user_id: Set(placed.booker.user_id()),
        organization_id: Set(placed.booker.organization_id()),
        partner_id: Set(placed.booker.partner_id()),
        external_reference: Set(request.external_reference.clone()),
        status: Set(OrderStatus::Requested.into()),
        version: Set(1),
        address_line1: Set(request.line1.clone()),
        address_line2: Set(request.line2.clone()),
        city: Set(request.city.clone()),
        postal_code: Set(request.postal_code.clone()),
        latitude: Set(request.location.latitude),
        longitude: Set(request.location.longitude),
        service_area_id: Set(placed.area),
        window_start: Set(placed.window.start),
        window_end: Set(placed.window.end),
        slot_start: Set(placed.slot_start),
        contact_name: Set(request.contact_name.as_str().to_owned()),
        contact_phone: Set(request.contact_phone.as_str().to_owned()),
        notes: Set(request.notes.clone()),
        currency: Set(quote.currency.clone()),
        estimated_payout: Set(quote.total),
        final_payout: Set(None),
        logistics_fee: Set(quote.logistics_fee),
        total_weight_kg: Set(DbDecimal(total_weight)),
        required_certifications: Set(json!(certifications)),
        collector_id: Set(None),
        dispatch_round: Set(0),
        signature_ref: Set(None),
        photo_refs: Set(json!([])),
        created_at: Set(placed.now),
        updated_at: Set(placed.now),
    }
}

/// Inserts the order; CONFLICT when the partner's external reference is taken.
async fn insert_order(
    conn: &impl ConnectionTrait,
    row: pickup_order::ActiveModel,
) -> AppResult<pickup_order::Model> {
    match row.insert(conn).await {
        Ok(order) => Ok(order),
        Err(err) if is_unique_violation(&err) => Err(AppError::Conflict(
            "this externalReference is already used by another order".to_owned(),
        )),
        Err(err) => Err(err.into()),
    }
}

/// The order's first event: created REQUESTED by its booker.
async fn record_creation(
    conn: &impl ConnectionTrait,
    order: &pickup_order::Model,
    booker: Booker,
    role: Role,
    at: DateTime<Utc>,
) -> AppResult<()> {
    transition::record_event(
        conn,
        NewEvent {
            order_id: order.id,
            sequence: 1,
            from: None,
            to: OrderStatus::Requested,
            reason: None,
            location: None,
            actor_user: booker.user_id(),
            actor_role: Some(role),
            at,
            recorded_at: None,
        },
    )
    .await
}

/// Marks the quote USED (conditionally: ACTIVE and not expired) and makes the booker
/// its owner. NOT_FOUND for someone else's quote, QUOTE_EXPIRED, CONFLICT when used.
async fn use_quote(
    conn: &impl ConnectionTrait,
    quote_id: Uuid,
    booker: Booker,
    now: DateTime<Utc>,
) -> AppResult<quote::Model> {
    let found = quote::Entity::find_by_id(quote_id).one(conn).await?;
    let quote = match found {
        Some(q) if booker.may_book(&q) => q,
        _ => return Err(AppError::NotFound("quote")),
    };
    match QuoteStatus::at(quote.status.into(), quote.valid_until, now) {
        QuoteStatus::Expired => return Err(AppError::QuoteExpired),
        QuoteStatus::Used => {
            return Err(AppError::Conflict(
                "the quote was already booked".to_owned(),
            ));
        }
        QuoteStatus::Active => {}
    }
    let mut mark = quote::Entity::update_many()
        .col_expr(quote::Column::Status, Expr::value(QuoteStatus::Used))
        .col_expr(quote::Column::UsedAt, Expr::value(now));
    mark = match booker {
        Booker::Customer { user_id, .. } => {
            mark.col_expr(quote::Column::OwnerUserId, Expr::value(user_id))
        }
        Booker::Partner { partner_id } => {
            mark.col_expr(quote::Column::OwnerPartnerId, Expr::value(partner_id))
        }
    };
    let used = mark
        .filter(quote::Column::Id.eq(quote.id))
        .filter(quote::Column::Status.eq(QuoteStatus::Active))
        .filter(quote::Column::ValidUntil.gt(now))
        .exec(conn)
        .await?;
    if used.rows_affected != 1 {
        return Err(AppError::Conflict(
            "the quote was already booked".to_owned(),
        ));
    }
    Ok(quote)
}

/// The next order number, from the `pickup_orders` counter.
async fn next_order_number(conn: &impl ConnectionTrait) -> AppResult<String> {
    Ok(order_number(
        counters::next_value(conn, "pickup_orders").await?,
    ))
}

async fn insert_lines(
    conn: &impl ConnectionTrait,
    order_id: Uuid,
    lines: &[quote_line::Model],
) -> AppResult<()> {
    let rows = lines.iter().map(|line| order_line::ActiveModel {
        id: Set(Uuid::new_v4()),
        order_id: Set(order_id),
        quote_line_id: Set(line.id),
        position: Set(line.position),
        description: Set(line.description.clone()),
        quoted_amount: Set(line.amount),
        final_amount: Set(None),
        condition: Set(None),
        weight_kg: Set(None),
        serial_number: Set(line
            .item
            .pointer("/reference/serialNumber")
            .and_then(|s| s.as_str())
            .map(str::to_owned)),
        photo_refs: Set(json!([])),
        item: Set(line.item.clone()),
        inspection: Set(None),
    });
    order_line::Entity::insert_many(rows).exec(conn).await?;
    Ok(())
}
