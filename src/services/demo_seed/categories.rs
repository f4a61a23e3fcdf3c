//! Demo categories: the item kinds with their weights, handling costs and materials.

use entity::{DbDecimal, category};
use rust_decimal::Decimal;
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};
use serde_json::json;
use uuid::Uuid;

use crate::error::AppResult;

/// One seeded category: code, name, unit, hazardous, certification, typical kg,
/// handling cost, materials (kg per unit).
struct SeedCategory {
    code: &'static str,
    name: &'static str,
    unit: &'static str,
    hazardous: bool,
    certification: Option<&'static str>,
    typical_kg: &'static str,
    handling: &'static str,
    materials: serde_json::Value,
}

fn seed_categories() -> Vec<SeedCategory> {
    let c = |code, name, unit, hazardous, certification, typical_kg, handling, materials| {
        SeedCategory {
            code,
            name,
            unit,
            hazardous,
            certification,
            typical_kg,
            handling,
            materials,
        }
    };
    vec![
        c(
            "SMARTPHONE",
            "Smartphone",
            "PIECE",
            false,
            Some("DATA_DESTRUCTION"),
            "0.19",
            "2.00",
            json!({"copper": 0.015, "aluminium": 0.025, "plastics": 0.05, "glass": 0.04, "gold": 0.000034, "silver": 0.00035, "cobalt": 0.006, "lithium": 0.0025}),
        ),
        c(
            "TABLET",
            "Tablet",
            "PIECE",
            false,
            Some("DATA_DESTRUCTION"),
            "0.50",
            "3.00",
            json!({"copper": 0.03, "aluminium": 0.12, "plastics": 0.08, "glass": 0.12, "gold": 0.00006, "cobalt": 0.015, "lithium": 0.006}),
        ),
        c(
            "LAPTOP",
            "Laptop",
            "PIECE",
            false,
            Some("DATA_DESTRUCTION"),
            "2.00",
            "5.00",
            json!({"copper": 0.12, "aluminium": 0.35, "steel": 0.3, "plastics": 0.6, "glass": 0.25, "gold": 0.0003, "cobalt": 0.03, "lithium": 0.012}),
        ),
        c(
            "DESKTOP",
            "Desktop computer",
            "PIECE",
            false,
            Some("DATA_DESTRUCTION"),
            "9.00",
            "8.00",
            json!({"copper": 0.45, "aluminium": 0.9, "steel": 5.5, "plastics": 1.2, "gold": 0.0006}),
        ),
        c(
            "MONITOR",
            "Flat-panel monitor",
            "PIECE",
            false,
            None,
            "5.00",
            "6.00",
            json!({"copper": 0.1, "aluminium": 0.4, "steel": 1.8, "plastics": 1.6, "glass": 0.9}),
        ),
        c(
            "TV",
            "Flat-panel TV",
            "PIECE",
            false,
            Some("LARGE_APPLIANCE"),
            "12.00",
            "12.00",
            json!({"copper": 0.25, "aluminium": 0.8, "steel": 4.5, "plastics": 4.0, "glass": 2.0}),
        ),
        c(
            "CRT_TV",
            "CRT television",
            "PIECE",
            true,
            Some("LARGE_APPLIANCE"),
            "25.00",
            "60.00",
            json!({"copper": 0.6, "steel": 2.5, "plastics": 5.0, "glass": 15.0}),
        ),
        c(
            "REFRIGERATOR",
            "Refrigerator",
            "PIECE",
            true,
            Some("REFRIGERANT_HANDLING"),
            "60.00",
            "45.00",
            json!({"copper": 1.2, "aluminium": 1.5, "steel": 35.0, "plastics": 15.0}),
        ),
        c(
            "WASHING_MACHINE",
            "Washing machine",
            "PIECE",
            false,
            Some("LARGE_APPLIANCE"),
            "65.00",
            "30.00",
            json!({"copper": 1.5, "aluminium": 1.0, "steel": 35.0, "plastics": 12.0}),
        ),
        c(
            "AIR_CONDITIONER",
            "Air conditioner",
            "PIECE",
            true,
            Some("REFRIGERANT_HANDLING"),
            "35.00",
            "40.00",
            json!({"copper": 3.5, "aluminium": 4.0, "steel": 18.0, "plastics": 5.0}),
        ),
        c(
            "SMALL_APPLIANCE",
            "Small household appliance",
            "KG",
            false,
            None,
            "3.00",
            "0.80",
            json!({"copper": 0.06, "aluminium": 0.05, "steel": 0.4, "plastics": 0.4}),
        ),
        c(
            "EV_BATTERY_PACK",
            "Electric-vehicle battery pack",
            "KG",
            true,
            Some("HAZARDOUS_BATTERY"),
            "400.00",
            "3.50",
            json!({"lithium": 0.02, "cobalt": 0.025, "nickel": 0.12, "copper": 0.08, "aluminium": 0.15, "steel": 0.1}),
        ),
        c(
            "LEAD_ACID_BATTERY",
            "Lead-acid battery",
            "KG",
            true,
            Some("HAZARDOUS_BATTERY"),
            "15.00",
            "0.60",
            json!({"lead": 0.6, "plastics": 0.08}),
        ),
        c(
            "PORTABLE_BATTERY",
            "Portable battery",
            "KG",
            true,
            Some("HAZARDOUS_BATTERY"),
            "0.50",
            "1.50",
            json!({"lithium": 0.02, "cobalt": 0.05, "nickel": 0.05, "copper": 0.07, "steel": 0.2}),
        ),
    ]
}

/// Process-specific recovery rates: battery packs go to hydrometallurgical plants that
/// recover more lithium, cobalt and nickel than the published defaults.
fn recovery_rates(code: &str) -> serde_json::Value {
    match code {
        "EV_BATTERY_PACK" | "PORTABLE_BATTERY" => {
            json!({"lithium": "0.90", "cobalt": "0.95", "nickel": "0.95"})
        }
        "LEAD_ACID_BATTERY" => json!({"lead": "0.99"}),
        _ => json!({}),
    }
}

/// kg CO2e avoided per kg collected, from the US EPA Waste Reduction Model (WARM) net
/// recycling factors of the nearest WARM material, MTCO2E per short ton converted to kg per
/// kg (× 1.1023). Batteries have no WARM factor and get none: an operator sets one with
/// `upsertCategory` once it has a source. README "Environmental impact" lists each source.
fn co2e_factor(code: &str) -> Option<&'static str> {
    Some(match code {
        // WARM "Portable electronic devices"
        "SMARTPHONE" | "TABLET" | "LAPTOP" => "1.17",
        // WARM "Desktop CPUs"
        "DESKTOP" => "1.64",
        // WARM "Flat-panel displays"
        "MONITOR" | "TV" => "0.96",
        // WARM "CRT displays"
        "CRT_TV" => "0.64",
        // WARM "Mixed electronics", EPA's suggested proxy for electronics not in WARM
        "REFRIGERATOR" | "WASHING_MACHINE" | "AIR_CONDITIONER" | "SMALL_APPLIANCE" => "0.87",
        _ => return None,
    })
}

/// Inserts every demo category.
pub(super) async fn insert_categories(
    conn: &impl ConnectionTrait,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<()> {
    for seed in seed_categories() {
        category::ActiveModel {
            id: Set(Uuid::new_v4()),
            code: Set(seed.code.to_owned()),
            name: Set(seed.name.to_owned()),
            pricing_unit: Set(seed.unit.to_owned()),
            hazardous: Set(seed.hazardous),
            required_certification: Set(seed.certification.map(str::to_owned)),
            typical_weight_kg: Set(decimal(seed.typical_kg)?),
            handling_cost: Set(decimal(seed.handling)?),
            materials: Set(seed.materials),
            recovery_rates: Set(recovery_rates(seed.code)),
            co2e_avoided_kg_per_kg: Set(co2e_factor(seed.code).map(decimal).transpose()?),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(conn)
        .await?;
    }
    Ok(())
}

pub(super) fn decimal(text: &str) -> AppResult<DbDecimal> {
    text.parse::<Decimal>()
        .map(DbDecimal)
        .map_err(|e| anyhow::anyhow!("seed decimal {text}: {e}").into())
}
