//! How the customer describes a device: an overall condition or answers about defects.
//!
//! Grading these (how much of the resale value they keep) is a published rule and lives
//! in [`PricingRules::grade`](super::PricingRules::grade).

use serde::{Deserialize, Serialize};

/// A device's overall condition, ordered best → worst.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Condition {
    /// No visible wear, fully working.
    LikeNew,
    /// Light wear, fully working.
    Good,
    /// Heavy wear, working.
    Fair,
    /// Does not work but could be repaired.
    Broken,
    /// Fit only for material recovery.
    Scrap,
}

impl Condition {
    /// Every condition, best → worst.
    pub const ALL: [Condition; 5] = [
        Condition::LikeNew,
        Condition::Good,
        Condition::Fair,
        Condition::Broken,
        Condition::Scrap,
    ];

    /// The published name, e.g. `LIKE_NEW`.
    pub fn as_str(self) -> &'static str {
        match self {
            Condition::LikeNew => "LIKE_NEW",
            Condition::Good => "GOOD",
            Condition::Fair => "FAIR",
            Condition::Broken => "BROKEN",
            Condition::Scrap => "SCRAP",
        }
    }
}

/// How damaged a device's body is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum BodyDamage {
    /// No damage.
    None,
    /// Scratches or small dents.
    Minor,
    /// Cracks, bends or large dents.
    Major,
}

/// A customer's answers about a device's defects, graded by deductions.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ConditionAnswers {
    /// Whether the device turns on.
    pub powers_on: bool,
    /// Whether the screen is cracked.
    pub screen_cracked: bool,
    /// How damaged the body is.
    pub body_damage: BodyDamage,
    /// Battery health as the device reports it (0–100), if known.
    pub battery_health_pct: Option<u8>,
    /// Whether charger, box and other accessories are included.
    pub accessories_complete: bool,
}

/// How the customer described a device: a condition, or answers to defect questions.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Assessment {
    /// One overall condition.
    Condition(Condition),
    /// Answers to the defect questions.
    Answers(ConditionAnswers),
}
