//! Order inputs, parsed into service requests.

use async_graphql::{ID, InputObject};
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::decimal::DecimalString;
use super::device::device_action;
use super::geo::GeoPointInput;
use super::pricing::ConditionGql;
use crate::domain::address::{Address, optional_text, required_text};
use crate::domain::item::parse_weight_kg;
use crate::domain::{DisplayName, ParseError, Phone};
use crate::error::AppError;
use crate::services::collector_actions::DeviceAction;
use crate::services::orders::{BookingRequest, CompletionProof, InspectedLine};

/// Where to collect.
#[derive(InputObject)]
pub struct AddressInput {
    /// Street and number.
    pub line1: String,
    /// Flat, floor, building.
    pub line2: Option<String>,
    /// City.
    pub city: String,
    /// Postal code.
    pub postal_code: Option<String>,
    /// Position (must be in a service area).
    pub location: GeoPointInput,
}

impl AddressInput {
    /// Checks every field; errors name `prefix.field`.
    pub fn parse(self, prefix: &str) -> Result<Address, AppError> {
        let field = |name: &str| format!("{prefix}.{name}");
        let invalid = |name: &str| {
            let path = field(name);
            move |e: ParseError| AppError::validation(path, e.0)
        };
        Ok(Address {
            line1: required_text(&self.line1, 200).map_err(invalid("line1"))?,
            line2: optional_text(self.line2.as_deref(), 200).map_err(invalid("line2"))?,
            city: required_text(&self.city, 100).map_err(invalid("city"))?,
            postal_code: optional_text(self.postal_code.as_deref(), 20)
                .map_err(invalid("postalCode"))?,
            location: self.location.parse().map_err(invalid("location"))?,
        })
    }
}

/// A pickup window: in the future, within service hours, 1 to 8 hours long.
#[derive(InputObject, Clone, Copy)]
pub struct TimeWindowInput {
    /// Earliest arrival.
    pub start: DateTime<Utc>,
    /// Latest arrival.
    pub end: DateTime<Utc>,
}

/// A pickup booking from an ACTIVE quote.
#[derive(InputObject)]
pub struct BookPickupInput {
    /// The quote to book (it becomes USED).
    pub quote_id: ID,
    /// Where to collect.
    pub address: AddressInput,
    /// When.
    pub window: TimeWindowInput,
    /// Who to ask for.
    pub contact_name: String,
    /// How to reach them.
    pub contact_phone: String,
    /// Notes for the collector (at most 500 characters).
    pub notes: Option<String>,
    /// Makes retries safe: the same key and input return the first order.
    pub idempotency_key: Option<String>,
    /// The partner's own reference.
    pub external_reference: Option<String>,
}

impl BookPickupInput {
    /// Checks every field, naming the first bad one.
    pub fn parse(self) -> Result<BookingRequest, AppError> {
        let quote_id = parse_id(&self.quote_id, "input.quoteId")?;
        let address = self.address.parse("input.address")?;
        let optional = |raw: Option<String>, field: &str, max: usize| {
            optional_text(raw.as_deref(), max).map_err(|e| AppError::validation(field, e.0))
        };
        Ok(BookingRequest {
            quote_id,
            line1: address.line1,
            line2: address.line2,
            city: address.city,
            postal_code: address.postal_code,
            location: address.location,
            window_start: self.window.start,
            window_end: self.window.end,
            contact_name: DisplayName::parse(&self.contact_name)
                .map_err(|e| AppError::validation("input.contactName", e.0))?,
            contact_phone: Phone::parse(&self.contact_phone)
                .map_err(|e| AppError::validation("input.contactPhone", e.0))?,
            notes: optional(self.notes, "input.notes", 500)?,
            idempotency_key: optional(self.idempotency_key, "input.idempotencyKey", 100)?,
            external_reference: optional(self.external_reference, "input.externalReference", 100)?,
        })
    }
}

/// What the collector found for one order line.
#[derive(InputObject)]
pub struct InspectionLineInput {
    /// An OrderLine id.
    pub line_id: ID,
    /// Actual condition.
    pub condition: Option<ConditionGql>,
    /// Actual weight per piece, kg.
    pub weight_kg: Option<DecimalString>,
    /// Serial number or IMEI read from the item.
    pub serial_number: Option<String>,
    /// A battery's trace code read from its label, in the quoted code's scheme. One that
    /// differs from the quoted code (or none, where the quote had one) is recorded as a
    /// discrepancy, and the payout waits until an operator resolves it.
    pub trace_code: Option<String>,
    /// Photo references.
    pub photo_refs: Option<Vec<String>>,
}

/// An inspection at the door.
#[derive(InputObject)]
pub struct InspectionInput {
    /// The order.
    pub order_id: ID,
    /// The lines inspected; lines left out keep their quoted amount.
    pub lines: Vec<InspectionLineInput>,
    /// The app's id for this step: a replay with the same id returns the first result.
    pub client_action_id: Option<String>,
    /// When the inspection happened on the device (an app that was offline).
    pub recorded_at: Option<DateTime<Utc>>,
}

impl InspectionInput {
    /// The order id, the checked lines and the device's arguments.
    pub fn parse(self) -> Result<(Uuid, Vec<InspectedLine>, DeviceAction), AppError> {
        let order_id = order_id(&self.order_id)?;
        let device = device_action(self.client_action_id, self.recorded_at, "input.")?;
        let lines = self
            .lines
            .into_iter()
            .enumerate()
            .map(|(i, line)| {
                Ok(InspectedLine {
                    line_id: parse_id(&line.line_id, &format!("input.lines[{i}].lineId"))?,
                    condition: line.condition.map(Into::into),
                    weight_kg: line
                        .weight_kg
                        .map(|kg| parse_weight_kg(kg.0))
                        .transpose()
                        .map_err(|e| {
                            AppError::validation(format!("input.lines[{i}].weightKg"), e.0)
                        })?,
                    serial_number: line.serial_number,
                    trace_code: line.trace_code,
                    photo_refs: refs(line.photo_refs, &format!("input.lines[{i}].photoRefs"))?,
                })
            })
            .collect::<Result<_, AppError>>()?;
        Ok((order_id, lines, device))
    }
}

/// Proof of pickup.
#[derive(InputObject)]
pub struct CompletePickupInput {
    /// The order.
    pub order_id: ID,
    /// The customer's signature (stored file reference).
    pub signature_ref: Option<String>,
    /// Photos of the items (stored file references).
    pub photo_refs: Option<Vec<String>>,
    /// The app's id for this step: a replay with the same id returns the first result.
    pub client_action_id: Option<String>,
    /// When the pickup was completed on the device (an app that was offline).
    pub recorded_at: Option<DateTime<Utc>>,
}

impl CompletePickupInput {
    /// The order id, the proof and the device's arguments.
    pub fn parse(self) -> Result<(Uuid, CompletionProof, DeviceAction), AppError> {
        Ok((
            order_id(&self.order_id)?,
            CompletionProof {
                signature_ref: self.signature_ref.filter(|s| !s.trim().is_empty()),
                photo_refs: refs(self.photo_refs, "input.photoRefs")?,
            },
            device_action(self.client_action_id, self.recorded_at, "input.")?,
        ))
    }
}

/// The order an input names: a malformed id names no order, so it is NOT_FOUND like
/// any unknown or foreign one.
fn order_id(raw: &ID) -> Result<Uuid, AppError> {
    Uuid::parse_str(raw).map_err(|_| AppError::NotFound("pickup order"))
}

/// An id inside an input: malformed is a VALIDATION error naming the field.
pub fn parse_id(raw: &ID, field: &str) -> Result<Uuid, AppError> {
    Uuid::parse_str(raw).map_err(|_| AppError::validation(field, "is not a valid id"))
}

fn refs(raw: Option<Vec<String>>, field: &str) -> Result<Vec<String>, AppError> {
    let refs = raw.unwrap_or_default();
    if refs.len() > 20 || refs.iter().any(|r| r.trim().is_empty() || r.len() > 300) {
        return Err(AppError::validation(
            field,
            "at most 20 references of 1 to 300 characters",
        ));
    }
    Ok(refs)
}
