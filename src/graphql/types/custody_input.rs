//! Custody inputs, parsed into service requests.

use std::collections::BTreeMap;

use async_graphql::{ID, InputObject};
use chrono::{DateTime, Utc};

use super::custody::{ProcessingOutcomeGql, SanitizationMethodGql};
use super::decimal::DecimalString;
use super::enums::CertificationGql;
use super::order_input::{AddressInput, parse_id};
use crate::error::AppError;
use crate::services::custody::facilities::NewFacility;
use crate::services::custody::{HandOver, Processing, ReceiptLine, Sanitization};

/// A facility to create.
#[derive(InputObject)]
pub struct FacilityInput {
    /// Display name.
    pub name: String,
    /// The operating permit's number.
    pub permit_number: String,
    /// Where it is.
    pub address: AddressInput,
    /// Category codes it takes.
    pub accepted_categories: Vec<String>,
    /// Certifications it holds (e.g. HAZARDOUS_BATTERY to take EV packs).
    pub certifications: Vec<CertificationGql>,
}

impl FacilityInput {
    /// Checks the address; the service checks the rest.
    pub fn parse(self) -> Result<NewFacility, AppError> {
        Ok(NewFacility {
            name: self.name,
            permit_number: self.permit_number,
            address: self.address.parse("input.address")?,
            accepted_categories: self.accepted_categories,
            certifications: self.certifications.into_iter().map(Into::into).collect(),
        })
    }
}

/// A collector's hand-over of completed orders' items to a facility.
#[derive(InputObject)]
pub struct HandOverInput {
    /// Where to.
    pub facility_id: ID,
    /// Completed orders whose items go (1 to 50).
    pub order_ids: Vec<ID>,
    /// Device time of the hand-over (at most 24 h in the past, not in the future).
    pub recorded_at: Option<DateTime<Utc>>,
    /// The app's id for this action: a retry with it returns the first transfer.
    pub client_action_id: Option<String>,
}

impl HandOverInput {
    /// Parses the ids (a malformed one names nothing: NOT_FOUND).
    pub fn parse(self) -> Result<HandOver, AppError> {
        let facility_id =
            uuid::Uuid::parse_str(&self.facility_id).map_err(|_| AppError::NotFound("facility"))?;
        let order_ids = self
            .order_ids
            .iter()
            .map(|id| uuid::Uuid::parse_str(id).map_err(|_| AppError::NotFound("pickup order")))
            .collect::<Result<_, _>>()?;
        Ok(HandOver {
            facility_id,
            order_ids,
            recorded_at: self.recorded_at,
            client_action_id: self.client_action_id,
        })
    }
}

/// The facility's finding for one item of a transfer.
#[derive(InputObject)]
pub struct ReceiveLineInput {
    /// The item.
    pub item_id: ID,
    /// Weighed at the facility, kg.
    pub weight_kg: DecimalString,
    /// Accepted, or rejected (then `reason` is required).
    pub accepted: bool,
    /// Why it was rejected.
    pub reason: Option<String>,
}

/// The receipt of a transfer: one line per item on it.
#[derive(InputObject)]
pub struct ReceiveTransferInput {
    /// The transfer.
    pub transfer_id: ID,
    /// Every item of the transfer, once.
    pub lines: Vec<ReceiveLineInput>,
}

impl ReceiveTransferInput {
    /// Parses the ids.
    pub fn parse(self) -> Result<(uuid::Uuid, Vec<ReceiptLine>), AppError> {
        let transfer_id =
            uuid::Uuid::parse_str(&self.transfer_id).map_err(|_| AppError::NotFound("transfer"))?;
        let lines = self
            .lines
            .into_iter()
            .enumerate()
            .map(|(index, line)| {
                Ok(ReceiptLine {
                    item_id: parse_id(&line.item_id, &format!("input.lines[{index}].itemId"))?,
                    weight_kg: line.weight_kg.0,
                    accepted: line.accepted,
                    reason: line.reason,
                })
            })
            .collect::<Result<_, AppError>>()?;
        Ok((transfer_id, lines))
    }
}

/// A NIST SP 800-88 sanitisation record.
#[derive(InputObject)]
pub struct SanitizationInput {
    /// CLEAR, PURGE or DESTROY.
    pub method: SanitizationMethodGql,
    /// e.g. "cryptographic erase", "shred to 2 mm".
    pub technique: String,
    /// The tool used.
    pub tool: Option<String>,
    /// Whether the result was verified (by the acting user).
    pub verified: bool,
}

/// kg of one recovered material.
#[derive(InputObject)]
pub struct MaterialAmountInput {
    /// e.g. LITHIUM, COBALT, NICKEL, COPPER.
    pub material: String,
    /// Kilograms (0 or more).
    pub kg: DecimalString,
}

/// What became of items the facility holds.
#[derive(InputObject)]
pub struct ProcessingInput {
    /// Items held at the facility (1 to 200).
    pub item_ids: Vec<ID>,
    /// The outcome.
    pub outcome: ProcessingOutcomeGql,
    /// Required when an item carries data (phones, tablets, laptops, desktops).
    pub sanitization: Option<SanitizationInput>,
    /// For MATERIAL_RECOVERED: kg recovered per material over all the items (split over
    /// them by weight); the total cannot exceed their received weight.
    pub recovered_materials: Option<Vec<MaterialAmountInput>>,
}

impl ProcessingInput {
    /// Parses ids and materials.
    pub fn parse(self) -> Result<Processing, AppError> {
        let item_ids = self
            .item_ids
            .iter()
            .map(|id| uuid::Uuid::parse_str(id).map_err(|_| AppError::NotFound("custody item")))
            .collect::<Result<_, _>>()?;
        let mut materials = BTreeMap::new();
        for (index, amount) in self
            .recovered_materials
            .unwrap_or_default()
            .into_iter()
            .enumerate()
        {
            let name = amount.material.trim().to_uppercase();
            if name.is_empty() || name.len() > 40 {
                return Err(AppError::validation(
                    format!("input.recoveredMaterials[{index}].material"),
                    "must be 1 to 40 characters",
                ));
            }
            if amount.kg.0 < rust_decimal::Decimal::ZERO || amount.kg.0.normalize().scale() > 3 {
                return Err(AppError::validation(
                    format!("input.recoveredMaterials[{index}].kg"),
                    "must be 0 or more, with at most 3 decimals",
                ));
            }
            if materials.insert(name, amount.kg.0).is_some() {
                return Err(AppError::validation(
                    format!("input.recoveredMaterials[{index}].material"),
                    "names a material twice",
                ));
            }
        }
        Ok(Processing {
            item_ids,
            outcome: self.outcome.into(),
            sanitization: self.sanitization.map(|s| Sanitization {
                method: s.method.into(),
                technique: s.technique.trim().to_owned(),
                tool: s.tool,
                verified: s.verified,
            }),
            materials,
        })
    }
}
