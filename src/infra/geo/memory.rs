//! TEMP
use super::*;
#[derive(Default)]
pub struct InMemoryGeoIndex;
#[async_trait]
impl GeoIndex for InMemoryGeoIndex {
    async fn upsert(&self, _id: Uuid, _at: GeoPoint) -> anyhow::Result<()> {
        Ok(())
    }
    async fn remove(&self, _id: Uuid) -> anyhow::Result<()> {
        Ok(())
    }
    async fn search(&self, _c: GeoPoint, _r: f64, _l: usize) -> anyhow::Result<Vec<Nearby>> {
        Ok(vec![])
    }
    async fn len(&self) -> anyhow::Result<usize> {
        Ok(0)
    }
}
