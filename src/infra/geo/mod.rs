//! TEMP
pub mod memory;
use async_trait::async_trait;
use uuid::Uuid;
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GeoPoint {
    pub latitude: f64,
    pub longitude: f64,
}
#[derive(Clone, Debug, PartialEq)]
pub struct Nearby {
    pub id: uuid::Uuid,
    pub distance_km: f64,
}
#[async_trait]
pub trait GeoIndex: Send + Sync {
    async fn upsert(&self, id: Uuid, at: GeoPoint) -> anyhow::Result<()>;
    async fn remove(&self, id: Uuid) -> anyhow::Result<()>;
    async fn search(
        &self,
        center: GeoPoint,
        radius_km: f64,
        limit: usize,
    ) -> anyhow::Result<Vec<Nearby>>;
    async fn len(&self) -> anyhow::Result<usize>;
}
