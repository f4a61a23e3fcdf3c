//! The geo index of collectors' live positions: who is within so many km of a point, nearest first.
//! `memory` keeps it in an R-tree inside the process; `redis` keeps it in a Redis GEO sorted set so
//! every instance sees the same positions.

pub mod memory;
pub mod redis;

use async_trait::async_trait;
use uuid::Uuid;

pub use self::memory::InMemoryGeoIndex;
pub use self::redis::RedisGeoIndex;

pub use crate::domain::geo::{EARTH_RADIUS_KM, GeoPoint, haversine_km};

/// One search hit.
#[derive(Clone, Debug, PartialEq)]
pub struct Nearby {
    /// The member's id, as given to [`GeoIndex::upsert`].
    pub id: Uuid,
    /// Great-circle distance from the search centre.
    pub distance_km: f64,
}

/// A set of ids with one position each, searchable by distance.
#[async_trait]
pub trait GeoIndex: Send + Sync {
    /// Puts `id` at `at`, moving it if it was already present.
    async fn upsert(&self, id: Uuid, at: GeoPoint) -> anyhow::Result<()>;
    /// Moves `id` to `at` only if it is present; never adds it. A collector's position
    /// reports move them, while only going online puts them in: a report that arrives
    /// after they went offline must not make them a candidate again.
    async fn move_existing(&self, id: Uuid, at: GeoPoint) -> anyhow::Result<()>;
    /// Takes `id` out; removing an absent id is not an error.
    async fn remove(&self, id: Uuid) -> anyhow::Result<()>;
    /// Members within radius_km of center, nearest first, at most `limit`.
    async fn search(
        &self,
        center: GeoPoint,
        radius_km: f64,
        limit: usize,
    ) -> anyhow::Result<Vec<Nearby>>;
    /// Up to `limit` members within `radius_km` of `center`, nearest first among those
    /// returned — but not necessarily the `limit` nearest of all: an implementation may
    /// stop at the first `limit` it finds, so the cost follows `limit`, not the number of
    /// members in the circle. Dispatch uses it with small, doubling radii, where every
    /// member of the circle is near enough. By default the same as [`GeoIndex::search`].
    async fn search_any(
        &self,
        center: GeoPoint,
        radius_km: f64,
        limit: usize,
    ) -> anyhow::Result<Vec<Nearby>> {
        self.search(center, radius_km, limit).await
    }
    /// The position of each of `ids`, in the same order; None for an id not in the index.
    async fn positions(&self, ids: &[Uuid]) -> anyhow::Result<Vec<Option<GeoPoint>>>;
    /// How many members the index holds.
    async fn len(&self) -> anyhow::Result<usize>;
    /// Whether the index lost its members behind our back (a Redis restarted empty) since
    /// the last [`GeoIndex::mark_loaded`], so it must be refilled from the database's last
    /// known positions. An in-process index never loses them.
    async fn needs_reload(&self) -> anyhow::Result<bool> {
        Ok(false)
    }
    /// Records that the index holds every online collector again.
    async fn mark_loaded(&self) -> anyhow::Result<()> {
        Ok(())
    }
    /// Whether the index holds no member.
    async fn is_empty(&self) -> anyhow::Result<bool> {
        Ok(self.len().await? == 0)
    }
}

/// Rejects coordinates that no index could store, so both implementations fail the same way.
fn ensure_valid_point(p: GeoPoint) -> anyhow::Result<()> {
    anyhow::ensure!(
        p.latitude.is_finite() && (-90.0..=90.0).contains(&p.latitude),
        "latitude {} is out of range",
        p.latitude
    );
    anyhow::ensure!(
        p.longitude.is_finite() && (-180.0..=180.0).contains(&p.longitude),
        "longitude {} is out of range",
        p.longitude
    );
    Ok(())
}

/// Checks a search's arguments; both implementations share it so they agree on what is an error.
fn ensure_valid_search(center: GeoPoint, radius_km: f64) -> anyhow::Result<()> {
    ensure_valid_point(center)?;
    anyhow::ensure!(
        radius_km.is_finite() && radius_km >= 0.0,
        "radius {radius_km} km is not a finite, non-negative number"
    );
    Ok(())
}

#[cfg(test)]
pub(crate) mod behaviour {
    //! Behaviour checks written once and run against every [`GeoIndex`]; each expects an empty index.

    use super::*;

    /// Amsterdam Centraal, a centre well inside the latitudes Redis accepts.
    pub const CENTER: GeoPoint = GeoPoint {
        latitude: 52.3791,
        longitude: 4.9003,
    };

    /// A point `north_km` north and `east_km` east of `from`, close enough for a flat approximation.
    pub fn offset(from: GeoPoint, north_km: f64, east_km: f64) -> GeoPoint {
        let km_per_degree = EARTH_RADIUS_KM.to_radians();
        GeoPoint {
            latitude: from.latitude + north_km / km_per_degree,
            longitude: from.longitude
                + east_km / (km_per_degree * from.latitude.to_radians().cos()),
        }
    }

    fn ids(hits: &[Nearby]) -> Vec<Uuid> {
        hits.iter().map(|n| n.id).collect()
    }

    /// Hits come nearest first, with their distances, and nothing beyond the radius.
    pub async fn nearest_first_within_radius(index: &dyn GeoIndex) {
        let (near, mid, far) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
        // Inserted out of order so the order of the answer cannot come from insertion order.
        index
            .upsert(far, offset(CENTER, 0.0, 5.0))
            .await
            .expect("upsert");
        index
            .upsert(near, offset(CENTER, 1.0, 0.0))
            .await
            .expect("upsert");
        index
            .upsert(mid, offset(CENTER, -1.4, -1.4))
            .await
            .expect("upsert");

        let hits = index.search(CENTER, 3.0, 10).await.expect("search");
        assert_eq!(ids(&hits), vec![near, mid]);
        assert!((hits[0].distance_km - 1.0).abs() < 0.01, "{hits:?}");
        let expected_mid = haversine_km(CENTER, offset(CENTER, -1.4, -1.4));
        assert!(
            (hits[1].distance_km - expected_mid).abs() < 0.01,
            "{hits:?}"
        );

        let all = index.search(CENTER, 6.0, 10).await.expect("search");
        assert_eq!(ids(&all), vec![near, mid, far]);
        assert!(
            index
                .search(CENTER, 0.5, 10)
                .await
                .expect("search")
                .is_empty()
        );
    }

    /// Upserting a known id moves it instead of adding a second copy.
    pub async fn upsert_moves_an_existing_member(index: &dyn GeoIndex) {
        let id = Uuid::new_v4();
        index
            .upsert(id, offset(CENTER, 8.0, 0.0))
            .await
            .expect("upsert");
        index
            .upsert(id, offset(CENTER, 0.0, 2.0))
            .await
            .expect("upsert");
        assert_eq!(index.len().await.expect("len"), 1);

        let hits = index.search(CENTER, 20.0, 10).await.expect("search");
        assert_eq!(ids(&hits), vec![id]);
        assert!((hits[0].distance_km - 2.0).abs() < 0.01, "{hits:?}");
        assert!(
            index
                .search(offset(CENTER, 8.0, 0.0), 1.0, 10)
                .await
                .expect("search")
                .is_empty()
        );
    }

    /// `move_existing` moves a member but never adds one.
    pub async fn move_existing_never_adds(index: &dyn GeoIndex) {
        let (member, stranger) = (Uuid::new_v4(), Uuid::new_v4());
        index
            .upsert(member, offset(CENTER, 5.0, 0.0))
            .await
            .expect("upsert");
        index
            .move_existing(member, offset(CENTER, 1.0, 0.0))
            .await
            .expect("move");
        index
            .move_existing(stranger, offset(CENTER, 0.5, 0.0))
            .await
            .expect("move of an absent id");
        let hits = index.search(CENTER, 2.0, 10).await.expect("search");
        assert_eq!(ids(&hits), vec![member]);
        assert_eq!(index.len().await.expect("len"), 1);
    }

    /// A removed member is no longer found; removing an unknown id is fine.
    pub async fn remove_takes_a_member_out(index: &dyn GeoIndex) {
        let (kept, gone) = (Uuid::new_v4(), Uuid::new_v4());
        index
            .upsert(kept, offset(CENTER, 0.5, 0.0))
            .await
            .expect("upsert");
        index
            .upsert(gone, offset(CENTER, 0.2, 0.0))
            .await
            .expect("upsert");
        index.remove(gone).await.expect("remove");
        index
            .remove(Uuid::new_v4())
            .await
            .expect("removing an unknown id");

        assert_eq!(index.len().await.expect("len"), 1);
        let hits = index.search(CENTER, 5.0, 10).await.expect("search");
        assert_eq!(ids(&hits), vec![kept]);
    }

    /// `limit` keeps the nearest ones; a zero limit answers nothing.
    pub async fn limit_keeps_the_nearest(index: &dyn GeoIndex) {
        let mut members: Vec<(Uuid, f64)> = Vec::new();
        for step in [4.0, 1.0, 3.0, 0.5, 2.0] {
            let id = Uuid::new_v4();
            index
                .upsert(id, offset(CENTER, 0.0, -step))
                .await
                .expect("upsert");
            members.push((id, step));
        }
        members.sort_by(|a, b| a.1.total_cmp(&b.1));

        let hits = index.search(CENTER, 10.0, 2).await.expect("search");
        assert_eq!(ids(&hits), vec![members[0].0, members[1].0]);
        assert!(
            index
                .search(CENTER, 10.0, 0)
                .await
                .expect("search")
                .is_empty()
        );
        assert_eq!(index.len().await.expect("len"), 5);
    }

    /// `positions` answers where each member is, in the order asked, None for strangers.
    pub async fn positions_in_order_asked(index: &dyn GeoIndex) {
        let (a, b, stranger) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
        let (at_a, at_b) = (offset(CENTER, 1.0, 2.0), offset(CENTER, -3.0, 0.5));
        index.upsert(a, at_a).await.expect("upsert");
        index.upsert(b, at_b).await.expect("upsert");
        let found = index.positions(&[b, stranger, a]).await.expect("positions");
        assert_eq!(found.len(), 3);
        assert!(found[1].is_none(), "{found:?}");
        for (got, want) in [(found[0], at_b), (found[2], at_a)] {
            let got = got.expect("a member's position");
            // Redis keeps 52-bit geohashes: well under a metre off.
            assert!(haversine_km(got, want) < 0.001, "{got:?} vs {want:?}");
        }
        assert!(index.positions(&[]).await.expect("positions").is_empty());
    }

    /// Out-of-range input is an error rather than a silently wrong answer.
    pub async fn invalid_input_is_an_error(index: &dyn GeoIndex) {
        let bad = GeoPoint {
            latitude: 91.0,
            longitude: 0.0,
        };
        assert!(index.upsert(Uuid::new_v4(), bad).await.is_err());
        assert!(index.search(bad, 1.0, 1).await.is_err());
        assert!(index.search(CENTER, -1.0, 1).await.is_err());
        assert!(index.search(CENTER, f64::NAN, 1).await.is_err());
        assert!(index.is_empty().await.expect("is_empty"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn haversine_matches_known_distances() {
        let paris = GeoPoint {
            latitude: 48.8566,
            longitude: 2.3522,
        };
        let london = GeoPoint {
            latitude: 51.5074,
            longitude: -0.1278,
        };
        let d = haversine_km(paris, london);
        assert!((d - 343.5).abs() < 1.0, "{d}");
        assert_eq!(haversine_km(paris, paris), 0.0);
        // Half the circumference, where asin's argument reaches 1.
        let antipode = GeoPoint {
            latitude: -48.8566,
            longitude: 2.3522 - 180.0,
        };
        let half = std::f64::consts::PI * EARTH_RADIUS_KM;
        assert!((haversine_km(paris, antipode) - half).abs() < 1e-6);
    }
}
