//! Positions in the API.

use async_graphql::{InputObject, SimpleObject};

use crate::domain::ParseError;
use crate::domain::geo::GeoPoint as Point;

/// A position in WGS 84 degrees.
#[derive(InputObject, Clone, Copy)]
pub struct GeoPointInput {
    /// Degrees north, −90 to 90.
    pub latitude: f64,
    /// Degrees east, −180 to 180.
    pub longitude: f64,
}

impl GeoPointInput {
    /// The checked point.
    pub fn parse(self) -> Result<Point, ParseError> {
        Point::parse(self.latitude, self.longitude)
    }
}

/// A position in WGS 84 degrees.
#[derive(SimpleObject, Clone, Copy)]
pub struct GeoPoint {
    /// Degrees north.
    pub latitude: f64,
    /// Degrees east.
    pub longitude: f64,
}

impl From<Point> for GeoPoint {
    fn from(point: Point) -> Self {
        Self {
            latitude: point.latitude,
            longitude: point.longitude,
        }
    }
}
