//! What a demo household gives away: one to three things from around the home, each as a
//! `QuoteItemInput` (a device in some condition, an appliance by weight, a battery with its
//! chemistry and weight).

use rand::Rng;
use rand::seq::IndexedRandom;
use serde_json::{Value, json};

/// Conditions of used devices, the better ones more likely.
const CONDITIONS: &[&str] = &["LIKE_NEW", "GOOD", "GOOD", "FAIR", "FAIR", "BROKEN"];

/// One to three items of the catalog's `categories`.
pub fn items(rng: &mut impl Rng, categories: &[String]) -> Value {
    let count = rng.random_range(1..=3);
    let items: Vec<Value> = (0..count).filter_map(|_| item(rng, categories)).collect();
    json!(items)
}

fn item(rng: &mut impl Rng, categories: &[String]) -> Option<Value> {
    let code = categories.choose(rng)?.clone();
    let condition = CONDITIONS.choose(rng).copied().unwrap_or("GOOD");
    let mut kg = |low: f64, high: f64| format!("{:.1}", rng.random_range(low..high));
    Some(match code.as_str() {
        "SMALL_APPLIANCE" => json!({"categoryCode": code, "weightKg": kg(1.0, 8.0)}),
        "LEAD_ACID_BATTERY" => json!({"categoryCode": code,
            "battery": {"chemistry": "LEAD_ACID", "weightKg": kg(8.0, 20.0)}}),
        "EV_BATTERY_PACK" => {
            let weight = kg(150.0, 350.0);
            json!({"categoryCode": code, "battery": {"chemistry": "LFP", "weightKg": weight,
                   "stateOfHealthPct": rng.random_range(55..90)}})
        }
        "PORTABLE_BATTERY" => json!({"categoryCode": code,
            "battery": {"chemistry": "NMC", "weightKg": kg(0.2, 1.5)}}),
        _ => json!({"categoryCode": code, "condition": condition}),
    })
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    use super::*;

    #[test]
    fn the_same_seed_fills_the_same_basket() {
        let categories: Vec<String> = ["LAPTOP", "SMALL_APPLIANCE", "EV_BATTERY_PACK"]
            .map(str::to_owned)
            .to_vec();
        let fill = |seed| items(&mut StdRng::seed_from_u64(seed), &categories);
        assert_eq!(fill(3), fill(3));
        for seed in 0..20 {
            let basket = fill(seed);
            let basket = basket.as_array().expect("a list");
            assert!((1..=3).contains(&basket.len()), "{basket:?}");
        }
    }
}
