//! A postal address with its position, checked field by field.

use super::ParseError;
use super::geo::GeoPoint;

/// A checked address.
#[derive(Clone, Debug, PartialEq)]
pub struct Address {
    /// Street and number (1 to 200 characters).
    pub line1: String,
    /// Flat, floor, building (at most 200).
    pub line2: Option<String>,
    /// City (1 to 100).
    pub city: String,
    /// Postal code (at most 20).
    pub postal_code: Option<String>,
    /// Position.
    pub location: GeoPoint,
}

/// `raw` trimmed, 1 to `max` characters.
pub fn required_text(raw: &str, max: usize) -> Result<String, ParseError> {
    let value = raw.trim().to_owned();
    if value.is_empty() || value.chars().count() > max {
        return Err(ParseError(format!("must be 1 to {max} characters")));
    }
    Ok(value)
}

/// `raw` trimmed, None when empty, at most `max` characters.
pub fn optional_text(raw: Option<&str>, max: usize) -> Result<Option<String>, ParseError> {
    match raw.map(str::trim).filter(|v| !v.is_empty()) {
        Some(value) if value.chars().count() > max => {
            Err(ParseError(format!("must be at most {max} characters")))
        }
        value => Ok(value.map(str::to_owned)),
    }
}
