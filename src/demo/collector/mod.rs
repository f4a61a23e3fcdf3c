//! A demo collector: goes online, cruises between landmarks reporting its position, accepts
//! offers into a short queue of jobs (declining only when the queue is full, since dispatch
//! never asks a collector again about an order it turned down), works through the queue
//! ([`pickup`]) and, every few pickups, drives its load to the nearest plant and hands it
//! over.

mod pickup;

use std::collections::VecDeque;
use std::sync::Arc;

use rand::rngs::StdRng;
use serde_json::{Value, json};
use tokio::sync::mpsc;

use super::api::{Session, refused_with};
use super::cast::{Plant, Recruit};
use super::city::{Route, random_address};
use super::pace::Pace;
use super::tally::Tally;
use crate::domain::geo::{GeoPoint, haversine_km};

/// City driving speed, km/h (simulated; the pace's speed factor multiplies it).
const KMH: f64 = 30.0;
/// Jobs a collector takes on at once; offers beyond are declined.
const MAX_JOBS: usize = 3;
/// Refusals that only mean the order moved on without this collector: someone else was
/// faster, the offer lapsed or was withdrawn, the customer cancelled.
pub const MOVED_ON: &[&str] = &[
    "ALREADY_ASSIGNED",
    "OFFER_EXPIRED",
    "INVALID_STATE",
    "CONFLICT",
    "NOT_FOUND",
];

/// A pickup's accepted order, as the collector needs it.
type Job = Value;

/// One collector's state.
pub struct CollectorActor {
    name: String,
    session: Session,
    rng: StdRng,
    route: Route,
    plants: Vec<(String, String, GeoPoint)>,
    handover_every: usize,
    jobs: VecDeque<Job>,
    held: Vec<String>,
    /// Where the collector asks a customer to answer a re-priced offer.
    customers: mpsc::UnboundedSender<String>,
    pace: Pace,
    tally: Arc<Tally>,
}

/// Who a collector works with.
pub struct Partners<'a> {
    /// The plants to hand over to.
    pub plants: &'a [Plant],
    /// The households' phone: order ids whose final offer awaits an answer.
    pub customers: mpsc::UnboundedSender<String>,
}

impl CollectorActor {
    /// A collector about to go online at its start; hands over every `handover_every`
    /// pickups to the nearest plant.
    pub fn new(
        recruit: Recruit,
        partners: Partners<'_>,
        handover_every: usize,
        rng: StdRng,
        pace: Pace,
        tally: Arc<Tally>,
    ) -> Self {
        Self {
            name: recruit.name,
            session: recruit.session,
            rng,
            route: Route::parked(recruit.start),
            plants: partners
                .plants
                .iter()
                .map(|p| (p.id.clone(), p.name.clone(), p.location))
                .collect(),
            handover_every: handover_every.max(1),
            jobs: VecDeque::new(),
            held: Vec::new(),
            customers: partners.customers,
            pace,
            tally,
        }
    }

    /// Works until the demo stops, then goes offline.
    pub async fn run(mut self) {
        let online = "mutation($at: GeoPointInput) { setAvailability(online: true, location: $at) { status } }";
        let at = point(self.route.position());
        if let Err(err) = self.session.call(online, json!({"at": at})).await {
            self.failed("going online", &err);
            return;
        }
        tracing::info!("{} is online", self.name);
        while self.pace.next_tick().await {
            if let Err(err) = self.step().await {
                self.failed("working", &err);
            }
        }
        let offline = "mutation { setAvailability(online: false) { status } }";
        if let Err(err) = self.session.call(offline, json!({})).await {
            self.failed("going offline", &err);
        }
    }

    fn failed(&self, doing: &str, err: &anyhow::Error) {
        Tally::bump(&self.tally.errors);
        tracing::error!("{} failed {doing}: {err:#}", self.name);
    }

    /// One tick while free: cruise, take offers, then do the next job if there is one.
    async fn step(&mut self) -> anyhow::Result<()> {
        if self.route.arrived() {
            let next = random_address(&mut self.rng, 1.0);
            self.route = Route::along_streets(&mut self.rng, self.route.position(), next);
        }
        let position = self.route.advance(self.pace.km_per_tick(KMH * 0.5));
        self.report(position).await?;
        self.take_offers().await?;
        let Some(job) = self.jobs.pop_front() else {
            return Ok(());
        };
        if self.pickup(&job).await? && self.held.len() >= self.handover_every {
            self.hand_over().await?;
        }
        Ok(())
    }

    async fn report(&mut self, at: GeoPoint) -> anyhow::Result<()> {
        self.session
            .call(
                "mutation($at: GeoPointInput!) { reportLocation(location: $at) }",
                json!({"at": point(at)}),
            )
            .await?;
        Ok(())
    }

    /// Accepts open offers while the queue has room, declines the rest.
    async fn take_offers(&mut self) -> anyhow::Result<()> {
        let data = self
            .session
            .call(
                "{ myJobOffers { id distanceKm order { number } } }",
                json!({}),
            )
            .await?;
        for offer in data["myJobOffers"].as_array().cloned().unwrap_or_default() {
            if self.jobs.len() < MAX_JOBS {
                self.accept(&offer).await?;
            } else {
                self.decline(&offer).await?;
            }
        }
        Ok(())
    }

    async fn accept(&mut self, offer: &Value) -> anyhow::Result<()> {
        let accept = "mutation($id: ID!) { acceptJobOffer(offerId: $id) {
            id number address { location { latitude longitude } } lines { id description } } }";
        match self.session.call(accept, json!({"id": offer["id"]})).await {
            Ok(data) => {
                Tally::bump(&self.tally.accepted);
                let order = data["acceptJobOffer"].clone();
                tracing::info!(
                    "{} accepted {} ({:.1} km away; {} in the queue)",
                    self.name,
                    order["number"].as_str().unwrap_or("?"),
                    offer["distanceKm"].as_f64().unwrap_or_default(),
                    self.jobs.len() + 1
                );
                self.jobs.push_back(order);
                Ok(())
            }
            Err(err) if refused_with(&err, MOVED_ON) => {
                Tally::bump(&self.tally.missed);
                tracing::info!("{} missed an offer: {err:#}", self.name);
                Ok(())
            }
            Err(err) => Err(err),
        }
    }

    async fn decline(&mut self, offer: &Value) -> anyhow::Result<()> {
        let decline = "mutation($id: ID!) { declineJobOffer(offerId: $id, reason: \"fully booked\") { status } }";
        match self.session.call(decline, json!({"id": offer["id"]})).await {
            Ok(_) => {
                Tally::bump(&self.tally.declined);
                Ok(())
            }
            Err(err) if refused_with(&err, MOVED_ON) => Ok(()),
            Err(err) => Err(err),
        }
    }

    /// Drives to `to` along the streets, still taking offers; false if the demo stopped
    /// on the way.
    async fn drive_to(&mut self, to: GeoPoint) -> anyhow::Result<bool> {
        self.route = Route::along_streets(&mut self.rng, self.route.position(), to);
        while !self.route.arrived() {
            if !self.busy_tick().await? {
                return Ok(false);
            }
            let position = self.route.advance(self.pace.km_per_tick(KMH));
            self.report(position).await?;
        }
        Ok(true)
    }

    /// One tick of work: offers still come in; false when the demo is stopping.
    async fn busy_tick(&mut self) -> anyhow::Result<bool> {
        if !self.pace.next_tick().await {
            return Ok(false);
        }
        self.take_offers().await?;
        Ok(true)
    }

    /// Drives everything held to the nearest plant and hands it over.
    async fn hand_over(&mut self) -> anyhow::Result<()> {
        let here = self.route.position();
        let Some((plant_id, plant_name, location)) = self
            .plants
            .iter()
            .min_by(|a, b| haversine_km(here, a.2).total_cmp(&haversine_km(here, b.2)))
            .cloned()
        else {
            return Ok(());
        };
        if !self.drive_to(location).await? {
            return Ok(());
        }
        let hand_over = "mutation($input: HandOverInput!) { handOverToFacility(input: $input) { number items { id } } }";
        let input = json!({"facilityId": plant_id, "orderIds": self.held,
                           "clientActionId": uuid::Uuid::new_v4().to_string()});
        let data = self
            .session
            .call(hand_over, json!({"input": input}))
            .await?;
        let note = &data["handOverToFacility"];
        Tally::bump(&self.tally.handed_over);
        tracing::info!(
            "{} handed {} items of {} pickups to {plant_name} ({})",
            self.name,
            note["items"].as_array().map_or(0, Vec::len),
            self.held.len(),
            note["number"].as_str().unwrap_or("?")
        );
        self.held.clear();
        Ok(())
    }
}

/// A point as GraphQL's `GeoPointInput`.
pub fn point(at: GeoPoint) -> Value {
    json!({"latitude": at.latitude, "longitude": at.longitude})
}
