//! A light load of quotes, bookings and probes against one server, for as long as a fault
//! lasts: the requests the issue measured.

use std::time::{Duration, Instant};

use serde_json::json;

use super::{As, Sample, timed_get, timed_gql};
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
        As::User(&customer.access),
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
        As::User(&customer.access),
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

/// A partner's quote with `key` (a request that authenticates against the database).
pub async fn key_quote(server: &Server, key: &str) -> Sample {
    timed_gql(
        server,
        "key",
        As::Key(key),
        crate::partners::fixtures::QUOTE,
        json!({}),
    )
    .await
}

/// Who sends the load: a customer, with quotes to book, and a partner's key when given.
pub struct Senders<'a> {
    /// The customer quoting and booking.
    pub customer: &'a Account,
    /// Quotes to book, in windows numbered from `first_window`.
    pub quotes: &'a [String],
    /// The first booking's window number.
    pub first_window: usize,
    /// A partner's key that quotes too.
    pub key: Option<&'a str>,
}

/// Sends `request` every [`PACE`] until `deadline`; every sample.
async fn paced<F, Fut>(deadline: Instant, mut request: F) -> Vec<Sample>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Vec<Sample>>,
{
    let mut samples = Vec::new();
    let mut pace = tokio::time::interval(PACE);
    while Instant::now() < deadline {
        pace.tick().await;
        samples.extend(request().await);
    }
    samples
}

/// Runs quotes, bookings, a partner's quotes (when it has a key) and probes side by side
/// for `duration`; every request's sample.
pub async fn during(server: &Server, senders: &Senders<'_>, duration: Duration) -> Vec<Sample> {
    let deadline = Instant::now() + duration;
    let quoting = paced(deadline, || async {
        vec![quote(server, senders.customer).await.0]
    });
    let booking = async {
        let mut samples = Vec::new();
        let mut pace = tokio::time::interval(PACE);
        for (i, quote_id) in senders.quotes.iter().enumerate() {
            if Instant::now() >= deadline {
                break;
            }
            pace.tick().await;
            samples.push(book(server, senders.customer, quote_id, senders.first_window + i).await);
        }
        samples
    };
    let partner = paced(deadline, || async {
        match senders.key {
            Some(key) => vec![key_quote(server, key).await],
            None => Vec::new(),
        }
    });
    let probing = paced(deadline, || async {
        vec![
            timed_get(server, "ready", "/ready").await,
            timed_get(server, "health", "/health").await,
        ]
    });
    let (mut all, booked, keyed, probed) = tokio::join!(quoting, booking, partner, probing);
    all.extend(booked);
    all.extend(keyed);
    all.extend(probed);
    all
}
