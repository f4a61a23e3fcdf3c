//! Pricing vocabulary: conditions, chemistries, methods and the published rules.

use async_graphql::{Enum, SimpleObject};

use super::decimal::DecimalString;
use crate::domain::pricing::PricingRules;

/// The grade of a device's condition, best to worst.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(name = "Condition", remote = "crate::domain::pricing::Condition")]
pub enum ConditionGql {
    /// Hardly used, no marks.
    LikeNew,
    /// Light wear, fully working.
    Good,
    /// Visible wear, working.
    Fair,
    /// Does not work properly.
    Broken,
    /// Only good for materials.
    Scrap,
}

/// How bad a device's body damage is.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(name = "BodyDamage", remote = "crate::domain::pricing::BodyDamage")]
pub enum BodyDamageGql {
    /// No damage.
    None,
    /// Scratches or small dents.
    Minor,
    /// Cracks, bends or large dents.
    Major,
}

/// Battery cell chemistry.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(
    name = "BatteryChemistry",
    remote = "crate::domain::pricing::Chemistry"
)]
pub enum ChemistryGql {
    /// Lithium nickel manganese cobalt oxide.
    Nmc,
    /// Lithium nickel cobalt aluminium oxide.
    Nca,
    /// Lithium iron phosphate.
    Lfp,
    /// Lead-acid.
    LeadAcid,
    /// Nickel-metal hydride.
    Nimh,
    /// Lithium cobalt oxide (phones, laptops).
    Licoo2,
}

/// How a line was priced.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(
    name = "PricingMethod",
    remote = "crate::domain::pricing::PricingMethod"
)]
pub enum PricingMethodGql {
    /// Resale value × condition × age depreciation.
    Reuse,
    /// Σ material kg × price × recovery rate − handling.
    MaterialRecovery,
    /// Handling costs more than the materials are worth: the customer pays (negative amount).
    DisposalFee,
}

/// How a category's quantity is counted.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(name = "PricingUnit", remote = "crate::domain::pricing::PricingUnit")]
pub enum PricingUnitGql {
    /// Per item.
    Piece,
    /// Per kilogram.
    Kg,
}

/// One labelled part of an amount; a breakdown's parts add up exactly to its amount.
#[derive(SimpleObject, Clone)]
pub struct PriceComponent {
    /// What this part is, e.g. "Copper 0.015 kg × 68.00/kg × 95%".
    pub label: String,
    /// Its signed amount, rounded to cents (half to even).
    pub amount: DecimalString,
}

impl From<crate::domain::pricing::PriceComponent> for PriceComponent {
    fn from(component: crate::domain::pricing::PriceComponent) -> Self {
        Self {
            label: component.label,
            amount: component.amount.into(),
        }
    }
}

/// A condition and the share of the resale value it keeps.
#[derive(SimpleObject)]
pub struct ConditionGrade {
    /// The condition.
    pub condition: ConditionGql,
    /// Factor applied to the depreciated resale value, 0 to 1.
    pub factor: DecimalString,
}

/// A published deduction for one defect reported in condition answers.
#[derive(SimpleObject)]
pub struct DefectDeduction {
    /// The defect, e.g. `SCREEN_CRACKED`.
    pub defect: String,
    /// Share of the value deducted, 0 to 1.
    pub deduction: DecimalString,
}

/// The published pricing rules quotes are computed with.
#[derive(SimpleObject)]
pub struct PricingRulesView {
    /// Condition grades, best to worst.
    pub condition_grades: Vec<ConditionGrade>,
    /// Deductions for condition answers (grade = max(0, 1 − Σ deductions)).
    pub defect_deductions: Vec<DefectDeduction>,
    /// Yearly depreciation of resale values.
    pub depreciation_per_year: DecimalString,
    /// Resale values never depreciate below this share.
    pub depreciation_floor: DecimalString,
    /// Recovery rate per material (share of the material actually recovered).
    pub recovery_rates: Vec<RecoveryRate>,
    /// How amounts are rounded.
    pub rounding_rule: String,
}

/// The share of a material actually recovered.
#[derive(SimpleObject)]
pub struct RecoveryRate {
    /// Material name.
    pub material: String,
    /// 0 to 1.
    pub rate: DecimalString,
}

impl From<&PricingRules> for PricingRulesView {
    fn from(rules: &PricingRules) -> Self {
        let d = &rules.deductions;
        Self {
            condition_grades: rules
                .condition_grades
                .iter()
                .map(|(condition, factor)| ConditionGrade {
                    condition: (*condition).into(),
                    factor: (*factor).into(),
                })
                .collect(),
            defect_deductions: [
                ("POWERS_OFF", d.powers_off),
                ("SCREEN_CRACKED", d.screen_cracked),
                ("BODY_DAMAGE_MINOR", d.body_minor),
                ("BODY_DAMAGE_MAJOR", d.body_major),
                ("BATTERY_BELOW_80", d.battery_below_80),
                ("ACCESSORIES_MISSING", d.accessories_missing),
            ]
            .into_iter()
            .map(|(defect, deduction)| DefectDeduction {
                defect: defect.to_owned(),
                deduction: deduction.into(),
            })
            .collect(),
            depreciation_per_year: rules.depreciation_per_year.into(),
            depreciation_floor: rules.depreciation_floor.into(),
            recovery_rates: rules
                .recovery_rates
                .iter()
                .map(|(material, rate)| RecoveryRate {
                    material: material.clone(),
                    rate: (*rate).into(),
                })
                .collect(),
            rounding_rule: "Every amount is computed exactly and rounded once to 2 decimals, half to even; \
                            a \"Rounding adjustment\" component keeps each breakdown summing exactly to its amount."
                .to_owned(),
        }
    }
}
