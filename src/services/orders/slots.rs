//! Time-slot capacity: each service area takes a limited number of pickups per slot and
//! a limited weight (`slot_weight_capacity_kg`). A conditional increment (`used <
//! capacity` and `used weight + this booking's <= budget`) keeps concurrent bookings of
//! the last place or the last kilograms from overbooking on either backend.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use entity::{pickup_order, service_area, slot_usage};
use rust_decimal::Decimal;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseBackend, EntityTrait, QueryFilter, Statement, Value,
};

use crate::domain::geo::GeoPoint;
use crate::domain::report::{kg_from_micro, to_micro};
use crate::error::{AppError, AppResult};
use crate::services::catalog::service_areas::{list_service_areas, nearest_area, service_hours};
use crate::state::AppState;

/// Whether a slot of `area` already holding `taken` (places, micro-kg; `None` for a slot
/// nobody booked yet) has room for one more pickup of `weight_kg`: VALIDATION
/// (`input.quoteId`) when the pickup weighs more than any slot of the area takes, CONFLICT
/// when the slot is full or has less weight left than the pickup weighs. Both weight
/// messages name the largest weight a slot can take.
pub fn check_room(
    area: &service_area::Model,
    taken: Option<(i32, i64)>,
    weight_kg: Decimal,
) -> AppResult<()> {
    let weight = to_micro(weight_kg);
    let budget = weight_budget(area);
    if weight > budget {
        return Err(AppError::validation(
            "input.quoteId",
            format!(
                "this pickup weighs {} kg; a time slot in {} takes at most {} kg: split the items over several quotes and bookings",
                weight_kg.normalize(),
                area.name,
                area.slot_weight_capacity_kg
            ),
        ));
    }
    let (used, used_micro_kg) = taken.unwrap_or((0, 0));
    if used >= area.slot_capacity {
        return Err(slot_full());
    }
    if used_micro_kg.saturating_add(weight) > budget {
        let left = kg_from_micro(Ord::max(budget - used_micro_kg, 0));
        return Err(AppError::Conflict(format!(
            "that time slot has {left} kg left and this pickup weighs {} kg; choose another slot (a slot takes at most {} kg)",
            weight_kg.normalize(),
            area.slot_weight_capacity_kg
        )));
    }
    Ok(())
}

/// The area's weight budget per slot, micro-kg.
fn weight_budget(area: &service_area::Model) -> i64 {
    i64::from(area.slot_weight_capacity_kg).saturating_mul(1_000_000)
}

/// Takes one place and `weight_kg` of the slot's weight budget, or refuses as
/// [`check_room`] says.
pub async fn reserve(
    conn: &impl ConnectionTrait,
    area: &service_area::Model,
    slot_start: DateTime<Utc>,
    weight_kg: Decimal,
) -> AppResult<()> {
    // What no slot of the area can take is refused before the row is touched.
    check_room(area, None, weight_kg)?;
    if take_places(conn, area, slot_start, 1, to_micro(weight_kg)).await? {
        return Ok(());
    }
    // Refused: say which budget ran out (the row exists, or the insert would have won).
    let usage = slot_usage::Entity::find()
        .filter(slot_usage::Column::ServiceAreaId.eq(area.id))
        .filter(slot_usage::Column::SlotStart.eq(slot_start))
        .one(conn)
        .await?;
    check_room(area, usage.map(|u| (u.used, u.used_micro_kg)), weight_kg)?;
    // Room again by now (a cancellation committed meanwhile): the place was still refused.
    Err(slot_full())
}

/// Takes `places` places and `micro_kg` of a slot's weight budget if both still fit, and
/// says whether it did.
///
/// One statement: the slot's row is created with these places or updated only while both
/// the count and the weight stay within the area's budget, and the rows it changed say
/// whether anything was taken. The row is shared by every booking of the area's slot, so bookings
/// take it last, just before they commit: its row lock (PostgreSQL) is then held for one
/// statement and a commit, not a transaction. Weights are integer micro-kg, so the sum and
/// the comparison are exact on both backends.
pub async fn take_places(
    conn: &impl ConnectionTrait,
    area: &service_area::Model,
    slot_start: DateTime<Utc>,
    places: i32,
    micro_kg: i64,
) -> AppResult<bool> {
    let statement = take_places_statement(
        conn.get_database_backend(),
        area,
        slot_start,
        places,
        micro_kg,
    );
    Ok(conn.execute_raw(statement).await?.rows_affected() == 1)
}

/// Places and weight to add to one slot.
pub struct SlotTake<'a> {
    /// The slot's area (its budgets apply).
    pub area: &'a service_area::Model,
    /// The slot's start.
    pub start: DateTime<Utc>,
    /// Places to take.
    pub places: i32,
    /// Weight to take, micro-kg.
    pub micro_kg: i64,
}

/// The statement behind [`take_places`]: it changes one row when the places and weight fit
/// (inserting the slot's usage or adding to it), none when they do not.
pub fn take_places_statement(
    backend: DatabaseBackend,
    area: &service_area::Model,
    slot_start: DateTime<Utc>,
    places: i32,
    micro_kg: i64,
) -> Statement {
    take_slots_statement(
        backend,
        &[SlotTake {
            area,
            start: slot_start,
            places,
            micro_kg,
        }],
    )
}

/// One statement taking places and weight in several slots (distinct ones): it changes
/// one row per slot whose places and weight fit, so a count short of `takes.len()` means
/// some slot was full. Each area's budgets are chosen by a CASE on the row's area.
pub fn take_slots_statement(backend: DatabaseBackend, takes: &[SlotTake<'_>]) -> Statement {
    let mut params = Params::new(backend);
    let rows: Vec<String> = takes
        .iter()
        .map(|take| {
            format!(
                "({}, {}, {}, {})",
                params.bind(take.area.id),
                params.bind(take.start),
                params.bind(take.places),
                params.bind(take.micro_kg)
            )
        })
        .collect();
    let mut areas: Vec<&service_area::Model> = Vec::new();
    for take in takes {
        if !areas.iter().any(|area| area.id == take.area.id) {
            areas.push(take.area);
        }
    }
    let mut budget = |of: fn(&service_area::Model) -> i64| {
        let arms: String = areas
            .iter()
            .map(|area| {
                format!(
                    " WHEN {} THEN {}",
                    params.bind(area.id),
                    params.bind(of(area))
                )
            })
            .collect();
        format!("CASE excluded.service_area_id{arms} END")
    };
    let places_budget = budget(|area| i64::from(area.slot_capacity));
    let weight_budget = budget(weight_budget);
    let sql = format!(
        "INSERT INTO slot_usage (service_area_id, slot_start, used, used_micro_kg) VALUES {} \
         ON CONFLICT (service_area_id, slot_start) DO UPDATE SET used = slot_usage.used + excluded.used, \
         used_micro_kg = slot_usage.used_micro_kg + excluded.used_micro_kg \
         WHERE slot_usage.used + excluded.used <= {places_budget} \
         AND slot_usage.used_micro_kg + excluded.used_micro_kg <= {weight_budget}",
        rows.join(", ")
    );
    Statement::from_sql_and_values(backend, sql, params.values)
}

/// Values bound in the order their placeholders appear in a statement's text.
struct Params {
    backend: DatabaseBackend,
    values: Vec<Value>,
}

impl Params {
    fn new(backend: DatabaseBackend) -> Self {
        Self {
            backend,
            values: Vec::new(),
        }
    }

    /// Binds `value`; its placeholder (`$n` on PostgreSQL, `?` elsewhere).
    fn bind(&mut self, value: impl Into<Value>) -> String {
        self.values.push(value.into());
        match self.backend {
            DatabaseBackend::Postgres => format!("${}", self.values.len()),
            _ => "?".to_owned(),
        }
    }
}

fn slot_full() -> AppError {
    AppError::Conflict("that time slot is fully booked".to_owned())
}

/// Gives `order`'s place and weight back (cancellation, reschedule, gave up).
pub async fn release(conn: &impl ConnectionTrait, order: &pickup_order::Model) -> AppResult<()> {
    let weight = to_micro(order.total_weight_kg.0);
    slot_usage::Entity::update_many()
        .col_expr(
            slot_usage::Column::Used,
            Expr::col(slot_usage::Column::Used).sub(1),
        )
        .col_expr(
            slot_usage::Column::UsedMicroKg,
            Expr::col(slot_usage::Column::UsedMicroKg).sub(weight),
        )
        .filter(slot_usage::Column::ServiceAreaId.eq(order.service_area_id))
        .filter(slot_usage::Column::SlotStart.eq(order.slot_start))
        .filter(slot_usage::Column::Used.gt(0))
        .exec(conn)
        .await?;
    Ok(())
}

/// The service area serving `point`, or a VALIDATION error on `field`.
pub async fn serving_area(
    state: &AppState,
    point: GeoPoint,
    field: &str,
) -> AppResult<service_area::Model> {
    let areas = list_service_areas(state).await?;
    match nearest_area(&areas, point) {
        Some((area, outside_km)) if outside_km <= state.config.quotes.max_km_outside_area => {
            Ok(area.clone())
        }
        _ => Err(AppError::validation(field, "is outside the areas we serve")),
    }
}

/// One bookable slot.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SlotAvailability {
    /// Slot start.
    pub start: DateTime<Utc>,
    /// Slot end.
    pub end: DateTime<Utc>,
    /// Places left.
    pub remaining: i32,
    /// Kg left of the slot's weight budget.
    pub remaining_kg: Decimal,
}

/// The slots of `date` (the area's local date) in the area serving `point` that are
/// still in the future, with the places left in each.
pub async fn available_windows(
    state: &AppState,
    point: GeoPoint,
    date: NaiveDate,
) -> AppResult<Vec<SlotAvailability>> {
    let area = serving_area(state, point, "location").await?;
    let rules = state.config.orders.window_rules;
    let (day, close) = service_hours(&area)?.day(date);
    let used: Vec<slot_usage::Model> = slot_usage::Entity::find()
        .filter(slot_usage::Column::ServiceAreaId.eq(area.id))
        .filter(slot_usage::Column::SlotStart.gte(day))
        .filter(slot_usage::Column::SlotStart.lt(close))
        .all(&state.db)
        .await?;
    let now = state.clock.now();
    let mut slots = Vec::new();
    let mut start = day;
    while start + rules.slot_length <= close && rules.slot_length > Duration::zero() {
        let usage = used.iter().find(|u| u.slot_start == start);
        let taken = usage.map_or(0, |u| u.used);
        let budget = weight_budget(&area);
        let weight_left = Ord::max(budget - usage.map_or(0, |u| u.used_micro_kg), 0);
        if start > now {
            slots.push(SlotAvailability {
                start,
                end: start + rules.slot_length,
                remaining: Ord::max(area.slot_capacity - taken, 0),
                remaining_kg: kg_from_micro(weight_left),
            });
        }
        start += rules.slot_length;
    }
    Ok(slots)
}
