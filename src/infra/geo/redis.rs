//! [`GeoIndex`] in Redis: one GEO sorted set shared by every instance.

use anyhow::Context as _;
use async_trait::async_trait;
use uuid::Uuid;

use super::{GeoIndex, GeoPoint, Nearby, ensure_valid_point, ensure_valid_search};
use crate::infra::redis_conn::RedisConn;

/// A geo index kept in the sorted set `<prefix>geo:collectors`, members being uuid strings.
///
/// Redis stores positions as 52-bit geohashes (about 0.6 m of error) and accepts latitudes only up to
/// ±85.05°; it measures on a sphere of 6372.797 km.
#[derive(Clone, Debug)]
pub struct RedisGeoIndex {
    conn: RedisConn,
    key: String,
}

impl RedisGeoIndex {
    /// An index over `conn`'s `geo:collectors` key; opens no connection of its own.
    pub fn new(conn: &RedisConn) -> Self {
        Self {
            key: conn.key("geo:collectors"),
            conn: conn.clone(),
        }
    }

    /// One GEOSEARCH, nearest first; with `any`, the first `limit` found.
    async fn geosearch(
        &self,
        center: GeoPoint,
        radius_km: f64,
        limit: usize,
        any: bool,
    ) -> anyhow::Result<Vec<Nearby>> {
        ensure_valid_search(center, radius_km)?;
        // Redis refuses COUNT 0, and the answer is known anyway.
        if limit == 0 {
            return Ok(Vec::new());
        }
        let mut command = redis::cmd("GEOSEARCH");
        command
            .arg(&self.key)
            .arg("FROMLONLAT")
            .arg(center.longitude)
            .arg(center.latitude)
            .arg("BYRADIUS")
            .arg(radius_km)
            .arg("km")
            .arg("ASC")
            .arg("COUNT")
            .arg(limit);
        if any {
            command.arg("ANY");
        }
        let rows: Vec<(String, f64)> = command
            .arg("WITHDIST")
            .query_async(&mut self.conn.manager())
            .await
            .context("GEOSEARCH failed")?;
        rows.into_iter()
            .map(|(member, distance_km)| {
                let id = Uuid::parse_str(&member)
                    .with_context(|| format!("geo member {member:?} is not a uuid"))?;
                Ok(Nearby { id, distance_km })
            })
            .collect()
    }
}

#[async_trait]
impl GeoIndex for RedisGeoIndex {
    async fn upsert(&self, id: Uuid, at: GeoPoint) -> anyhow::Result<()> {
        ensure_valid_point(at)?;
        // GEOADD on an existing member overwrites its score, which is what moves it.
        let _: i64 = redis::cmd("GEOADD")
            .arg(&self.key)
            .arg(at.longitude)
            .arg(at.latitude)
            .arg(id.to_string())
            .query_async(&mut self.conn.manager())
            .await
            .context("GEOADD failed")?;
        Ok(())
    }

    async fn remove(&self, id: Uuid) -> anyhow::Result<()> {
        let _: i64 = redis::cmd("ZREM")
            .arg(&self.key)
            .arg(id.to_string())
            .query_async(&mut self.conn.manager())
            .await
            .context("ZREM failed")?;
        Ok(())
    }

    async fn search(
        &self,
        center: GeoPoint,
        radius_km: f64,
        limit: usize,
    ) -> anyhow::Result<Vec<Nearby>> {
        self.geosearch(center, radius_km, limit, false).await
    }

    /// `GEOSEARCH … ANY`: Redis stops at the first `limit` members it finds instead of
    /// collecting and sorting the whole circle, so the cost follows `limit`.
    async fn search_any(
        &self,
        center: GeoPoint,
        radius_km: f64,
        limit: usize,
    ) -> anyhow::Result<Vec<Nearby>> {
        self.geosearch(center, radius_km, limit, true).await
    }

    async fn len(&self) -> anyhow::Result<usize> {
        let n: usize = redis::cmd("ZCARD")
            .arg(&self.key)
            .query_async(&mut self.conn.manager())
            .await
            .context("ZCARD failed")?;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::super::behaviour;
    use super::*;
    use crate::infra::redis_conn::test_support::test_conn;

    /// A fresh index under a random prefix, or `None` when the Redis tests are switched off.
    async fn index(test: &str) -> Option<(RedisConn, RedisGeoIndex)> {
        let conn = test_conn(test).await?;
        let index = RedisGeoIndex::new(&conn);
        Some((conn, index))
    }

    /// Deletes the test's key so repeated runs do not fill the shared Redis.
    async fn cleanup(conn: &RedisConn, index: &RedisGeoIndex) {
        let _: i64 = redis::cmd("DEL")
            .arg(&index.key)
            .query_async(&mut conn.manager())
            .await
            .expect("DEL");
    }

    #[tokio::test]
    async fn redis_nearest_first_within_radius() {
        let Some((conn, index)) = index("redis_nearest_first_within_radius").await else {
            return;
        };
        behaviour::nearest_first_within_radius(&index).await;
        cleanup(&conn, &index).await;
    }

    #[tokio::test]
    async fn redis_upsert_moves_an_existing_member() {
        let Some((conn, index)) = index("redis_upsert_moves_an_existing_member").await else {
            return;
        };
        behaviour::upsert_moves_an_existing_member(&index).await;
        cleanup(&conn, &index).await;
    }

    #[tokio::test]
    async fn redis_remove_takes_a_member_out() {
        let Some((conn, index)) = index("redis_remove_takes_a_member_out").await else {
            return;
        };
        behaviour::remove_takes_a_member_out(&index).await;
        cleanup(&conn, &index).await;
    }

    #[tokio::test]
    async fn redis_limit_keeps_the_nearest() {
        let Some((conn, index)) = index("redis_limit_keeps_the_nearest").await else {
            return;
        };
        behaviour::limit_keeps_the_nearest(&index).await;
        cleanup(&conn, &index).await;
    }

    #[tokio::test]
    async fn redis_invalid_input_is_an_error() {
        let Some((conn, index)) = index("redis_invalid_input_is_an_error").await else {
            return;
        };
        behaviour::invalid_input_is_an_error(&index).await;
        cleanup(&conn, &index).await;
    }
}
