//! The batch's reads: everything its bookings depend on, one statement per kind of row
//! (keys, quotes, their lines, partners' references, slot usage, on SQLite the order
//! counter) sent as one script, then the orders of keys used before when there are any.

use std::collections::{HashMap, HashSet};

use entity::{idempotency_key, pickup_order, quote, quote_line, slot_usage};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseBackend, DbErr, EntityTrait, FromQueryResult,
    QueryFilter, QueryOrder, QueryResult, QuerySelect, QueryTrait,
};
use uuid::Uuid;

use super::{SlotKey, reference_of, slot_of};
use crate::error::AppResult;
use crate::infra::counters;
use crate::infra::script::ReadScript;
use crate::services::orders::booking_write::{ORDER_COUNTER, PreparedBooking};

/// What the database holds for the batch's bookings, read at the start of its
/// transaction.
#[derive(Default)]
pub(super) struct Stored {
    /// Idempotency keys already used, by (scope, key).
    pub(super) keys: HashMap<(String, String), idempotency_key::Model>,
    /// The orders those keys made.
    pub(super) keyed_orders: HashMap<Uuid, pickup_order::Model>,
    /// The quotes being booked, by id.
    pub(super) quotes: HashMap<Uuid, quote::Model>,
    /// Their lines, in position order, by quote id.
    pub(super) lines: HashMap<Uuid, Vec<quote_line::Model>>,
    /// Partners' external references already used, among the batch's.
    pub(super) references: HashSet<(Uuid, String)>,
    /// Places and micro-kg already taken in the batch's slots.
    pub(super) slots: HashMap<SlotKey, (i32, i64)>,
    /// SQLite: the order counter's value (0 before the first order), read with the rest
    /// and advanced with the batch's writes. None on PostgreSQL, whose order numbers
    /// come from a sequence.
    pub(super) order_counter: Option<i64>,
}

impl Stored {
    /// Reads everything in one script (one round trip on SQLite), then the orders of keys
    /// used before, if any were.
    pub(super) async fn read(
        conn: &impl ConnectionTrait,
        jobs: &[&PreparedBooking],
    ) -> AppResult<Self> {
        let backend = conn.get_database_backend();
        let mut script = ReadScript::new(backend);
        let claims: Vec<_> = jobs.iter().filter_map(|job| job.key.as_ref()).collect();
        let keys = (!claims.is_empty()).then(|| {
            // Scope IN × key IN may find a few rows no booking asked for; the map is looked
            // up by the exact pair.
            script.push(
                idempotency_key::Entity::find()
                    .filter(
                        idempotency_key::Column::Scope
                            .is_in(claims.iter().map(|c| c.scope.clone())),
                    )
                    .filter(
                        idempotency_key::Column::Key.is_in(claims.iter().map(|c| c.key.clone())),
                    )
                    .into_query(),
            )
        });
        let quote_ids: Vec<Uuid> = jobs.iter().map(|job| job.request.quote_id).collect();
        let quotes = script.push(
            quote::Entity::find()
                .filter(quote::Column::Id.is_in(quote_ids.clone()))
                .into_query(),
        );
        let lines = script.push(
            quote_line::Entity::find()
                .filter(quote_line::Column::QuoteId.is_in(quote_ids))
                .order_by_asc(quote_line::Column::QuoteId)
                .order_by_asc(quote_line::Column::Position)
                .into_query(),
        );
        let wanted_references: Vec<(Uuid, &String)> =
            jobs.iter().filter_map(|job| reference_of(job)).collect();
        let references = (!wanted_references.is_empty()).then(|| {
            script.push(
                pickup_order::Entity::find()
                    .select_only()
                    .column(pickup_order::Column::PartnerId)
                    .column(pickup_order::Column::ExternalReference)
                    .filter(
                        pickup_order::Column::PartnerId
                            .is_in(wanted_references.iter().map(|(p, _)| *p)),
                    )
                    .filter(
                        pickup_order::Column::ExternalReference
                            .is_in(wanted_references.iter().map(|(_, r)| (*r).clone())),
                    )
                    .into_query(),
            )
        });
        let wanted_slots: HashSet<SlotKey> = jobs.iter().map(|job| slot_of(job)).collect();
        let slots = script.push(
            slot_usage::Entity::find()
                .filter(
                    slot_usage::Column::ServiceAreaId
                        .is_in(wanted_slots.iter().map(|(area, _)| *area)),
                )
                .filter(slot_usage::Column::SlotStart.is_in(wanted_slots.iter().map(|(_, s)| *s)))
                .into_query(),
        );
        // PostgreSQL numbers orders from a sequence; SQLite from a counter read here.
        let counter = (backend == DatabaseBackend::Sqlite)
            .then(|| script.push(counters::value_query(ORDER_COUNTER)));

        let mut rows = script.run(conn).await?;
        let mut stored = Self::default();
        if let Some(part) = keys {
            for found in models::<idempotency_key::Model>(rows.take(part))? {
                stored
                    .keys
                    .insert((found.scope.clone(), found.key.clone()), found);
            }
        }
        for quote in models::<quote::Model>(rows.take(quotes))? {
            stored.quotes.insert(quote.id, quote);
        }
        for line in models::<quote_line::Model>(rows.take(lines))? {
            stored.lines.entry(line.quote_id).or_default().push(line);
        }
        if let Some(part) = references {
            for row in rows.take(part) {
                let partner: Option<Uuid> = row.try_get("", "partner_id")?;
                let reference: Option<String> = row.try_get("", "external_reference")?;
                if let (Some(partner), Some(reference)) = (partner, reference) {
                    stored.references.insert((partner, reference));
                }
            }
        }
        for usage in models::<slot_usage::Model>(rows.take(slots))? {
            let key = (usage.service_area_id, usage.slot_start);
            if wanted_slots.contains(&key) {
                stored.slots.insert(key, (usage.used, usage.used_micro_kg));
            }
        }
        if let Some(part) = counter {
            let value = match rows.take(part).first() {
                Some(row) => row.try_get("", "value")?,
                None => 0,
            };
            stored.order_counter = Some(value);
        }
        stored.read_keyed_orders(conn).await?;
        Ok(stored)
    }

    /// The orders made by keys used before (a replay answers with its order).
    async fn read_keyed_orders(&mut self, conn: &impl ConnectionTrait) -> AppResult<()> {
        if self.keys.is_empty() {
            return Ok(());
        }
        self.keyed_orders = pickup_order::Entity::find()
            .filter(pickup_order::Column::Id.is_in(self.keys.values().map(|k| k.order_id)))
            .all(conn)
            .await?
            .into_iter()
            .map(|order| (order.id, order))
            .collect();
        Ok(())
    }

    pub(super) fn lines_of(&self, quote_id: Uuid) -> &[quote_line::Model] {
        self.lines.get(&quote_id).map_or(&[], Vec::as_slice)
    }
}

/// The rows of one part as models.
fn models<M: FromQueryResult>(rows: Vec<QueryResult>) -> Result<Vec<M>, DbErr> {
    rows.iter()
        .map(|row| M::from_query_result(row, ""))
        .collect()
}
