//! `pickupOrder`, `pickupOrders`, `availablePickupWindows`.

use async_graphql::connection::{Connection, CursorType, Edge, OpaqueCursor};
use async_graphql::{Context, ID, Object, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use crate::error::AppError;
use crate::graphql::context::ContextExt;
use crate::graphql::types::decimal::DecimalString;
use crate::graphql::types::geo::GeoPointInput;
use crate::graphql::types::order::{OrderStatusGql, PickupOrder};
use crate::services::orders::{self, OrderFilter, Party};
use crate::services::pagination::page_size;

/// A page of pickup orders.
pub type PickupOrderConnection = Connection<OpaqueCursor<(DateTime<Utc>, Uuid)>, PickupOrder>;

/// A bookable time slot.
#[derive(SimpleObject)]
pub struct PickupSlot {
    /// Slot start.
    pub start: DateTime<Utc>,
    /// Slot end.
    pub end: DateTime<Utc>,
    /// Bookings still possible in it.
    pub remaining_capacity: i32,
    /// Kg still bookable in it (the area's slot weight budget minus what is booked).
    pub remaining_weight_kg: DecimalString,
}

/// Order queries.
#[derive(Default)]
pub struct OrderQuery;

#[Object]
impl OrderQuery {
    /// One order: your own, your organisation's (organisation admins), one assigned to
    /// you, or any (operators).
    async fn pickup_order(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<Option<PickupOrder>> {
        let state = ctx.state()?;
        let party = Party::of(&state.db, ctx.viewer()).await?;
        let Ok(id) = Uuid::parse_str(&id) else {
            return Ok(None);
        };
        match orders::find_order(state, &party, id).await {
            Ok(order) => Ok(Some(PickupOrder::new(order))),
            Err(AppError::NotFound(_)) => Ok(None),
            Err(err) => Err(err.into()),
        }
    }

    /// Orders newest first: your own (households, organisation members), your
    /// organisation's (organisation admins),
    /// those assigned to you (collectors) or all (operators). `from`/`to` bound the
    /// pickup window's start. `first` is 1 to 100.
    #[expect(
        clippy::too_many_arguments,
        reason = "one parameter per GraphQL argument; DESIGN §8 fixes the first ones"
    )]
    async fn pickup_orders(
        &self,
        ctx: &Context<'_>,
        status: Option<OrderStatusGql>,
        from: Option<DateTime<Utc>>,
        to: Option<DateTime<Utc>>,
        first: Option<i32>,
        after: Option<String>,
        #[graphql(
            desc = "Operators only (FORBIDDEN for anyone else): only orders of this service area."
        )]
        area_id: Option<ID>,
    ) -> async_graphql::Result<PickupOrderConnection> {
        let state = ctx.state()?;
        let party = Party::of(&state.db, ctx.viewer()).await?;
        let take = page_size(first)?;
        let after = after
            .map(|raw| OpaqueCursor::<(DateTime<Utc>, Uuid)>::decode_cursor(&raw))
            .transpose()
            .map_err(|_| AppError::validation("after", "is not a cursor from this list"))?
            .map(|c| c.0);
        let service_area = area_id
            .map(|id| Uuid::parse_str(&id))
            .transpose()
            .map_err(|_| AppError::validation("areaId", "is not a service area id"))?;
        let filter = OrderFilter {
            status: status.map(Into::into),
            from,
            to,
            service_area,
        };
        let page = orders::list_orders(state, &party, &filter, after, take).await?;
        let mut connection = Connection::new(after.is_some(), page.has_next);
        connection.edges.extend(
            page.items
                .into_iter()
                .map(|o| Edge::new(OpaqueCursor((o.created_at, o.id)), PickupOrder::new(o))),
        );
        Ok(connection)
    }

    /// The time slots of `date` (UTC) still bookable at `location`, with the places left.
    async fn available_pickup_windows(
        &self,
        ctx: &Context<'_>,
        location: GeoPointInput,
        date: NaiveDate,
    ) -> async_graphql::Result<Vec<PickupSlot>> {
        let point = location
            .parse()
            .map_err(|e| AppError::validation("location", e.0))?;
        let slots = orders::available_windows(ctx.state()?, point, date).await?;
        Ok(slots
            .into_iter()
            .map(|s| PickupSlot {
                start: s.start,
                end: s.end,
                remaining_capacity: s.remaining,
                remaining_weight_kg: DecimalString::from(s.remaining_kg),
            })
            .collect())
    }
}
