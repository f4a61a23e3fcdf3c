//! The published pricing rules and their default values.
//!
//! Everything here is data, not code paths: a [`PriceTable`](super::PriceTable) carries
//! its rules, and each quote stores the table it was priced with, so a quote can always
//! be re-explained even after the rules change.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{Assessment, BodyDamage, Chemistry, Condition, ConditionAnswers};

/// Recovery rate for a material that has no published rate of its own.
pub const OTHER_RECOVERY_RATE: Decimal = Decimal::from_parts(50, 0, 0, false, 2);

/// Battery health (percent) below which the `battery_below_80` deduction applies.
pub const WEAK_BATTERY_BELOW_PCT: u8 = 80;

/// Every number pricing uses besides material prices.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PricingRules {
    /// Grade (share of resale value kept) for each condition; LIKE_NEW 1.00 … SCRAP 0.
    pub condition_grades: BTreeMap<Condition, Decimal>,
    /// Deductions for answered defects; grade = max(0, 1 − Σ applicable).
    pub deductions: DefectDeductions,
    /// Yearly depreciation rate; factor = max(floor, (1 − rate)^age).
    pub depreciation_per_year: Decimal,
    /// The least share of resale value age alone can leave.
    pub depreciation_floor: Decimal,
    /// Share of each material actually recovered; [`OTHER_RECOVERY_RATE`] otherwise.
    pub recovery_rates: BTreeMap<String, Decimal>,
    /// Battery compositions and second-life values.
    pub battery: BatteryRules,
    /// The pickup fee.
    pub logistics: LogisticsRules,
}

/// Grade deductions for each defect a customer can report.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DefectDeductions {
    /// The device does not power on.
    pub powers_off: Decimal,
    /// The screen is cracked.
    pub screen_cracked: Decimal,
    /// Minor scratches or dents.
    pub body_minor: Decimal,
    /// Major body damage.
    pub body_major: Decimal,
    /// Battery health reported below 80 %.
    pub battery_below_80: Decimal,
    /// Charger, box or other accessories missing.
    pub accessories_missing: Decimal,
}

/// What batteries are made of and what they are worth in a second life.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BatteryRules {
    /// kg of each material per kg of battery, per chemistry.
    pub compositions: BTreeMap<Chemistry, BTreeMap<String, Decimal>>,
    /// Second-life (stationary storage) value per kg at 100 % health; 0 = no second life.
    pub second_life_value_per_kg: BTreeMap<Chemistry, Decimal>,
    /// The least state of health (percent) a pack needs for a second life.
    pub second_life_min_soh: u8,
}

/// The pickup fee: base + per kg of everything collected + per km outside the area.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LogisticsRules {
    /// Charged on every pickup.
    pub base_fee: Decimal,
    /// Charged per kg of total weight.
    pub per_kg: Decimal,
    /// Charged per km beyond the collectors' service area.
    pub per_km_outside_area: Decimal,
}

impl PricingRules {
    /// The grade (share of resale value kept) for an assessment: the published grade of
    /// a condition, or 1 minus the deductions of the answered defects, never below 0.
    ///
    /// A condition missing from the table grades 0; validation rejects such a table
    /// before pricing, so this only matters to callers publishing a broken table.
    pub fn grade(&self, assessment: &Assessment) -> Decimal {
        match assessment {
            Assessment::Condition(c) => self
                .condition_grades
                .get(c)
                .copied()
                .unwrap_or(Decimal::ZERO)
                .max(Decimal::ZERO),
            Assessment::Answers(a) => {
                let total = self
                    .applicable_deductions(a)
                    .into_iter()
                    .fold(Decimal::ZERO, |sum, (_, d)| sum.saturating_add(d));
                Decimal::ONE.saturating_sub(total).max(Decimal::ZERO)
            }
        }
    }

    /// The deductions that apply to `answers`, labelled for the breakdown, in a fixed
    /// order; zero deductions are left out since they explain nothing.
    pub(super) fn applicable_deductions(
        &self,
        answers: &ConditionAnswers,
    ) -> Vec<(&'static str, Decimal)> {
        let d = &self.deductions;
        let weak_battery = answers
            .battery_health_pct
            .is_some_and(|pct| pct < WEAK_BATTERY_BELOW_PCT);
        [
            (!answers.powers_on, "powers off", d.powers_off),
            (answers.screen_cracked, "screen cracked", d.screen_cracked),
            (
                answers.body_damage == BodyDamage::Minor,
                "minor body damage",
                d.body_minor,
            ),
            (
                answers.body_damage == BodyDamage::Major,
                "major body damage",
                d.body_major,
            ),
            (weak_battery, "battery below 80%", d.battery_below_80),
            (
                !answers.accessories_complete,
                "accessories missing",
                d.accessories_missing,
            ),
        ]
        .into_iter()
        .filter(|(applies, _, amount)| *applies && !amount.is_zero())
        .map(|(_, label, amount)| (label, amount))
        .collect()
    }

    /// The recovery rate for `material`.
    pub fn recovery_rate(&self, material: &str) -> Decimal {
        self.recovery_rates
            .get(material)
            .copied()
            .unwrap_or(OTHER_RECOVERY_RATE)
    }
}

/// `mantissa / 10^scale`, for readable defaults.
const fn dec(mantissa: u32, scale: u32) -> Decimal {
    Decimal::from_parts(mantissa, 0, 0, false, scale)
}

/// A map from `(name, value)` pairs.
fn materials(pairs: &[(&str, Decimal)]) -> BTreeMap<String, Decimal> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect()
}

impl Default for PricingRules {
    fn default() -> Self {
        Self {
            condition_grades: BTreeMap::from([
                (Condition::LikeNew, dec(100, 2)),
                (Condition::Good, dec(80, 2)),
                (Condition::Fair, dec(60, 2)),
                (Condition::Broken, dec(25, 2)),
                (Condition::Scrap, dec(0, 2)),
            ]),
            deductions: DefectDeductions {
                powers_off: dec(60, 2),
                screen_cracked: dec(25, 2),
                body_minor: dec(5, 2),
                body_major: dec(20, 2),
                battery_below_80: dec(10, 2),
                accessories_missing: dec(3, 2),
            },
            depreciation_per_year: dec(15, 2),
            depreciation_floor: dec(10, 2),
            recovery_rates: materials(&[
                ("copper", dec(95, 2)),
                ("aluminium", dec(90, 2)),
                ("steel", dec(95, 2)),
                ("plastics", dec(60, 2)),
                ("glass", dec(50, 2)),
                ("gold", dec(97, 2)),
                ("silver", dec(95, 2)),
                ("lithium", dec(80, 2)),
                ("cobalt", dec(90, 2)),
                ("nickel", dec(90, 2)),
                ("lead", dec(98, 2)),
            ]),
            battery: BatteryRules::default(),
            logistics: LogisticsRules {
                base_fee: dec(500, 2),
                per_kg: dec(10, 2),
                per_km_outside_area: dec(200, 2),
            },
        }
    }
}

impl Default for BatteryRules {
    fn default() -> Self {
        // Typical cell-to-pack shares by mass; cathode metals dominate the value.
        let compositions = BTreeMap::from([
            (
                Chemistry::Nmc,
                materials(&[
                    ("lithium", dec(20, 3)),
                    ("cobalt", dec(25, 3)),
                    ("nickel", dec(120, 3)),
                    ("copper", dec(80, 3)),
                    ("aluminium", dec(150, 3)),
                    ("steel", dec(100, 3)),
                    ("plastics", dec(50, 3)),
                ]),
            ),
            (
                Chemistry::Nca,
                materials(&[
                    ("lithium", dec(20, 3)),
                    ("cobalt", dec(15, 3)),
                    ("nickel", dec(150, 3)),
                    ("copper", dec(80, 3)),
                    ("aluminium", dec(170, 3)),
                    ("steel", dec(100, 3)),
                    ("plastics", dec(50, 3)),
                ]),
            ),
            (
                Chemistry::Lfp,
                materials(&[
                    ("lithium", dec(15, 3)),
                    ("copper", dec(90, 3)),
                    ("aluminium", dec(160, 3)),
                    ("steel", dec(120, 3)),
                    ("plastics", dec(50, 3)),
                ]),
            ),
            (
                Chemistry::LeadAcid,
                materials(&[("lead", dec(600, 3)), ("plastics", dec(80, 3))]),
            ),
            (
                Chemistry::Nimh,
                materials(&[
                    ("nickel", dec(350, 3)),
                    ("cobalt", dec(30, 3)),
                    ("steel", dec(200, 3)),
                    ("plastics", dec(50, 3)),
                ]),
            ),
            (
                Chemistry::Licoo2,
                materials(&[
                    ("lithium", dec(20, 3)),
                    ("cobalt", dec(150, 3)),
                    ("copper", dec(100, 3)),
                    ("aluminium", dec(70, 3)),
                    ("steel", dec(100, 3)),
                    ("plastics", dec(100, 3)),
                ]),
            ),
        ]);
        // Only large lithium packs are worth repurposing as stationary storage.
        let second_life_value_per_kg = BTreeMap::from([
            (Chemistry::Nmc, dec(18, 0)),
            (Chemistry::Nca, dec(16, 0)),
            (Chemistry::Lfp, dec(22, 0)),
            (Chemistry::LeadAcid, dec(0, 0)),
            (Chemistry::Nimh, dec(0, 0)),
            (Chemistry::Licoo2, dec(0, 0)),
        ]);
        Self {
            compositions,
            second_life_value_per_kg,
            second_life_min_soh: 70,
        }
    }
}
