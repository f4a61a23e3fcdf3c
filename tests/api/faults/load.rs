//! A light load of quotes, bookings and probes against one server, for as long as a fault
//! lasts: the requests the issue measured.

use std::time::{Duration, Instant};

use serde_json::json;

use super::{Sample, timed_get, timed_gql};
use crate::fixtures::{LIGHT_ITEMS, booking_input, window_on};
use crate::helpers::Account;
use crate::procs::Server;

/// `requestQuote` of the light items.
pub fn quote_query() -> String {
    format!("mutation {{ requestQuote(input: {{items: {LIGHT_ITEMS}}}) {{ id }} }}")
}

/// `bookPickup` returning the order id.
pub const BOOK: &str = "mutation($input: BookPickupInput!) { bookPickup(input: $input) { id } }";

/// The pacing of each loop: about ten requests a second each.
const PACE: Duration = Duration::from_millis(100);

/// Asks for a quote; the sample, and its id when it succeeded.
pub async fn quote(server: &Server, customer: &Account) -> (Sample, Option<String>) {
    let sample = timed_gql(
        server,
        "quote",
        Some(&customer.access),
        &quote_query(),
        json!({}),
    )
    .await;
    let id = sample.body["data"]["requestQuote"]["id"]
        .as_str()
        .map(str::to_owned);
    (sample, id)
}

/// Books `quote_id` in the `n`-th distinct window (so bookings never compete for a slot).
pub async fn book(server: &Server, customer: &Account, quote_id: &str, n: usize) -> Sample {
    // Service hours are 00:00–12:00 UTC: six two-hour windows a day.
    let window = window_on(1 + (n / 6) as i64, 2 * (n % 6) as u32);
    timed_gql(
        server,
        "book",
        Some(&customer.access),
        BOOK,
        json!({"input": booking_input(quote_id, window)}),
    )
    .await
}

/// Quotes ready for booking later (taken while everything works).
pub async fn quotes_for_later(server: &Server, customer: &Account, n: usize) -> Vec<String> {
    let mut ids = Vec::new();
    for _ in 0..n {
        let (sample, id) = quote(server, customer).await;
        ids.push(id.unwrap_or_else(|| panic!("quote before the fault: {}", sample.body)));
    }
    ids
}

/// Runs quotes, bookings (of `quotes`, numbered from `first_window`) and probes side by
/// side for `duration`; every request's sample.
pub async fn during(
    server: &Server,
    customer: &Account,
    quotes: &[String],
    first_window: usize,
    duration: Duration,
) -> Vec<Sample> {
    let deadline = Instant::now() + duration;
    let quoting = async {
        let mut samples = Vec::new();
        let mut pace = tokio::time::interval(PACE);
        while Instant::now() < deadline {
            pace.tick().await;
            samples.push(quote(server, customer).await.0);
        }
        samples
    };
    let booking = async {
        let mut samples = Vec::new();
        let mut pace = tokio::time::interval(PACE);
        for (i, quote_id) in quotes.iter().enumerate() {
            if Instant::now() >= deadline {
                break;
            }
            pace.tick().await;
            samples.push(book(server, customer, quote_id, first_window + i).await);
        }
        samples
    };
    let probing = async {
        let mut samples = Vec::new();
        let mut pace = tokio::time::interval(PACE);
        while Instant::now() < deadline {
            pace.tick().await;
            samples.push(timed_get(server, "ready", "/ready").await);
            samples.push(timed_get(server, "health", "/health").await);
        }
        samples
    };
    let (mut all, booked, probed) = tokio::join!(quoting, booking, probing);
    all.extend(booked);
    all.extend(probed);
    all
}
