//! The statements of one booking in a transaction of its own (PostgreSQL; SQLite writes
//! bookings in batches, [`super::booking_batch`], from the pieces here). Rows nobody else
//! books first (the idempotency key, the quote, the new order, its lines and events); the
//! slot row every booking of the same area and slot shares last, just before commit, so
//! its lock is held for a statement rather than a transaction. No global row is touched:
//! the number comes from a sequence.

use std::collections::BTreeSet;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use entity::{DbDecimal, order_line, pickup_order, quote, quote_line, service_area};
use rust_decimal::Decimal;
use sea_orm::sea_query::{Expr, InsertStatement};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryTrait, Set,
};
use serde_json::json;
use uuid::Uuid;

use super::access::Party;
use super::booker::Booker;
use super::booking::BookingRequest;
use super::idempotency::{self, KeyState};
use super::slots::reserve;
use super::transition::{self, NewEvent};
use crate::domain::order::{Actor, OrderStatus, TimeWindow, Transition, order_number};
use crate::domain::quote::QuoteStatus;
use crate::error::{AppError, AppResult};
use crate::infra::catalog_cache::CatalogSnapshot;
use crate::infra::counters;
use crate::infra::db::is_unique_violation;
use crate::services::quotes::lines_of;

/// The PostgreSQL sequence order numbers come from.
pub(super) const ORDER_SEQUENCE: &str = "pickup_order_numbers";
/// The SQLite counter order numbers come from.
pub(super) const ORDER_COUNTER: &str = "pickup_orders";

/// Everything a booking's transaction needs, worked out before it begins.
pub struct PreparedBooking {
    /// The request as parsed.
    pub request: BookingRequest,
    /// Who books, as a party (for the event's role).
    pub party: Party,
    /// Who books.
    pub booker: Booker,
    /// The idempotency key, scope and request hash, when the request has a key.
    pub key: Option<IdempotencyClaim>,
    /// The new order's id.
    pub order_id: Uuid,
    /// The serving area.
    pub area: service_area::Model,
    /// The checked window.
    pub window: TimeWindow,
    /// The capacity slot the window falls in.
    pub slot_start: DateTime<Utc>,
    /// The catalog, read before the transaction (for the certifications lines need).
    pub snapshot: Arc<CatalogSnapshot>,
    /// Now.
    pub now: DateTime<Utc>,
}

/// An idempotency key and the request it was first used with.
pub struct IdempotencyClaim {
    /// `user:<id>` or `partner:<id>`.
    pub scope: String,
    /// The client's key.
    pub key: String,
    /// The hash of the canonical request.
    pub hash: String,
}

/// What the statements did.
#[derive(Debug)]
pub enum Written {
    /// A new order, DISPATCHING (to be announced after commit).
    Booked(Box<pickup_order::Model>),
    /// The key was used before with the same request: its order; nothing was written.
    Replay(Box<pickup_order::Model>),
    /// A concurrent request holds the key: the caller rolls back and reads that request's
    /// order once it is committed.
    KeyTaken,
}

/// Runs the booking's statements in `conn`. On anything but `Booked` the caller rolls
/// back (an error may leave a PostgreSQL transaction unusable).
pub async fn write_booking(
    conn: &impl ConnectionTrait,
    job: &PreparedBooking,
) -> AppResult<Written> {
    if let Some(claim) = &job.key {
        let (scope, key, hash) = (&claim.scope, &claim.key, &claim.hash);
        if let KeyState::Replay(order) = idempotency::check(conn, scope, key, hash).await? {
            return Ok(Written::Replay(order));
        }
        if !idempotency::claim(conn, scope, key, hash, job.order_id, job.now).await? {
            return Ok(Written::KeyTaken);
        }
    }
    let quote = use_quote(conn, job.request.quote_id, job.booker, job.now).await?;
    let lines = lines_of(conn, quote.id).await?;
    let number = order_number(counters::next_unique(conn, ORDER_SEQUENCE, ORDER_COUNTER).await?);
    let order = order_model(job, &quote, &lines, number);
    insert_order(conn, &order).await?;
    insert_lines(conn, line_rows(order.id, &lines)).await?;
    let (created, dispatched) = first_events(job, &order)?;
    if let Some(partner_id) = order.partner_id {
        transition::notify_partner(conn, &order, partner_id, &dispatched).await?;
    }
    transition::record_events(conn, vec![created, dispatched]).await?;
    // Last: the row every booking of this slot shares.
    reserve(conn, &job.area, job.slot_start, order.total_weight_kg.0).await?;
    Ok(Written::Booked(Box::new(order)))
}

/// The order as it stands once booked: DISPATCHING at version 2 (created REQUESTED, then
/// sent to dispatch in the same transaction), priced from `quote`, needing the
/// certifications its lines' categories require.
pub(super) fn order_model(
    job: &PreparedBooking,
    quote: &quote::Model,
    lines: &[quote_line::Model],
    number: String,
) -> pickup_order::Model {
    let certifications: BTreeSet<&String> = lines
        .iter()
        .filter_map(|line| {
            line.item
                .pointer("/priced/category/code")
                .and_then(|c| c.as_str())
        })
        .filter_map(|code| job.snapshot.category(code))
        .filter_map(|category| category.required_certification.as_ref())
        .collect();
    let total_weight = total_weight(lines);
    let request = &job.request;
    pickup_order::Model {
        id: job.order_id,
        number,
        quote_id: quote.id,
        customer_user_id: job.booker.user_id(),
        organization_id: job.booker.organization_id(),
        partner_id: job.booker.partner_id(),
        external_reference: request.external_reference.clone(),
        status: OrderStatus::Dispatching.into(),
        version: 2,
        address_line1: request.line1.clone(),
        address_line2: request.line2.clone(),
        city: request.city.clone(),
        postal_code: request.postal_code.clone(),
        latitude: request.location.latitude,
        longitude: request.location.longitude,
        service_area_id: job.area.id,
        window_start: job.window.start,
        window_end: job.window.end,
        slot_start: job.slot_start,
        contact_name: request.contact_name.as_str().to_owned(),
        contact_phone: request.contact_phone.as_str().to_owned(),
        notes: request.notes.clone(),
        currency: quote.currency.clone(),
        estimated_payout: quote.total,
        final_payout: None,
        logistics_fee: quote.logistics_fee,
        total_weight_kg: DbDecimal(total_weight),
        required_certifications: json!(certifications),
        collector_id: None,
        dispatch_round: 0,
        signature_ref: None,
        photo_refs: json!([]),
        created_at: job.now,
        updated_at: job.now,
    }
}

/// What a quote's lines weigh together.
pub(super) fn total_weight(lines: &[quote_line::Model]) -> Decimal {
    lines.iter().map(|line| line.total_weight_kg.0).sum()
}

/// Inserts the order; CONFLICT when the partner's external reference is taken.
async fn insert_order(conn: &impl ConnectionTrait, order: &pickup_order::Model) -> AppResult<()> {
    let inserted = pickup_order::Entity::insert(order.clone().into_active_model())
        .exec_without_returning(conn)
        .await;
    match inserted {
        Ok(_) => Ok(()),
        Err(err) if is_unique_violation(&err) => Err(reference_taken()),
        Err(err) => Err(err.into()),
    }
}

/// The order's first two events — created REQUESTED by its booker, sent to dispatch by
/// the system — as a transition would write them (the second is also the partner's
/// webhook). The state machine is asked, so the booking cannot skip its rules.
pub(super) fn first_events(
    job: &PreparedBooking,
    order: &pickup_order::Model,
) -> AppResult<(NewEvent, NewEvent)> {
    let to = OrderStatus::Requested
        .apply(Transition::StartDispatch, Actor::System)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("booking: {e:?}")))?;
    let created = NewEvent {
        order_id: order.id,
        sequence: 1,
        from: None,
        to: OrderStatus::Requested,
        reason: None,
        location: None,
        actor_user: job.booker.user_id(),
        actor_role: Some(job.party.role(order)),
        at: job.now,
        recorded_at: None,
    };
    let dispatched = NewEvent {
        order_id: order.id,
        sequence: 2,
        from: Some(OrderStatus::Requested),
        to,
        reason: Some("booked".to_owned()),
        location: None,
        actor_user: None,
        actor_role: None,
        at: job.now,
        recorded_at: None,
    };
    Ok((created, dispatched))
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
    let quote = admit_quote(found, booker, now)?;
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
        return Err(already_booked());
    }
    Ok(quote)
}

/// `quote` if `booker` may book it now: NOT_FOUND when missing or someone else's,
/// QUOTE_EXPIRED, CONFLICT when already used.
pub(super) fn admit_quote(
    quote: Option<quote::Model>,
    booker: Booker,
    now: DateTime<Utc>,
) -> AppResult<quote::Model> {
    let quote = match quote {
        Some(q) if booker.may_book(&q) => q,
        _ => return Err(AppError::NotFound("quote")),
    };
    match QuoteStatus::at(quote.status.into(), quote.valid_until, now) {
        QuoteStatus::Expired => Err(AppError::QuoteExpired),
        QuoteStatus::Used => Err(already_booked()),
        QuoteStatus::Active => Ok(quote),
    }
}

/// CONFLICT: the partner's external reference names another order.
pub(super) fn reference_taken() -> AppError {
    AppError::Conflict("this externalReference is already used by another order".to_owned())
}

pub(super) fn already_booked() -> AppError {
    AppError::Conflict("the quote was already booked".to_owned())
}

/// The quote's lines as the order's rows.
pub(super) fn line_rows(
    order_id: Uuid,
    lines: &[quote_line::Model],
) -> Vec<order_line::ActiveModel> {
    lines
        .iter()
        .map(|line| order_line::ActiveModel {
            id: Set(Uuid::now_v7()),
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
            // Lines quoted from an asset list name their asset: the disposition report
            // follows it from here to the custody item.
            asset_id: Set(line
                .item
                .pointer("/reference/assetId")
                .and_then(|s| s.as_str())
                .and_then(|s| Uuid::parse_str(s).ok())),
        })
        .collect()
}

/// Inserts order lines in as few statements as the parameter limits allow.
pub(super) async fn insert_lines(
    conn: &impl ConnectionTrait,
    rows: Vec<order_line::ActiveModel>,
) -> AppResult<()> {
    for (insert, _) in lines_inserts(rows) {
        conn.execute(&insert).await?;
    }
    Ok(())
}

/// The statements inserting order lines, with how many rows each inserts.
pub(super) fn lines_inserts(
    rows: Vec<order_line::ActiveModel>,
) -> impl Iterator<Item = (InsertStatement, u64)> {
    // An asset list's quote has up to 2,000 lines: 14 bound values each would pass
    // SQLite's 32,766-parameter limit in one statement, so they go 500 at a time.
    let chunks: Vec<Vec<order_line::ActiveModel>> = rows.chunks(500).map(<[_]>::to_vec).collect();
    chunks.into_iter().map(|chunk| {
        let count = chunk.len() as u64;
        (order_line::Entity::insert_many(chunk).into_query(), count)
    })
}
