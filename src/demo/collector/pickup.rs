//! One pickup, step by step: set off, drive to the door, and there: now and then nobody is
//! home (FAILED); otherwise inspect, sometimes finding an item in worse shape than quoted,
//! so the customer is asked to accept the new price (AWAITING_CUSTOMER) and answers; then
//! complete. A customer may cancel before the collector arrives: a step refused because the
//! order moved on ends the job quietly once the order shows it.

use rand::Rng;
use serde_json::{Value, json};

use super::{CollectorActor, Job, MOVED_ON};
use crate::demo::api::refused_with;
use crate::demo::tally::Tally;
use crate::domain::geo::GeoPoint;

/// Simulated minutes at the door: inspecting, weighing, paying.
const AT_THE_DOOR_MINUTES: f64 = 6.0;
/// How often nobody answers the door.
const NOBODY_HOME: f64 = 0.03;
/// How often an item turns out worse than the customer said.
const WORSE_THAN_QUOTED: f64 = 0.25;
/// The lines (by description) of devices whose condition the quote took on trust.
const DEVICES: &[&str] = &[
    "Smartphone",
    "Tablet",
    "Laptop",
    "Desktop computer",
    "Flat-panel monitor",
    "Flat-panel TV",
];
/// Simulated minutes a collector waits for a customer to answer a new price.
const CUSTOMER_PATIENCE_MINUTES: f64 = 20.0;

impl CollectorActor {
    /// Runs the pickup of `job`; true once it is completed (its items now held).
    pub(super) async fn pickup(&mut self, job: &Job) -> anyhow::Result<bool> {
        match self.attempt(job).await {
            Err(err) if refused_with(&err, MOVED_ON) => {
                let status = self.status(job).await?;
                anyhow::ensure!(
                    status == "CANCELLED" || status == "gone",
                    "{} refused while {status}: {err:#}",
                    number(job)
                );
                tracing::info!("{} dropped {}: it was cancelled", self.name, number(job));
                Ok(false)
            }
            other => other,
        }
    }

    async fn attempt(&mut self, job: &Job) -> anyhow::Result<bool> {
        let id = job["id"].clone();
        self.order_step("startTrip", &id).await?;
        if !self.drive_to(door(job)).await? {
            return Ok(false);
        }
        self.order_step("markArrived", &id).await?;
        if !self.wait_minutes(AT_THE_DOOR_MINUTES / 2.0).await? {
            return Ok(false);
        }
        if self.rng.random_bool(NOBODY_HOME) {
            let failed = "mutation($id: ID!) { reportFailedPickup(orderId: $id, reason: \"nobody answered the door\") { status } }";
            self.session.call(failed, json!({"id": id})).await?;
            Tally::bump(&self.tally.failed);
            tracing::info!("{}: nobody home at {}", self.name, number(job));
            return Ok(false);
        }
        if self.inspect(job).await? == "AWAITING_CUSTOMER" && !self.await_customer(job).await? {
            return Ok(false);
        }
        if !self.wait_minutes(AT_THE_DOOR_MINUTES / 2.0).await? {
            return Ok(false);
        }
        let complete = "mutation($id: ID!, $sig: String!) { completePickup(input: {orderId: $id, signatureRef: $sig}) { status finalPayout } }";
        let signature = format!("demo/signatures/{}.png", number(job));
        let done = self
            .session
            .call(complete, json!({"id": id, "sig": signature}))
            .await?;
        Tally::bump(&self.tally.completed);
        tracing::info!(
            "{} completed {}, paid out {}",
            self.name,
            number(job),
            done["completePickup"]["finalPayout"]
                .as_str()
                .unwrap_or("?")
        );
        self.held.push(id.as_str().unwrap_or_default().to_owned());
        Ok(true)
    }

    async fn order_step(&mut self, step: &str, id: &Value) -> anyhow::Result<()> {
        let mutation = format!("mutation($id: ID!) {{ {step}(orderId: $id) {{ status }} }}");
        self.session.call(&mutation, json!({"id": id})).await?;
        Ok(())
    }

    /// Busy for `minutes` of simulated time; false when the demo is stopping.
    async fn wait_minutes(&mut self, minutes: f64) -> anyhow::Result<bool> {
        for _ in 0..self.pace.ticks_for_minutes(minutes) {
            if !self.busy_tick().await? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Records the inspection: as quoted, or (now and then) one line worse than the
    /// customer said: an appliance far lighter, or a device broken. The status after it.
    async fn inspect(&mut self, job: &Job) -> anyhow::Result<String> {
        let lines: Vec<Value> = job["lines"].as_array().cloned().unwrap_or_default();
        let described = |name: &str| lines.iter().find(|l| l["description"] == name).cloned();
        let worse = if self.rng.random_bool(WORSE_THAN_QUOTED) {
            match described("Small household appliance") {
                Some(line) => Some(json!({"lineId": line["id"], "weightKg": "0.5"})),
                None => lines
                    .iter()
                    .find(|l| DEVICES.contains(&l["description"].as_str().unwrap_or_default()))
                    .map(|line| json!({"lineId": line["id"], "condition": "BROKEN"})),
            }
        } else {
            None
        };
        let lines = json!(worse.iter().collect::<Vec<_>>());
        let inspect =
            "mutation($input: InspectionInput!) { recordInspection(input: $input) { status } }";
        let input = json!({"orderId": job["id"], "lines": lines});
        let data = self.session.call(inspect, json!({"input": input})).await?;
        let status = data["recordInspection"]["status"]
            .as_str()
            .unwrap_or("?")
            .to_owned();
        if worse.is_some() {
            tracing::info!(
                "{} found less than quoted at {}: {status}",
                self.name,
                number(job)
            );
        }
        Ok(status)
    }

    /// Asks the customer to answer the new price and waits; true when accepted.
    async fn await_customer(&mut self, job: &Job) -> anyhow::Result<bool> {
        Tally::bump(&self.tally.repriced);
        let id = job["id"].as_str().unwrap_or_default().to_owned();
        // The household's actor answers, as the customer standing at the door would.
        self.customers.send(id).ok();
        for _ in 0..self.pace.ticks_for_minutes(CUSTOMER_PATIENCE_MINUTES) {
            if !self.busy_tick().await? {
                return Ok(false);
            }
            match self.status(job).await?.as_str() {
                "INSPECTED" => return Ok(true),
                "AWAITING_CUSTOMER" => {}
                other => {
                    tracing::info!(
                        "{}: {} is {other}: the customer said no",
                        self.name,
                        number(job)
                    );
                    return Ok(false);
                }
            }
        }
        tracing::info!("{}: no answer about {}, moving on", self.name, number(job));
        Ok(false)
    }

    /// The order's status as the collector sees it ("gone" when it no longer may).
    async fn status(&mut self, job: &Job) -> anyhow::Result<String> {
        let data = self
            .session
            .call(
                "query($id: ID!) { pickupOrder(id: $id) { status } }",
                json!({"id": job["id"]}),
            )
            .await?;
        Ok(data["pickupOrder"]["status"]
            .as_str()
            .unwrap_or("gone")
            .to_owned())
    }
}

fn number(job: &Job) -> &str {
    job["number"].as_str().unwrap_or("?")
}

fn door(job: &Job) -> GeoPoint {
    let at = &job["address"]["location"];
    GeoPoint {
        latitude: at["latitude"].as_f64().unwrap_or_default(),
        longitude: at["longitude"].as_f64().unwrap_or_default(),
    }
}
