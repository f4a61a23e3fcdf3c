//! The batch's reads: everything its bookings depend on, one statement per kind of row
//! (keys and the orders they made, quotes, their lines, partners' references, slot usage).

use std::collections::{HashMap, HashSet};

use entity::{idempotency_key, pickup_order, quote, quote_line, slot_usage};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use super::{SlotKey, reference_of, slot_of};
use crate::error::AppResult;
use crate::services::orders::booking_write::PreparedBooking;

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
}

impl Stored {
    pub(super) async fn read(
        conn: &impl ConnectionTrait,
        jobs: &[&PreparedBooking],
    ) -> AppResult<Self> {
        let mut stored = Self::default();
        stored.read_keys(conn, jobs).await?;
        let quote_ids: Vec<Uuid> = jobs.iter().map(|job| job.request.quote_id).collect();
        stored.quotes = quote::Entity::find()
            .filter(quote::Column::Id.is_in(quote_ids))
            .all(conn)
            .await?
            .into_iter()
            .map(|quote| (quote.id, quote))
            .collect();
        let found: Vec<Uuid> = stored.quotes.keys().copied().collect();
        for line in quote_line::Entity::find()
            .filter(quote_line::Column::QuoteId.is_in(found))
            .order_by_asc(quote_line::Column::QuoteId)
            .order_by_asc(quote_line::Column::Position)
            .all(conn)
            .await?
        {
            stored.lines.entry(line.quote_id).or_default().push(line);
        }
        stored.read_references(conn, jobs).await?;
        stored.read_slots(conn, jobs).await?;
        Ok(stored)
    }

    async fn read_keys(
        &mut self,
        conn: &impl ConnectionTrait,
        jobs: &[&PreparedBooking],
    ) -> AppResult<()> {
        let claims: Vec<_> = jobs.iter().filter_map(|job| job.key.as_ref()).collect();
        if claims.is_empty() {
            return Ok(());
        }
        // Scope IN × key IN may find a few rows no booking asked for; the map is looked
        // up by the exact pair.
        self.keys = idempotency_key::Entity::find()
            .filter(idempotency_key::Column::Scope.is_in(claims.iter().map(|c| c.scope.clone())))
            .filter(idempotency_key::Column::Key.is_in(claims.iter().map(|c| c.key.clone())))
            .all(conn)
            .await?
            .into_iter()
            .map(|found| ((found.scope.clone(), found.key.clone()), found))
            .collect();
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

    async fn read_references(
        &mut self,
        conn: &impl ConnectionTrait,
        jobs: &[&PreparedBooking],
    ) -> AppResult<()> {
        let wanted: Vec<(Uuid, &String)> =
            jobs.iter().filter_map(|job| reference_of(job)).collect();
        if wanted.is_empty() {
            return Ok(());
        }
        let used: Vec<(Option<Uuid>, Option<String>)> = pickup_order::Entity::find()
            .select_only()
            .column(pickup_order::Column::PartnerId)
            .column(pickup_order::Column::ExternalReference)
            .filter(pickup_order::Column::PartnerId.is_in(wanted.iter().map(|(p, _)| *p)))
            .filter(
                pickup_order::Column::ExternalReference
                    .is_in(wanted.iter().map(|(_, r)| (*r).clone())),
            )
            .into_tuple()
            .all(conn)
            .await?;
        self.references = used
            .into_iter()
            .filter_map(|(partner, reference)| Some((partner?, reference?)))
            .collect();
        Ok(())
    }

    async fn read_slots(
        &mut self,
        conn: &impl ConnectionTrait,
        jobs: &[&PreparedBooking],
    ) -> AppResult<()> {
        let wanted: HashSet<SlotKey> = jobs.iter().map(|job| slot_of(job)).collect();
        self.slots = slot_usage::Entity::find()
            .filter(slot_usage::Column::ServiceAreaId.is_in(wanted.iter().map(|(area, _)| *area)))
            .filter(slot_usage::Column::SlotStart.is_in(wanted.iter().map(|(_, start)| *start)))
            .all(conn)
            .await?
            .into_iter()
            .map(|usage| {
                let key = (usage.service_area_id, usage.slot_start);
                (key, (usage.used, usage.used_micro_kg))
            })
            .filter(|(key, _)| wanted.contains(key))
            .collect();
        Ok(())
    }

    pub(super) fn lines_of(&self, quote_id: Uuid) -> &[quote_line::Model] {
        self.lines.get(&quote_id).map_or(&[], Vec::as_slice)
    }
}
