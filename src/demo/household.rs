//! Demo households: at a steady rate one of them asks for a quote for a few things from
//! around the home and books a pickup at its address in the earliest window with room; now
//! and then one cancels its latest booking instead. When a collector at the door finds an
//! item worse than quoted, the household answers the new price (mostly yes).

use std::collections::HashMap;
use std::time::Duration;

use chrono::{Days, Utc};
use rand::Rng;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use serde_json::{Value, json};
use tokio::sync::mpsc;

use super::api::{Api, Session, refused_with};
use super::basket;
use super::city::random_address;
use super::collector::point;
use super::pace::Pace;
use super::tally::Tally;
use crate::domain::geo::GeoPoint;

/// Households' names, in sign-up order.
const NAMES: &[&str] = &[
    "Ann Zhou",
    "Bo Chen",
    "Cui Lin",
    "Deng Yu",
    "Fang Qing",
    "Gao Yan",
    "He Ping",
    "Jiang Li",
    "Kong Wen",
    "Lu Xin",
    "Ma Jun",
    "Pan Yi",
    "Qian Hong",
    "Ren Bo",
    "Shen Yue",
    "Tang Lu",
];
/// Streets the addresses are on.
const STREETS: &[&str] = &[
    "Nanjing West Road",
    "Huaihai Middle Road",
    "Century Avenue",
    "Siping Road",
    "Zhaojiabang Road",
    "Changshou Road",
    "Tianmu West Road",
    "Yan'an Middle Road",
    "Caoxi North Road",
    "Dalian Road",
];
/// How often a turn is a cancellation of the household's latest booking.
const CANCELS: f64 = 0.04;
/// How often a household accepts a lower price found at the door.
const ACCEPTS_NEW_PRICE: f64 = 0.8;

/// The households and the booking schedule.
pub struct Households {
    api: Api,
    sessions: Vec<Option<Session>>,
    categories: Vec<String>,
    rng: StdRng,
    run_id: String,
    booked: u64,
    /// Which household booked each order (to answer for it, or cancel it).
    owners: HashMap<String, usize>,
    latest: Option<String>,
    pace: Pace,
    tally: std::sync::Arc<Tally>,
}

impl Households {
    /// `count` households (signed up as they first book) choosing among `categories`.
    pub fn new(
        api: Api,
        count: usize,
        categories: Vec<String>,
        rng: StdRng,
        pace: Pace,
        tally: std::sync::Arc<Tally>,
    ) -> Self {
        Self {
            api,
            sessions: vec![None; count.max(1)],
            categories,
            rng,
            // Idempotency keys must differ between runs on the same database.
            run_id: uuid::Uuid::new_v4().simple().to_string(),
            booked: 0,
            owners: HashMap::new(),
            latest: None,
            pace,
            tally,
        }
    }

    /// Books `per_minute` pickups a minute (or cancels one) until the demo stops, and
    /// answers the new prices collectors ask about (`calls`: order ids).
    pub async fn run(mut self, per_minute: f64, mut calls: mpsc::UnboundedReceiver<String>) {
        let every = Duration::from_secs_f64(60.0 / per_minute.max(0.01));
        let mut next = tokio::time::Instant::now();
        let mut stop = self.pace.clone();
        loop {
            tokio::select! {
                () = stop.stopped() => break,
                () = tokio::time::sleep_until(next) => {
                    next += every;
                    if let Err(err) = self.take_turn().await {
                        self.failed("booking", &err);
                    }
                }
                Some(order_id) = calls.recv() => {
                    if let Err(err) = self.answer(&order_id).await {
                        self.failed("answering a new price", &err);
                    }
                }
            }
        }
    }

    fn failed(&self, doing: &str, err: &anyhow::Error) {
        Tally::bump(&self.tally.errors);
        tracing::error!("a household failed {doing}: {err:#}");
    }

    async fn take_turn(&mut self) -> anyhow::Result<()> {
        if self.rng.random_bool(CANCELS)
            && let Some(order_id) = self.latest.take()
        {
            return self.cancel(&order_id).await;
        }
        self.book_one().await
    }

    /// Cancels `order_id` unless the collector is already at the door.
    async fn cancel(&mut self, order_id: &str) -> anyhow::Result<()> {
        let Some(mut session) = self.session_of(order_id) else {
            return Ok(());
        };
        let cancel = "mutation($id: ID!) { cancelPickup(orderId: $id, reason: \"plans changed\") { number status } }";
        match session.call(cancel, json!({"id": order_id})).await {
            Ok(data) => {
                Tally::bump(&self.tally.cancelled);
                let order = &data["cancelPickup"];
                tracing::info!(
                    "a household cancelled {}",
                    order["number"].as_str().unwrap_or("?")
                );
                Ok(())
            }
            // Too late: the collector has arrived (or it is done already).
            Err(err) if refused_with(&err, &["INVALID_STATE", "CONFLICT"]) => Ok(()),
            Err(err) => Err(err),
        }
    }

    /// Answers a new price found at the door of `order_id`.
    async fn answer(&mut self, order_id: &str) -> anyhow::Result<()> {
        let Some(mut session) = self.session_of(order_id) else {
            return Ok(());
        };
        let accept = self.rng.random_bool(ACCEPTS_NEW_PRICE);
        let respond = "mutation($id: ID!, $accept: Boolean!) { respondToFinalOffer(orderId: $id, accept: $accept) { number status finalPayout } }";
        let data = session
            .call(respond, json!({"id": order_id, "accept": accept}))
            .await?;
        let order = &data["respondToFinalOffer"];
        tracing::info!(
            "the customer of {} {} the new price ({})",
            order["number"].as_str().unwrap_or("?"),
            if accept { "accepted" } else { "refused" },
            order["finalPayout"].as_str().unwrap_or("?")
        );
        Ok(())
    }

    fn session_of(&self, order_id: &str) -> Option<Session> {
        let index = *self.owners.get(order_id)?;
        self.sessions.get(index)?.clone()
    }

    async fn household(&mut self) -> anyhow::Result<(usize, Session)> {
        let index = (self.booked as usize) % self.sessions.len();
        if self.sessions[index].is_none() {
            let input = json!({"email": format!("demo.household.{:02}@example.com", index + 1),
                               "displayName": NAMES[index % NAMES.len()], "role": "HOUSEHOLD"});
            self.sessions[index] = Some(Session::register_or_login(&self.api, input).await?);
        }
        let session = self.sessions[index]
            .clone()
            .ok_or_else(|| anyhow::anyhow!("signed in"))?;
        Ok((index, session))
    }

    async fn book_one(&mut self) -> anyhow::Result<()> {
        let (index, mut session) = self.household().await?;
        self.booked += 1;
        let at = random_address(&mut self.rng, 1.5);
        let items = basket::items(&mut self.rng, &self.categories);
        let quote = session
            .call(
                "mutation($input: QuoteInput!) { requestQuote(input: $input) { id total } }",
                json!({"input": {"items": items, "pickupLocation": point(at)}}),
            )
            .await?;
        let quote_id = quote["requestQuote"]["id"].clone();
        for _attempt in 0..3 {
            let window = free_window(&mut session, at).await?;
            match self.book(&mut session, index, &quote_id, at, window).await {
                Ok(order) => {
                    Tally::bump(&self.tally.booked);
                    let order_id = order["id"].as_str().unwrap_or_default().to_owned();
                    self.owners.insert(order_id.clone(), index);
                    self.latest = Some(order_id);
                    tracing::info!(
                        "{} booked {} ({} items, {} CNY)",
                        NAMES[index % NAMES.len()],
                        order["number"].as_str().unwrap_or("?"),
                        items.as_array().map_or(0, Vec::len),
                        quote["requestQuote"]["total"].as_str().unwrap_or("?")
                    );
                    return Ok(());
                }
                // Another household took the window's last place first: the next one.
                Err(err) if refused_with(&err, &["CONFLICT"]) => continue,
                Err(err) => return Err(err),
            }
        }
        anyhow::bail!("no window with room after three tries")
    }

    async fn book(
        &mut self,
        session: &mut Session,
        index: usize,
        quote_id: &Value,
        at: GeoPoint,
        window: Value,
    ) -> anyhow::Result<Value> {
        let street = STREETS
            .choose(&mut self.rng)
            .copied()
            .unwrap_or("Century Avenue");
        let input = json!({
            "quoteId": quote_id,
            "address": {"line1": format!("{} {street}", self.rng.random_range(1..1500)),
                        "city": "Shanghai", "location": point(at)},
            "window": window,
            "contactName": NAMES[index % NAMES.len()],
            "contactPhone": format!("+86 138 {:04} {:04}", index + 1, self.booked % 10_000),
            "idempotencyKey": format!("demo-{}-{}", self.run_id, self.booked),
        });
        let data = session
            .call(
                "mutation($input: BookPickupInput!) { bookPickup(input: $input) { id number } }",
                json!({"input": input}),
            )
            .await?;
        Ok(data["bookPickup"].clone())
    }
}

/// The earliest window with room at `at`, from today on (UTC service days).
async fn free_window(session: &mut Session, at: GeoPoint) -> anyhow::Result<Value> {
    let soon = Utc::now() + chrono::Duration::minutes(5);
    for days in 0..30 {
        let date = soon
            .date_naive()
            .checked_add_days(Days::new(days))
            .unwrap_or(soon.date_naive());
        let data = session
            .call(
                "query($at: GeoPointInput!, $date: NaiveDate!) { availablePickupWindows(location: $at, date: $date) { start end remainingCapacity } }",
                json!({"at": point(at), "date": date.to_string()}),
            )
            .await?;
        let slots = data["availablePickupWindows"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let free = slots.into_iter().find(|slot| {
            let starts = slot["start"]
                .as_str()
                .and_then(|s| s.parse::<chrono::DateTime<Utc>>().ok());
            slot["remainingCapacity"].as_i64().unwrap_or(0) > 0 && starts.is_some_and(|s| s > soon)
        });
        if let Some(slot) = free {
            return Ok(json!({"start": slot["start"], "end": slot["end"]}));
        }
    }
    anyhow::bail!("no free pickup window in the next 30 days")
}
