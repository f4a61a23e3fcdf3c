//! Positions on the Earth: coordinates parsed from input, and great-circle distance.

use super::ParseError;

/// Mean Earth radius (IUGG), in km. Redis uses 6372.797 km, so its distances read about 0.03 % longer.
pub const EARTH_RADIUS_KM: f64 = 6371.0088;

/// A position in WGS 84 degrees.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GeoPoint {
    /// Degrees north, −90 to 90.
    pub latitude: f64,
    /// Degrees east, −180 to 180.
    pub longitude: f64,
}

impl GeoPoint {
    /// Parses user input: finite degrees, latitude −90 to 90, longitude −180 to 180.
    pub fn parse(latitude: f64, longitude: f64) -> Result<Self, ParseError> {
        if !latitude.is_finite() || !(-90.0..=90.0).contains(&latitude) {
            return Err(ParseError("latitude must be between -90 and 90".to_owned()));
        }
        if !longitude.is_finite() || !(-180.0..=180.0).contains(&longitude) {
            return Err(ParseError(
                "longitude must be between -180 and 180".to_owned(),
            ));
        }
        Ok(Self {
            latitude,
            longitude,
        })
    }
}

/// Great-circle distance between two points, in km, on a sphere of [`EARTH_RADIUS_KM`].
pub fn haversine_km(a: GeoPoint, b: GeoPoint) -> f64 {
    let (lat1, lat2) = (a.latitude.to_radians(), b.latitude.to_radians());
    let d_lat = lat2 - lat1;
    let d_lon = (b.longitude - a.longitude).to_radians();
    let h = (d_lat / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * (d_lon / 2.0).sin().powi(2);
    // `min` guards asin against rounding just above 1 for antipodal points.
    2.0 * EARTH_RADIUS_KM * h.sqrt().min(1.0).asin()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coordinates_are_range_checked_and_distances_are_great_circle() {
        assert!(GeoPoint::parse(91.0, 0.0).is_err());
        assert!(GeoPoint::parse(0.0, f64::NAN).is_err());
        let shanghai = GeoPoint::parse(31.2304, 121.4737).expect("valid");
        let beijing = GeoPoint::parse(39.9042, 116.4074).expect("valid");
        let km = haversine_km(shanghai, beijing);
        assert!((1060.0..1075.0).contains(&km), "{km}");
    }
}
