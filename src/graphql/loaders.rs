//! DataLoaders: relations load in one query per request, never one per row.

use std::collections::HashMap;

use async_graphql::dataloader::{DataLoader, Loader};
use entity::{collector, order_event, order_line, payout, pickup_order};
use sea_orm::DatabaseConnection;
use uuid::Uuid;

use crate::services::orders::relations;
use crate::services::users::collectors_by_user;

/// Declares a loader over one batch function of `services`.
macro_rules! loader {
    ($(#[$meta:meta])* $name:ident, $value:ty, $fetch:path) => {
        $(#[$meta])*
        pub struct $name {
            db: DatabaseConnection,
        }

        impl Loader<Uuid> for $name {
            type Value = $value;
            type Error = async_graphql::Error;

            async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
                Ok($fetch(&self.db, keys).await?)
            }
        }
    };
}

loader!(
    /// Collector profiles keyed by user id.
    CollectorByUser, collector::Model, collectors_by_user
);
loader!(
    /// Collector profiles (with display names) keyed by collector id.
    CollectorById, (collector::Model, String), relations::collectors_by_id
);
loader!(
    /// Orders keyed by id (an offer's order).
    OrderById, pickup_order::Model, relations::orders_by_id
);
loader!(
    /// Lines keyed by order id.
    LinesByOrder, Vec<order_line::Model>, relations::lines_by_order
);
loader!(
    /// Events keyed by order id.
    EventsByOrder, Vec<order_event::Model>, relations::events_by_order
);
loader!(
    /// Payouts keyed by order id.
    PayoutByOrder, payout::Model, relations::payouts_by_order
);

loader!(
    /// Organisations keyed by id.
    OrganizationById, entity::organization::Model, crate::services::users::organizations_by_id
);
loader!(
    /// Webhook attempts keyed by delivery id.
    AttemptsByDelivery, Vec<entity::webhook_attempt::Model>, crate::services::partners::webhooks::attempts_by_delivery
);
loader!(
    /// Whether each collector (by id) is at a pickup now (derives BUSY).
    WorkingCollector, bool, relations::working_collectors
);
loader!(
    /// Display names keyed by user id.
    DisplayNameByUser, String, crate::services::users::display_names
);
loader!(
    /// How each collector's offers ended (by collector id; operators' acceptance rate).
    OfferTallyByCollector, crate::domain::acceptance::OfferTally, crate::services::collector_record::offer_tallies
);
loader!(
    /// Each collector's orders assigned and not finished, soonest window first.
    CurrentOrdersByCollector, Vec<pickup_order::Model>, crate::services::collector_record::current_orders
);

loader!(
    /// Custody events keyed by item id, oldest first.
    EventsByItem, Vec<entity::custody_event::Model>, crate::services::custody::read::events_by_item
);

loader!(
    /// Orders whose payout an open discrepancy holds (absent: not held).
    PayoutHeldByOrder, bool, crate::services::discrepancies::payouts_held
);

/// Every loader one request needs; attach with [`Loaders::attach`].
pub struct Loaders;

impl Loaders {
    /// Adds fresh loaders to `request`. They batch within a request and cache nothing
    /// beyond it (a subscription re-reads every event).
    pub fn attach<R: WithData>(request: R, db: &DatabaseConnection) -> R {
        fn new<T: Loader<Uuid>>(loader: T) -> DataLoader<T> {
            DataLoader::new(loader, tokio::spawn)
        }
        let db = || db.clone();
        request
            .with_data(new(CollectorByUser { db: db() }))
            .with_data(new(CollectorById { db: db() }))
            .with_data(new(OrderById { db: db() }))
            .with_data(new(LinesByOrder { db: db() }))
            .with_data(new(EventsByOrder { db: db() }))
            .with_data(new(PayoutByOrder { db: db() }))
            .with_data(new(WorkingCollector { db: db() }))
            .with_data(new(OrganizationById { db: db() }))
            .with_data(new(AttemptsByDelivery { db: db() }))
            .with_data(new(DisplayNameByUser { db: db() }))
            .with_data(new(OfferTallyByCollector { db: db() }))
            .with_data(new(CurrentOrdersByCollector { db: db() }))
            .with_data(new(EventsByItem { db: db() }))
            .with_data(new(PayoutHeldByOrder { db: db() }))
    }
}

/// Something that carries request data: an HTTP request or a WebSocket session.
pub trait WithData {
    /// Adds `data` to it.
    fn with_data<D: std::any::Any + Send + Sync>(self, data: D) -> Self;
}

impl WithData for async_graphql::Request {
    fn with_data<D: std::any::Any + Send + Sync>(self, data: D) -> Self {
        self.data(data)
    }
}

impl WithData for async_graphql::Data {
    fn with_data<D: std::any::Any + Send + Sync>(mut self, data: D) -> Self {
        self.insert(data);
        self
    }
}
