//! DataLoaders: relations load in one query per request, never one per row.

use std::collections::HashMap;

use async_graphql::dataloader::{DataLoader, Loader};
use entity::collector;
use sea_orm::DatabaseConnection;
use uuid::Uuid;

use crate::services::users::collectors_by_user;

/// Collector profiles keyed by user id.
pub struct CollectorByUser {
    db: DatabaseConnection,
}

impl Loader<Uuid> for CollectorByUser {
    type Value = collector::Model;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        Ok(collectors_by_user(&self.db, keys).await?)
    }
}

/// Every loader one request needs; attach with [`Loaders::attach`].
pub struct Loaders;

impl Loaders {
    /// Adds fresh loaders (their caches live as long as the request) to `request`.
    pub fn attach<R: WithData>(request: R, db: &DatabaseConnection) -> R {
        request.with_data(DataLoader::new(
            CollectorByUser { db: db.clone() },
            tokio::spawn,
        ))
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
