//! Shanghai for the demo: well-known places to start from, random addresses near them,
//! and travel along the streets (north–south and east–west legs, as Puxi's grid runs)
//! rather than as the crow flies.

use rand::Rng;

use crate::domain::geo::{GeoPoint, haversine_km};

/// Landmarks the demo's people live and work around (latitude, longitude).
pub const PLACES: &[(&str, f64, f64)] = &[
    ("People's Square", 31.2323, 121.4690),
    ("Lujiazui", 31.2397, 121.4998),
    ("Xujiahui", 31.1955, 121.4365),
    ("Jing'an Temple", 31.2235, 121.4460),
    ("Zhongshan Park", 31.2190, 121.4170),
    ("Hongkou Stadium", 31.2720, 121.4800),
    ("Wujiaochang", 31.2990, 121.5140),
    ("Century Park", 31.2190, 121.5450),
    ("Tianzifang", 31.2100, 121.4700),
    ("Longhua", 31.1750, 121.4500),
    ("Expo Park", 31.1860, 121.4900),
    ("Zhenru", 31.2560, 121.4000),
];

/// Kilometres per degree of latitude.
const KM_PER_DEGREE: f64 = 111.2;

/// A point within `radius_km` of the landmark `index` (modulo the list).
pub fn near_place(rng: &mut impl Rng, index: usize, radius_km: f64) -> GeoPoint {
    let (_, lat, lon) = PLACES[index % PLACES.len()];
    let d_lat = rng.random_range(-radius_km..=radius_km) / KM_PER_DEGREE;
    let d_lon = rng.random_range(-radius_km..=radius_km) / (KM_PER_DEGREE * lat.to_radians().cos());
    GeoPoint {
        latitude: lat + d_lat,
        longitude: lon + d_lon,
    }
}

/// A point near a random landmark.
pub fn random_address(rng: &mut impl Rng, radius_km: f64) -> GeoPoint {
    let index = rng.random_range(0..PLACES.len());
    near_place(rng, index, radius_km)
}

/// A trip along the streets: through the corners of a dog-leg between two points.
#[derive(Clone, Debug)]
pub struct Route {
    position: GeoPoint,
    corners: Vec<GeoPoint>,
}

impl Route {
    /// Standing still at `at`.
    pub fn parked(at: GeoPoint) -> Self {
        Self {
            position: at,
            corners: Vec::new(),
        }
    }

    /// From `from` to `to`: along one axis to a turning point part of the way, across,
    /// then on to the destination (which axis first, and where to turn, are random).
    pub fn along_streets(rng: &mut impl Rng, from: GeoPoint, to: GeoPoint) -> Self {
        let turn = rng.random_range(0.2..0.8);
        let mid_lat = from.latitude + (to.latitude - from.latitude) * turn;
        let mid_lon = from.longitude + (to.longitude - from.longitude) * turn;
        let point = |latitude, longitude| GeoPoint {
            latitude,
            longitude,
        };
        let corners = if rng.random_bool(0.5) {
            vec![
                point(mid_lat, from.longitude),
                point(mid_lat, to.longitude),
                to,
            ]
        } else {
            vec![
                point(from.latitude, mid_lon),
                point(to.latitude, mid_lon),
                to,
            ]
        };
        Self {
            position: from,
            corners,
        }
    }

    /// Where the traveller is.
    pub fn position(&self) -> GeoPoint {
        self.position
    }

    /// Whether the destination is reached.
    pub fn arrived(&self) -> bool {
        self.corners.is_empty()
    }

    /// Moves `km` along the route (stopping at the destination); the new position.
    pub fn advance(&mut self, mut km: f64) -> GeoPoint {
        while km > 0.0 {
            let Some(&next) = self.corners.first() else {
                break;
            };
            let leg = haversine_km(self.position, next);
            if leg <= km {
                self.position = next;
                self.corners.remove(0);
                km -= leg;
            } else {
                let share = km / leg;
                self.position = GeoPoint {
                    latitude: self.position.latitude
                        + (next.latitude - self.position.latitude) * share,
                    longitude: self.position.longitude
                        + (next.longitude - self.position.longitude) * share,
                };
                km = 0.0;
            }
        }
        self.position
    }
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    use super::*;

    #[test]
    fn a_route_follows_the_streets_and_ends_at_its_destination() {
        let mut rng = StdRng::seed_from_u64(7);
        let from = near_place(&mut rng, 0, 1.0);
        let to = near_place(&mut rng, 1, 1.0);
        let mut route = Route::along_streets(&mut rng, from, to);
        let straight = haversine_km(from, to);
        let mut travelled = 0.0;
        let mut last = from;
        while !route.arrived() {
            let next = route.advance(0.1);
            let step = haversine_km(last, next);
            assert!(step <= 0.1 + 1e-9, "never more than asked: {step}");
            // Each step runs along one axis (a street), except where it turns a corner.
            travelled += step;
            last = next;
        }
        assert_eq!(route.position(), to);
        assert!(travelled >= straight - 1e-6, "{travelled} < {straight}");
        assert!(travelled <= straight * 1.5, "a dog-leg, not a detour");
    }

    #[test]
    fn the_same_seed_gives_the_same_places() {
        let pick = |seed| {
            let mut rng = StdRng::seed_from_u64(seed);
            (0..5)
                .map(|_| random_address(&mut rng, 2.0))
                .collect::<Vec<_>>()
        };
        assert_eq!(pick(42), pick(42));
        assert_ne!(pick(42), pick(43));
        for point in pick(42) {
            assert!((31.1..31.4).contains(&point.latitude), "{point:?}");
            assert!((121.3..121.6).contains(&point.longitude), "{point:?}");
        }
    }
}
