//! Quote request inputs, and their parsing into a domain [`QuoteRequest`].

use async_graphql::{ID, InputObject};
use uuid::Uuid;

use super::decimal::DecimalString;
use super::enums::TraceSchemeGql;
use super::geo::GeoPointInput;
use super::pricing::{BodyDamageGql, ChemistryGql, ConditionGql};
use crate::domain::ParseError;
use crate::domain::item::{parse_quantity, parse_state_of_health, parse_weight_kg};
use crate::domain::pricing::{Assessment, BatteryFacts, ConditionAnswers};
use crate::domain::quote::{ItemSubject, QuoteRequest, RequestedBattery, RequestedItem};
use crate::domain::trace_code::TraceCode;
use crate::error::AppError;

/// A battery to quote.
#[derive(InputObject)]
pub struct BatteryInput {
    /// Cell chemistry.
    pub chemistry: ChemistryGql,
    /// State of health, 0 to 100 %; decides whether a second life is possible.
    pub state_of_health_pct: Option<i32>,
    /// Weight of the battery, kg.
    pub weight_kg: DecimalString,
    /// The battery's trace code, when it has one: a 24-character GB/T 34014 code (checked
    /// and parsed), or a code of the scheme named in `traceCodeScheme`.
    pub trace_code: Option<String>,
    /// The code's scheme; without it a 24-character code is GB/T 34014 and a URN an EU
    /// battery passport identifier.
    pub trace_code_scheme: Option<TraceSchemeGql>,
}

/// Answers about a device's condition, mapped to published deductions.
#[derive(InputObject)]
pub struct ConditionAnswersInput {
    /// Does it switch on?
    pub powers_on: bool,
    /// Is the screen cracked?
    pub screen_cracked: bool,
    /// Damage to the body.
    pub body_damage: BodyDamageGql,
    /// Battery health shown by the device, %.
    pub battery_health_pct: Option<i32>,
    /// Are charger, cables and box included?
    #[graphql(default = true)]
    pub accessories_complete: bool,
}

/// One item to quote: a device model, or a category with a weight or quantity.
#[derive(InputObject)]
pub struct QuoteItemInput {
    /// A known device model (see `deviceModels`).
    pub device_model_id: Option<ID>,
    /// A category code (see `categories`), for items without a model.
    pub category_code: Option<String>,
    /// Number of pieces, 1 to 1000; 1 when omitted or null.
    #[graphql(default = 1)]
    pub quantity: Option<i32>,
    /// Weight of one piece, kg; required for categories priced by KG.
    pub weight_kg: Option<DecimalString>,
    /// The condition grade; or give `answers`.
    pub condition: Option<ConditionGql>,
    /// Condition answers, instead of a grade.
    pub answers: Option<ConditionAnswersInput>,
    /// For battery categories.
    pub battery: Option<BatteryInput>,
    /// Serial number or IMEI (IMEIs are checked).
    pub serial_number: Option<String>,
}

/// What to quote.
#[derive(InputObject)]
pub struct QuoteInput {
    /// The items, at most 20 by default.
    pub items: Vec<QuoteItemInput>,
    /// Where the pickup would be; sets the logistics fee's distance part.
    pub pickup_location: Option<GeoPointInput>,
}

impl QuoteInput {
    /// Checks every field, naming the first bad one (`input.items[2].weightKg`).
    pub fn parse(self) -> Result<QuoteRequest, AppError> {
        let pickup = self
            .pickup_location
            .map(GeoPointInput::parse)
            .transpose()
            .map_err(|e| AppError::validation("input.pickupLocation", e.0))?;
        let items = self
            .items
            .into_iter()
            .enumerate()
            .map(|(index, item)| item.parse(index))
            .collect::<Result<_, _>>()?;
        Ok(QuoteRequest { items, pickup })
    }
}

impl QuoteItemInput {
    fn parse(self, index: usize) -> Result<RequestedItem, AppError> {
        let field = |name: &'static str| {
            move |e: ParseError| AppError::validation(format!("input.items[{index}].{name}"), e.0)
        };
        let subject = match (self.device_model_id, self.category_code) {
            (Some(id), category_code) => ItemSubject::Model {
                id: Uuid::parse_str(&id)
                    .map_err(|_| field("deviceModelId")(ParseError("is not a valid id".into())))?,
                category_code: category_code.map(|c| c.trim().to_uppercase()),
            },
            (None, Some(code)) => ItemSubject::Category(code.trim().to_uppercase()),
            (None, None) => {
                return Err(field("deviceModelId")(ParseError(
                    "give a deviceModelId or a categoryCode".into(),
                )));
            }
        };
        let quantity = parse_quantity(self.quantity.unwrap_or(1)).map_err(field("quantity"))?;
        let weight_kg = self
            .weight_kg
            .map(|kg| parse_weight_kg(kg.0))
            .transpose()
            .map_err(field("weightKg"))?;
        let assessment = match (self.condition, self.answers) {
            (Some(_), Some(_)) => {
                return Err(field("answers")(ParseError(
                    "give a condition or answers, not both".into(),
                )));
            }
            (Some(condition), None) => Some(Assessment::Condition(condition.into())),
            (None, Some(answers)) => Some(Assessment::Answers(ConditionAnswers {
                powers_on: answers.powers_on,
                screen_cracked: answers.screen_cracked,
                body_damage: answers.body_damage.into(),
                battery_health_pct: answers
                    .battery_health_pct
                    .map(parse_state_of_health)
                    .transpose()
                    .map_err(field("answers.batteryHealthPct"))?,
                accessories_complete: answers.accessories_complete,
            })),
            (None, None) => None,
        };
        let battery = self
            .battery
            .map(|battery| -> Result<RequestedBattery, AppError> {
                Ok(RequestedBattery {
                    facts: BatteryFacts {
                        chemistry: battery.chemistry.into(),
                        state_of_health_pct: battery
                            .state_of_health_pct
                            .map(parse_state_of_health)
                            .transpose()
                            .map_err(field("battery.stateOfHealthPct"))?,
                        weight_kg: parse_weight_kg(battery.weight_kg.0)
                            .map_err(field("battery.weightKg"))?,
                    },
                    trace_code: battery
                        .trace_code
                        .as_deref()
                        .map(|raw| TraceCode::parse(raw, battery.trace_code_scheme.map(Into::into)))
                        .transpose()
                        .map_err(field("battery.traceCode"))?,
                })
            })
            .transpose()?;
        Ok(RequestedItem {
            subject,
            quantity,
            weight_kg,
            assessment,
            battery,
            serial: self.serial_number,
        })
    }
}
