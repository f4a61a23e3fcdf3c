//! [`GeoIndex`] in Redis: one GEO sorted set shared by every instance.
//!
//! The database keeps every online collector's last position, so the set can always be
//! rebuilt from it: a write that Redis misses (down, slow) is not an error for the caller
//! (going online or reporting a position keeps working); it marks the set stale instead,
//! and [`GeoIndex::needs_reload`] asks for a refill once Redis answers again. A Redis that
//! comes back empty is noticed through the marker key, which it lost too.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

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
    /// Present while the set is known to hold every online collector (see `needs_reload`).
    marker: String,
    /// Set when a write missed Redis, shared by clones; cleared when a refill is claimed.
    stale: Arc<AtomicBool>,
}

impl RedisGeoIndex {
    /// An index over `conn`'s `geo:collectors` key; opens no connection of its own.
    pub fn new(conn: &RedisConn) -> Self {
        Self {
            key: conn.key("geo:collectors"),
            marker: conn.key("geo:loaded"),
            conn: conn.clone(),
            stale: Arc::new(AtomicBool::new(false)),
        }
    }

    /// Runs a write; when Redis misses it, remembers that the set is stale (see the module docs).
    async fn write(&self, command: redis::Cmd) {
        let written: anyhow::Result<i64> = self
            .conn
            .call("geo", |mut con| async move {
                command.query_async(&mut con).await
            })
            .await;
        if let Err(err) = written {
            tracing::debug!(
                error = format!("{err:#}"),
                "geo write missed Redis; refill pending"
            );
            self.stale.store(true, Ordering::Release);
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
        command.arg("WITHDIST");
        let rows: Vec<(String, f64)> = self
            .conn
            .call("geo", |mut con| async move {
                command.query_async(&mut con).await
            })
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
        let mut command = redis::cmd("GEOADD");
        command
            .arg(&self.key)
            .arg(at.longitude)
            .arg(at.latitude)
            .arg(id.to_string());
        self.write(command).await;
        Ok(())
    }

    /// `GEOADD … XX` (Redis 6.2+) updates members that exist and never adds one.
    async fn move_existing(&self, id: Uuid, at: GeoPoint) -> anyhow::Result<()> {
        ensure_valid_point(at)?;
        let mut command = redis::cmd("GEOADD");
        command
            .arg(&self.key)
            .arg("XX")
            .arg(at.longitude)
            .arg(at.latitude)
            .arg(id.to_string());
        self.write(command).await;
        Ok(())
    }

    async fn remove(&self, id: Uuid) -> anyhow::Result<()> {
        let mut command = redis::cmd("ZREM");
        command.arg(&self.key).arg(id.to_string());
        self.write(command).await;
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

    async fn positions(&self, ids: &[Uuid]) -> anyhow::Result<Vec<Option<GeoPoint>>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut command = redis::cmd("GEOPOS");
        command.arg(&self.key);
        for id in ids {
            command.arg(id.to_string());
        }
        let rows: Vec<Option<(f64, f64)>> = self
            .conn
            .call("geo", |mut con| async move {
                command.query_async(&mut con).await
            })
            .await
            .context("GEOPOS failed")?;
        Ok(rows
            .into_iter()
            .map(|row| {
                row.map(|(longitude, latitude)| GeoPoint {
                    latitude,
                    longitude,
                })
            })
            .collect())
    }

    async fn len(&self) -> anyhow::Result<usize> {
        let mut command = redis::cmd("ZCARD");
        command.arg(&self.key);
        let n: usize = self
            .conn
            .call("geo", |mut con| async move {
                command.query_async(&mut con).await
            })
            .await
            .context("ZCARD failed")?;
        Ok(n)
    }

    /// The marker `<prefix>geo:loaded` vanishes with everything else when Redis restarts empty
    /// (or is flushed), while the set itself may already be back with one fresh report.
    async fn needs_reload(&self) -> anyhow::Result<bool> {
        let mut command = redis::cmd("EXISTS");
        command.arg(&self.marker);
        let present: i64 = self
            .conn
            .call("geo", |mut con| async move {
                command.query_async(&mut con).await
            })
            .await
            .context("EXISTS of the geo marker failed")?;
        // Redis answers again: a write it missed is repaired by the same refill. A write
        // missed during the refill marks the set stale again.
        let stale = self.stale.swap(false, Ordering::AcqRel);
        Ok(present == 0 || stale)
    }

    async fn mark_loaded(&self) -> anyhow::Result<()> {
        let mut command = redis::cmd("SET");
        command.arg(&self.marker).arg(1);
        let _: String = self
            .conn
            .call("geo", |mut con| async move {
                command.query_async(&mut con).await
            })
            .await
            .context("SET of the geo marker failed")?;
        Ok(())
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
    async fn redis_move_existing_never_adds() {
        let Some((conn, index)) = index("redis_move_existing_never_adds").await else {
            return;
        };
        behaviour::move_existing_never_adds(&index).await;
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
    async fn redis_positions_in_order_asked() {
        let Some((conn, index)) = index("redis_positions_in_order_asked").await else {
            return;
        };
        behaviour::positions_in_order_asked(&index).await;
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
