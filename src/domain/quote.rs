//! Quote requests as parsed from input, and the quote lifecycle.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use uuid::Uuid;

use super::geo::GeoPoint;
use super::item::SerialNumber;
use super::pricing::{Assessment, BatteryFacts};
use super::string_enum;
use super::trace_code::TraceCode;

/// What one requested item refers to.
#[derive(Clone, Debug, PartialEq)]
pub enum ItemSubject {
    /// A known device model; its category comes from the catalog. The optional code
    /// must then agree with it.
    Model {
        /// The model's id.
        id: Uuid,
        /// A category the caller also named.
        category_code: Option<String>,
    },
    /// A category, by code (priced by weight or per piece).
    Category(String),
}

/// A battery as described by the customer.
#[derive(Clone, Debug, PartialEq)]
pub struct RequestedBattery {
    /// Chemistry, state of health and weight.
    pub facts: BatteryFacts,
    /// The pack's trace code, when it has one.
    pub trace_code: Option<TraceCode>,
}

/// One requested item, checked field by field but not yet against the catalog.
#[derive(Clone, Debug, PartialEq)]
pub struct RequestedItem {
    /// Model or category.
    pub subject: ItemSubject,
    /// 1 to 1000.
    pub quantity: u32,
    /// Per unit, kg.
    pub weight_kg: Option<Decimal>,
    /// Condition grade or answers; None means GOOD.
    pub assessment: Option<Assessment>,
    /// For battery categories.
    pub battery: Option<RequestedBattery>,
    /// Serial or IMEI (checked against the category once it is known).
    pub serial: Option<String>,
}

/// A parsed quote request.
#[derive(Clone, Debug, PartialEq)]
pub struct QuoteRequest {
    /// At least one item.
    pub items: Vec<RequestedItem>,
    /// Where the pickup would be, for the logistics fee.
    pub pickup: Option<GeoPoint>,
}

/// A serial checked against its item's category.
pub fn check_serial(raw: &str, category_code: &str) -> Result<SerialNumber, super::ParseError> {
    SerialNumber::parse(raw, matches!(category_code, "SMARTPHONE" | "TABLET"))
}

string_enum! {
    /// Where a quote is in its life.
    QuoteStatus {
        /// Price locked; can be booked.
        Active => "ACTIVE",
        /// Past `validUntil` without a booking.
        Expired => "EXPIRED",
        /// Booked (once).
        Used => "USED",
    }
}

impl QuoteStatus {
    /// The status at `now` of a quote stored as `stored` (ACTIVE or USED) that is valid
    /// until `valid_until`: expiry is derived, so no sweeper has to flip it.
    pub fn at(stored: QuoteStatus, valid_until: DateTime<Utc>, now: DateTime<Utc>) -> QuoteStatus {
        match stored {
            QuoteStatus::Active if now >= valid_until => QuoteStatus::Expired,
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_active_quote_expires_at_valid_until_and_a_used_one_stays_used() {
        let until = Utc::now();
        let before = until - chrono::Duration::seconds(1);
        assert_eq!(
            QuoteStatus::at(QuoteStatus::Active, until, before),
            QuoteStatus::Active
        );
        assert_eq!(
            QuoteStatus::at(QuoteStatus::Active, until, until),
            QuoteStatus::Expired
        );
        assert_eq!(
            QuoteStatus::at(QuoteStatus::Used, until, until),
            QuoteStatus::Used
        );
    }
}
