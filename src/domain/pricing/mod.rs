//! Instant, explained prices for old electronics and waste batteries; pure rules, no I/O.
//!
//! Each unit has up to two candidate prices: REUSE (resale, or a battery's second life)
//! and MATERIAL_RECOVERY (recovered materials minus handling). A line takes the higher;
//! when even that is negative the customer pays a DISPOSAL_FEE. Every number comes from
//! the [`PriceTable`] passed in, which is stored with each quote as its evidence, and
//! every line carries a breakdown that sums to its amount to the cent. Arithmetic is
//! checked throughout: any input gives `Ok` or `Err`, never a panic.

mod assessment;
mod breakdown;
mod checked;
mod logistics;
mod recovery;
mod reuse;
mod rules;
mod validate;

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

pub use assessment::{Assessment, BodyDamage, Condition, ConditionAnswers};
pub use rules::{
    BatteryRules, DefectDeductions, LogisticsRules, OTHER_RECOVERY_RATE, PricingRules,
    WEAK_BATTERY_BELOW_PCT,
};

/// A battery's cell chemistry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Chemistry {
    /// Lithium nickel manganese cobalt oxide.
    Nmc,
    /// Lithium nickel cobalt aluminium oxide.
    Nca,
    /// Lithium iron phosphate.
    Lfp,
    /// Lead–acid.
    LeadAcid,
    /// Nickel–metal hydride.
    Nimh,
    /// Lithium cobalt oxide.
    Licoo2,
}

impl Chemistry {
    /// The published name, e.g. `LEAD_ACID`.
    pub fn as_str(self) -> &'static str {
        match self {
            Chemistry::Nmc => "NMC",
            Chemistry::Nca => "NCA",
            Chemistry::Lfp => "LFP",
            Chemistry::LeadAcid => "LEAD_ACID",
            Chemistry::Nimh => "NIMH",
            Chemistry::Licoo2 => "LICOO2",
        }
    }
}

/// Whether a category is priced per piece or per kg.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PricingUnit {
    /// Per piece.
    Piece,
    /// Per kg of the item's weight.
    Kg,
}

/// How a line was priced.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PricingMethod {
    /// Resold, or a battery repurposed (second life).
    Reuse,
    /// Dismantled for its materials.
    MaterialRecovery,
    /// Worth less than its handling: the customer pays (negative amount).
    DisposalFee,
}

/// What pricing needs to know about a category.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CategoryFacts {
    /// e.g. `SMARTPHONE`.
    pub code: String,
    /// Display name, used as the line description when there is no model.
    pub name: String,
    /// Per piece or per kg.
    pub pricing_unit: PricingUnit,
    /// Weight of one piece, or of a typical item for KG categories.
    pub typical_weight_kg: Decimal,
    /// Handling cost per piece (PIECE) or per kg (KG, and batteries).
    pub handling_cost: Decimal,
    /// kg of material per piece (PIECE) or per kg of item (KG).
    pub materials: BTreeMap<String, Decimal>,
    /// Recovery rates this category's process achieves, overriding the published
    /// per-material rates (e.g. hydrometallurgy for battery packs).
    #[serde(default)]
    pub recovery_rates: BTreeMap<String, Decimal>,
}

/// What pricing needs to know about a device model.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModelFacts {
    /// e.g. `Apple`.
    pub brand: String,
    /// e.g. `iPhone 13`.
    pub model: String,
    /// Year the model came out; depreciation counts from here.
    pub release_year: i32,
    /// Reference resale value of a like-new unit, before depreciation.
    pub resale_value: Decimal,
}

/// What pricing needs to know about a battery.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BatteryFacts {
    /// Cell chemistry; selects the composition and second-life value.
    pub chemistry: Chemistry,
    /// State of health in percent (0–100), if measured; unknown health rules out reuse.
    pub state_of_health_pct: Option<u8>,
    /// Weight of one battery.
    pub weight_kg: Decimal,
}

/// One line to price: a model, or a category with weight, or a battery.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PricingItem {
    /// The item's category.
    pub category: CategoryFacts,
    /// The model, when known; only models can be resold.
    pub model: Option<ModelFacts>,
    /// Number of identical units, at least 1.
    pub quantity: u32,
    /// Weight of one unit; required for KG categories and batteries (= battery weight).
    pub weight_kg: Option<Decimal>,
    /// The customer's description; `None` means [`Condition::Good`].
    pub assessment: Option<Assessment>,
    /// Battery facts, for batteries.
    pub battery: Option<BatteryFacts>,
}

/// Everything pricing reads; stored with each quote as its evidence.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PriceTable {
    /// Identifies this table, e.g. a hash or date of the material prices and rules.
    pub version: String,
    /// ISO 4217 code of every amount.
    pub currency: String,
    /// Price per kg of each recovered material, current at quote time.
    pub material_prices: BTreeMap<String, Decimal>,
    /// The published rules.
    pub rules: PricingRules,
}

/// Facts about the moment and place of the quote.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PricingContext {
    /// The year depreciation counts to.
    pub as_of_year: i32,
    /// How far the pickup lies outside the collectors' service area, if it does.
    pub distance_outside_area_km: Option<Decimal>,
}

/// One explained part of an amount.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PriceComponent {
    /// What this part is, in words and numbers.
    pub label: String,
    /// Its share of the amount (2 decimal places; negative for costs).
    pub amount: Decimal,
}

/// A priced line.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PricedLine {
    /// "Brand Model" or the category name, plus chemistry and weight for batteries.
    pub description: String,
    /// Number of units.
    pub quantity: u32,
    /// The method that won.
    pub method: PricingMethod,
    /// What the customer receives (negative: pays), 2 decimal places.
    pub amount: Decimal,
    /// Sums exactly to `amount`.
    pub breakdown: Vec<PriceComponent>,
    /// quantity × unit weight.
    pub total_weight_kg: Decimal,
}

/// A priced quote.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PricedQuote {
    /// One per item, in order.
    pub lines: Vec<PricedLine>,
    /// The pickup fee, 2 decimal places.
    pub logistics_fee: Decimal,
    /// Sums exactly to `logistics_fee`.
    pub logistics_breakdown: Vec<PriceComponent>,
    /// Σ line amounts − logistics fee.
    pub total: Decimal,
}

/// Why an item could not be priced.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum PricingError {
    /// An amount does not fit a decimal; the input is absurdly large.
    #[error("amount too large")]
    Overflow,
    /// The item or table breaks a pricing precondition.
    #[error("{0}")]
    Invalid(String),
}

/// Prices one item: the higher of REUSE and MATERIAL_RECOVERY, or a DISPOSAL_FEE when
/// that is negative, with a breakdown that sums exactly to the amount.
pub fn price_line(
    item: &PricingItem,
    table: &PriceTable,
    ctx: &PricingContext,
) -> Result<PricedLine, PricingError> {
    validate::table(table)?;
    price_line_in(item, table, ctx)
}

/// [`price_line`] against a table already validated.
fn price_line_in(
    item: &PricingItem,
    table: &PriceTable,
    ctx: &PricingContext,
) -> Result<PricedLine, PricingError> {
    validate::item(item)?;
    let unit_weight = item.weight_kg.unwrap_or(item.category.typical_weight_kg);
    let total_weight_kg = checked::mul(Decimal::from(item.quantity), unit_weight)?;

    let recovery = recovery::candidate(item, table)?;
    let chosen = match reuse::candidate(item, &table.rules, ctx)? {
        // Ties go to reuse: a working device is worth more in use than melted down.
        Some(reuse) if reuse.total()? >= recovery.total()? => reuse,
        _ => recovery,
    };
    let (amount, breakdown) = breakdown::settle_units(&chosen.components, item.quantity)?;
    // Decided on the rounded amount, so a fee is never "−0.00".
    let method = if amount.is_sign_negative() && !amount.is_zero() {
        PricingMethod::DisposalFee
    } else {
        chosen.method
    };
    Ok(PricedLine {
        description: describe(item),
        quantity: item.quantity,
        method,
        amount,
        breakdown,
        total_weight_kg,
    })
}

/// Prices every item and the pickup; `total` = Σ line amounts − logistics fee.
pub fn price_quote(
    items: &[PricingItem],
    table: &PriceTable,
    ctx: &PricingContext,
) -> Result<PricedQuote, PricingError> {
    if items.is_empty() {
        return Err(PricingError::Invalid(
            "a quote needs at least one item".into(),
        ));
    }
    // Checked once here rather than once per line.
    validate::table(table)?;
    let lines = items
        .iter()
        .map(|item| price_line_in(item, table, ctx))
        .collect::<Result<Vec<_>, _>>()?;
    let total_weight = checked::sum(lines.iter().map(|l| l.total_weight_kg))?;
    let (logistics_fee, logistics_breakdown) =
        logistics::fee(&table.rules.logistics, total_weight, ctx)?;

    // All terms have 2 decimal places, so summing cents is exact.
    let mut cents = -breakdown::to_cents(logistics_fee);
    for line in &lines {
        cents = cents
            .checked_add(breakdown::to_cents(line.amount))
            .ok_or(PricingError::Overflow)?;
    }
    Ok(PricedQuote {
        lines,
        logistics_fee,
        logistics_breakdown,
        total: breakdown::from_cents(cents)?,
    })
}

/// `<brand> <model>` or the category name, plus ` (<chemistry>, <weight> kg)` for batteries.
fn describe(item: &PricingItem) -> String {
    let mut text = match &item.model {
        Some(m) => format!("{} {}", m.brand, m.model),
        None => item.category.name.clone(),
    };
    if let Some(b) = &item.battery {
        text.push_str(&format!(
            " ({}, {} kg)",
            b.chemistry.as_str(),
            breakdown::show(b.weight_kg)
        ));
    }
    text
}
