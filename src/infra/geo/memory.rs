//! [`GeoIndex`] inside the process: an R-tree over points on the sphere, for a single instance and tests.

use std::collections::HashMap;
use std::sync::{PoisonError, RwLock};

use async_trait::async_trait;
use rstar::RTree;
use rstar::primitives::GeomWithData;
use uuid::Uuid;

use super::{EARTH_RADIUS_KM, GeoIndex, GeoPoint, Nearby, ensure_valid_point, ensure_valid_search};

/// A member as the R-tree stores it: its position as a 3-D point on the sphere (km), and its id.
///
/// Points sit on the sphere rather than on a lat/lon plane because straight-line (chord) distance in 3-D
/// grows strictly with great-circle distance. The tree's own nearest-neighbour order is therefore exactly
/// the haversine order, with no projection error and no trouble at the poles or the antimeridian.
type Entry = GeomWithData<[f64; 3], Uuid>;

/// The R-tree and the id → position map, behind one lock so they never disagree.
#[derive(Default)]
struct Inner {
    tree: RTree<Entry>,
    // The tree can only remove an entry given its exact geometry, so the last position of each id is kept.
    positions: HashMap<Uuid, GeoPoint>,
}

/// An in-process geo index; searches cost O(log n + hits).
#[derive(Default)]
pub struct InMemoryGeoIndex {
    // std's lock, not tokio's: no method holds it across an await, and every critical section is short.
    inner: RwLock<Inner>,
}

impl InMemoryGeoIndex {
    /// An empty index.
    pub fn new() -> Self {
        Self::default()
    }

    /// An index filled in one pass (much faster than one upsert at a time, and a better-balanced tree).
    /// A repeated id keeps its last position.
    pub fn from_points(points: impl IntoIterator<Item = (Uuid, GeoPoint)>) -> anyhow::Result<Self> {
        let mut positions = HashMap::new();
        for (id, at) in points {
            ensure_valid_point(at)?;
            positions.insert(id, at);
        }
        let entries = positions
            .iter()
            .map(|(id, at)| Entry::new(to_xyz(*at), *id))
            .collect();
        Ok(Self {
            inner: RwLock::new(Inner {
                tree: RTree::bulk_load(entries),
                positions,
            }),
        })
    }

    /// The synchronous search behind [`GeoIndex::search`], for callers that are not async.
    pub fn search_sync(
        &self,
        center: GeoPoint,
        radius_km: f64,
        limit: usize,
    ) -> anyhow::Result<Vec<Nearby>> {
        ensure_valid_search(center, radius_km)?;
        if limit == 0 {
            return Ok(Vec::new());
        }
        // Widened by a hair so that a member lying exactly on the radius is not lost to rounding in the
        // chord; the exact distance test below decides.
        let max_chord = chord_km(radius_km) * (1.0 + 1e-9) + 1e-9;
        let max_chord_2 = max_chord * max_chord;
        let inner = self.inner.read().unwrap_or_else(PoisonError::into_inner);
        let mut hits = Vec::with_capacity(limit.min(256));
        // The iterator walks the tree outwards from the centre, so the work is proportional to the hits
        // taken, not to the size of the index or of the radius.
        for (entry, chord_2) in inner
            .tree
            .nearest_neighbor_iter_with_distance_2(&to_xyz(center))
        {
            if chord_2 > max_chord_2 || hits.len() == limit {
                break;
            }
            let distance_km = arc_km(chord_2.sqrt());
            if distance_km <= radius_km {
                hits.push(Nearby {
                    id: entry.data,
                    distance_km,
                });
            }
        }
        Ok(hits)
    }
}

#[async_trait]
impl GeoIndex for InMemoryGeoIndex {
    async fn upsert(&self, id: Uuid, at: GeoPoint) -> anyhow::Result<()> {
        ensure_valid_point(at)?;
        let mut inner = self.inner.write().unwrap_or_else(PoisonError::into_inner);
        let Inner { tree, positions } = &mut *inner;
        match positions.insert(id, at) {
            Some(old) if old == at => {}
            Some(old) => {
                tree.remove(&Entry::new(to_xyz(old), id));
                tree.insert(Entry::new(to_xyz(at), id));
            }
            None => tree.insert(Entry::new(to_xyz(at), id)),
        }
        Ok(())
    }

    async fn move_existing(&self, id: Uuid, at: GeoPoint) -> anyhow::Result<()> {
        ensure_valid_point(at)?;
        let mut inner = self.inner.write().unwrap_or_else(PoisonError::into_inner);
        let Inner { tree, positions } = &mut *inner;
        if let Some(old) = positions.get_mut(&id)
            && *old != at
        {
            tree.remove(&Entry::new(to_xyz(*old), id));
            tree.insert(Entry::new(to_xyz(at), id));
            *old = at;
        }
        Ok(())
    }

    async fn remove(&self, id: Uuid) -> anyhow::Result<()> {
        let mut inner = self.inner.write().unwrap_or_else(PoisonError::into_inner);
        let Inner { tree, positions } = &mut *inner;
        if let Some(old) = positions.remove(&id) {
            tree.remove(&Entry::new(to_xyz(old), id));
        }
        Ok(())
    }

    async fn search(
        &self,
        center: GeoPoint,
        radius_km: f64,
        limit: usize,
    ) -> anyhow::Result<Vec<Nearby>> {
        self.search_sync(center, radius_km, limit)
    }

    async fn positions(&self, ids: &[Uuid]) -> anyhow::Result<Vec<Option<GeoPoint>>> {
        let inner = self.inner.read().unwrap_or_else(PoisonError::into_inner);
        Ok(ids
            .iter()
            .map(|id| inner.positions.get(id).copied())
            .collect())
    }

    async fn len(&self) -> anyhow::Result<usize> {
        let inner = self.inner.read().unwrap_or_else(PoisonError::into_inner);
        Ok(inner.positions.len())
    }
}

/// The point on a sphere of radius [`EARTH_RADIUS_KM`]; a pure function, so the same input always gives
/// bit-identical coordinates (which `RTree::remove` relies on).
fn to_xyz(p: GeoPoint) -> [f64; 3] {
    let (lat, lon) = (p.latitude.to_radians(), p.longitude.to_radians());
    [
        EARTH_RADIUS_KM * lat.cos() * lon.cos(),
        EARTH_RADIUS_KM * lat.cos() * lon.sin(),
        EARTH_RADIUS_KM * lat.sin(),
    ]
}

/// The chord length for a great-circle distance; past half the circumference every point qualifies.
fn chord_km(arc_km: f64) -> f64 {
    let half_angle = arc_km / (2.0 * EARTH_RADIUS_KM);
    if half_angle >= std::f64::consts::FRAC_PI_2 {
        2.0 * EARTH_RADIUS_KM
    } else {
        2.0 * EARTH_RADIUS_KM * half_angle.sin()
    }
}

/// The great-circle distance for a chord; the same quantity the haversine formula computes.
fn arc_km(chord_km: f64) -> f64 {
    2.0 * EARTH_RADIUS_KM * (chord_km / (2.0 * EARTH_RADIUS_KM)).min(1.0).asin()
}

#[cfg(test)]
mod tests {
    use super::super::behaviour::{self, CENTER, offset};
    use super::super::haversine_km;
    use super::*;

    #[tokio::test]
    async fn nearest_first_within_radius() {
        behaviour::nearest_first_within_radius(&InMemoryGeoIndex::new()).await;
    }

    #[tokio::test]
    async fn upsert_moves_an_existing_member() {
        behaviour::upsert_moves_an_existing_member(&InMemoryGeoIndex::new()).await;
    }

    #[tokio::test]
    async fn remove_takes_a_member_out() {
        behaviour::remove_takes_a_member_out(&InMemoryGeoIndex::new()).await;
    }

    #[tokio::test]
    async fn move_existing_never_adds() {
        behaviour::move_existing_never_adds(&InMemoryGeoIndex::new()).await;
    }

    #[tokio::test]
    async fn limit_keeps_the_nearest() {
        behaviour::limit_keeps_the_nearest(&InMemoryGeoIndex::new()).await;
    }

    #[tokio::test]
    async fn positions_in_order_asked() {
        behaviour::positions_in_order_asked(&InMemoryGeoIndex::new()).await;
    }

    #[tokio::test]
    async fn invalid_input_is_an_error() {
        behaviour::invalid_input_is_an_error(&InMemoryGeoIndex::new()).await;
    }

    #[test]
    fn distances_agree_with_haversine() {
        for (north, east) in [(0.0, 0.001), (3.0, 4.0), (-20.0, 15.0), (300.0, -800.0)] {
            let p = offset(CENTER, north, east);
            let chord = {
                let (a, b) = (to_xyz(CENTER), to_xyz(p));
                ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2) + (a[2] - b[2]).powi(2)).sqrt()
            };
            let h = haversine_km(CENTER, p);
            assert!((arc_km(chord) - h).abs() < 1e-6, "{north},{east}");
            assert!((chord_km(h) - chord).abs() < 1e-6, "{north},{east}");
        }
    }

    #[test]
    fn search_matches_a_brute_force_scan_on_a_grid() {
        // A 41×41 grid 0.5 km apart, plus one pair across the antimeridian.
        let mut points = Vec::new();
        for i in -20..=20 {
            for j in -20..=20 {
                points.push((
                    Uuid::new_v4(),
                    offset(CENTER, f64::from(i) * 0.5, f64::from(j) * 0.5),
                ));
            }
        }
        let index = InMemoryGeoIndex::from_points(points.clone()).expect("bulk load");
        for (radius, limit) in [(0.0, 5), (0.7, 100), (3.3, 1000), (30.0, 50), (30.0, 5000)] {
            let got = index.search_sync(CENTER, radius, limit).expect("search");
            let mut want: Vec<f64> = points
                .iter()
                .map(|(_, p)| haversine_km(CENTER, *p))
                .filter(|d| *d <= radius)
                .collect();
            want.sort_by(f64::total_cmp);
            want.truncate(limit);
            let got_d: Vec<f64> = got.iter().map(|n| n.distance_km).collect();
            assert_eq!(got_d.len(), want.len(), "radius {radius} limit {limit}");
            for (g, w) in got_d.iter().zip(&want) {
                assert!((g - w).abs() < 1e-6, "radius {radius}: {g} vs {w}");
            }
        }

        let west = GeoPoint {
            latitude: 0.0,
            longitude: 179.999,
        };
        let east_id = Uuid::new_v4();
        let east = GeoPoint {
            latitude: 0.0,
            longitude: -179.999,
        };
        let wrap = InMemoryGeoIndex::from_points([(east_id, east)]).expect("bulk load");
        let hits = wrap.search_sync(west, 1.0, 10).expect("search");
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].id, east_id);
    }
}
