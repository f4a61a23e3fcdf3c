//! A demo plant's intake: watches for transfers on their way, receives each (weighing every
//! item within a couple of per cent of the collector's weight, so most match and none is
//! silently changed), then records what became of each item, with data sanitisation for
//! data-bearing devices. The last item of an order brings its certificate.

use std::sync::Arc;

use rand::Rng;
use rand::rngs::StdRng;
use rust_decimal::Decimal;
use rust_decimal::prelude::FromPrimitive;
use serde_json::{Value, json};

use super::api::Session;
use super::cast::Plant;
use super::pace::Pace;
use super::tally::Tally;

const INCOMING: &str = "{ transfers(first: 20) { edges { node {
    id number status items { id weightKg dataBearing categoryCode batteryStatus } } } } }";
const RECEIVE: &str = "mutation($input: ReceiveTransferInput!) { receiveTransfer(input: $input) {
    status items { id status weightKg dataBearing categoryCode batteryStatus } } }";
const PROCESS: &str =
    "mutation($input: ProcessingInput!) { recordProcessing(input: $input) { status } }";

/// One plant's staff at work.
pub struct PlantActor {
    name: String,
    staff: Session,
    rng: StdRng,
    pace: Pace,
    tally: Arc<Tally>,
}

impl PlantActor {
    /// The intake of `plant`.
    pub fn new(plant: &Plant, rng: StdRng, pace: Pace, tally: Arc<Tally>) -> Self {
        Self {
            name: plant.name.clone(),
            staff: plant.staff.clone(),
            rng,
            pace,
            tally,
        }
    }

    /// Works until the demo stops.
    pub async fn run(mut self) {
        while self.pace.next_tick().await {
            if let Err(err) = self.step().await {
                Tally::bump(&self.tally.errors);
                tracing::error!("{} failed at intake: {err:#}", self.name);
            }
        }
    }

    async fn step(&mut self) -> anyhow::Result<()> {
        let listed = self.staff.call(INCOMING, json!({})).await?;
        let arriving: Vec<Value> = listed["transfers"]["edges"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|edge| edge["node"].clone())
            .filter(|note| note["status"] == "IN_TRANSIT")
            .collect();
        for note in arriving {
            let items = self.receive(&note).await?;
            for item in items.iter().filter(|i| i["status"] == "AT_FACILITY") {
                self.process(item).await?;
            }
        }
        Ok(())
    }

    /// Weighs and accepts every item of `note`; the items as received.
    async fn receive(&mut self, note: &Value) -> anyhow::Result<Vec<Value>> {
        let mut lines = Vec::new();
        for item in note["items"].as_array().into_iter().flatten() {
            let declared = decimal(&item["weightKg"]).unwrap_or(Decimal::ONE);
            let scale =
                Decimal::from_f64(self.rng.random_range(0.98..1.02)).unwrap_or(Decimal::ONE);
            let weighed = (declared * scale).round_dp(3).max(Decimal::new(1, 3));
            lines.push(
                json!({"itemId": item["id"], "weightKg": weighed.to_string(), "accepted": true}),
            );
        }
        let input = json!({"transferId": note["id"], "lines": lines});
        let data = self.staff.call(RECEIVE, json!({"input": input})).await?;
        let items = data["receiveTransfer"]["items"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        Tally::add(&self.tally.received, items.len() as u64);
        tracing::info!(
            "{} received {} ({} items)",
            self.name,
            note["number"].as_str().unwrap_or("?"),
            items.len()
        );
        Ok(items)
    }

    /// Records one item's outcome.
    async fn process(&mut self, item: &Value) -> anyhow::Result<()> {
        let weight = decimal(&item["weightKg"]).unwrap_or(Decimal::ONE);
        let category = item["categoryCode"].as_str().unwrap_or_default();
        let battery = !item["batteryStatus"].is_null() || category.contains("BATTERY");
        let data_bearing = item["dataBearing"] == true;
        let roll = self.rng.random::<f64>();
        let mut input = json!({"itemIds": [item["id"]]});
        if battery && roll < 0.4 {
            input["outcome"] = json!("REPURPOSED");
        } else if data_bearing && roll < 0.3 {
            input["outcome"] = json!("REFURBISHED");
        } else {
            input["outcome"] = json!("MATERIAL_RECOVERED");
            input["recoveredMaterials"] = materials(category, weight);
        }
        if data_bearing {
            let (method, technique) = if input["outcome"] == "REFURBISHED" {
                ("PURGE", "cryptographic erase")
            } else {
                ("DESTROY", "shredding")
            };
            input["sanitization"] = json!({"method": method, "technique": technique,
                                           "tool": "demo toolkit", "verified": true});
        }
        self.staff.call(PROCESS, json!({"input": input})).await?;
        Tally::bump(&self.tally.processed);
        Ok(())
    }
}

/// Plausible recovered materials: a share of the item's weight, never more than it.
fn materials(category: &str, weight: Decimal) -> Value {
    let shares: &[(&str, i64)] = if category == "LEAD_ACID_BATTERY" {
        &[("lead", 55), ("plastics", 10)]
    } else if category.contains("BATTERY") {
        &[
            ("nickel", 8),
            ("cobalt", 5),
            ("lithium", 2),
            ("copper", 6),
            ("aluminium", 10),
        ]
    } else {
        &[
            ("steel", 30),
            ("plastics", 25),
            ("aluminium", 8),
            ("copper", 5),
        ]
    };
    let list: Vec<Value> = shares
        .iter()
        .map(|(material, percent)| {
            let kg = (weight * Decimal::new(*percent, 2)).round_dp(3);
            json!({"material": material, "kg": kg.to_string()})
        })
        .collect();
    json!(list)
}

fn decimal(value: &Value) -> Option<Decimal> {
    value.as_str()?.parse().ok()
}
