//! Booking → first job offer delivered, end to end (benchmark, not a test).
//!
//! Run through `scripts/bench-offer.sh`, which builds and starts the release server, creates
//! the operator and lifts the slot capacity; by hand, against a running server:
//!
//! ```sh
//! BENCH_URL=http://127.0.0.1:8080 BENCH_OPERATOR_EMAIL=ops@example.com \
//! BENCH_OPERATOR_PASSWORD='correct horse battery' \
//!     cargo run --release --example bench_offer_latency
//! ```
//!
//! Setup: COLLECTORS collector accounts register, fill their profiles (VAN, 800 kg, every
//! certification), are verified by the operator, go online 0.3–3 km from the pickup
//! (Shanghai, 31.23 N 121.47 E) and subscribe to `jobOffers` over `graphql-transport-ws`.
//! One HOUSEHOLD customer then, sequentially, BOOKINGS times (after WARMUP untimed ones):
//! requests a one-LAPTOP quote (not timed), starts the clock, sends `bookPickup` (tomorrow
//! 02:00–04:00Z) and stops the clock when the first OFFERED event for that order reaches
//! any of the collectors' sockets (the time is read by the socket's reader task as the frame
//! arrives). Offers are left pending (nobody accepts or declines), so every collector stays a
//! candidate; with 3 offers per batch each order reaches 3 collectors.
//!
//! The clock starts before the request is written, so the figure includes the client's HTTP
//! round trip, the booking transaction, dispatch (geo search, eligibility queries, the offer
//! transaction), pub/sub and the WebSocket push. The `bookPickup` response time is printed
//! next to it (`dispatch_order` runs inside the request, so the offer usually arrives first).
//!
//! Environment: BENCH_URL (required), BENCH_OPERATOR_EMAIL, BENCH_OPERATOR_PASSWORD (required),
//! COLLECTORS=20, BOOKINGS=300, WARMUP=20, BENCH_WINDOW_DAY=YYYY-MM-DD (default: tomorrow UTC).
//! Any GraphQL error, or an order whose offer does not arrive within 10 s, fails the run.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail, ensure};
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use uuid::Uuid;

const PASSWORD: &str = "correct horse battery";
const PICKUP: (f64, f64) = (31.23, 121.47);
const TARGET: Duration = Duration::from_millis(50);

struct Client {
    http: reqwest::Client,
    url: String,
}

impl Client {
    /// Posts a GraphQL request; any transport error, non-200 or `errors` fails.
    async fn gql(
        &self,
        token: Option<&str>,
        query: &str,
        variables: Value,
    ) -> anyhow::Result<Value> {
        let mut request = self
            .http
            .post(format!("{}/graphql", self.url))
            .json(&json!({"query": query, "variables": variables}));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.context("GraphQL request")?;
        let status = response.status();
        let body: Value = response.json().await.context("GraphQL response body")?;
        if !status.is_success() || body.get("errors").is_some() {
            bail!("HTTP {status}: {body}");
        }
        Ok(body["data"].clone())
    }

    async fn register(&self, role: &str, tag: &str) -> anyhow::Result<(String, Value)> {
        let email = format!("bench-{tag}-{}@example.com", Uuid::new_v4().simple());
        let data = self
            .gql(
                None,
                "mutation($i: RegisterInput!) { register(input: $i) { accessToken user { id collector { id } } } }",
                json!({"i": {"email": email, "password": PASSWORD, "displayName": "Bench", "role": role}}),
            )
            .await?;
        let token = data["register"]["accessToken"]
            .as_str()
            .context("no access token")?
            .to_owned();
        Ok((token, data["register"]["user"].clone()))
    }
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

fn env_usize(name: &str, default: usize) -> usize {
    env(name).and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// A point `north_km` north and `east_km` east of the pickup.
fn near_pickup(north_km: f64, east_km: f64) -> Value {
    let km_per_degree = 6371.0088_f64.to_radians();
    json!({
        "latitude": PICKUP.0 + north_km / km_per_degree,
        "longitude": PICKUP.1 + east_km / (km_per_degree * PICKUP.0.to_radians().cos()),
    })
}

/// One OFFERED event as a socket received it.
struct Offered {
    order_id: String,
    at: Instant,
}

/// The socket of one collector.
type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// What a reader does with one server message: nothing, forward an event, or answer a ping.
enum Step {
    /// Nothing to pass on.
    Skip,
    /// Pass this on; an error also ends the reader.
    Forward(anyhow::Result<Offered>),
    /// Answer with a pong.
    Pong,
}

/// Opens a `graphql-transport-ws` socket as `token` and waits for `connection_ack`.
async fn open_signed_in(port_url: &str, token: &str) -> anyhow::Result<Socket> {
    let ws_url = format!("{}/graphql", port_url.replacen("http", "ws", 1));
    let mut request = ws_url.into_client_request()?;
    request
        .headers_mut()
        .insert("Sec-WebSocket-Protocol", "graphql-transport-ws".parse()?);
    let (mut socket, _) = tokio_tungstenite::connect_async(request)
        .await
        .context("WebSocket connect")?;
    socket
        .send(Message::text(
            json!({"type": "connection_init", "payload": {"authorization": format!("Bearer {token}")}})
                .to_string(),
        ))
        .await?;
    loop {
        let frame = tokio::time::timeout(Duration::from_secs(10), socket.next())
            .await
            .context("no connection_ack within 10 s")?;
        match frame {
            Some(Ok(Message::Text(text))) => {
                let msg: Value = serde_json::from_str(&text)?;
                ensure!(
                    msg["type"] == "connection_ack",
                    "expected connection_ack, got {msg}"
                );
                return Ok(socket);
            }
            Some(Ok(_)) => continue,
            other => bail!("socket ended before connection_ack: {other:?}"),
        }
    }
}

/// What to do with the text message `text` that arrived at `at`.
fn step_for(text: &str, at: Instant) -> Step {
    let msg: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(err) => return Step::Forward(Err(anyhow::anyhow!("bad frame {text}: {err}"))),
    };
    match msg["type"].as_str() {
        Some("next") => {
            let event = &msg["payload"]["data"]["jobOffers"];
            if event["kind"] == "OFFERED"
                && let Some(order_id) = event["offer"]["order"]["id"].as_str()
            {
                Step::Forward(Ok(Offered {
                    order_id: order_id.to_owned(),
                    at,
                }))
            } else if event.is_null() {
                Step::Forward(Err(anyhow::anyhow!("subscription error: {msg}")))
            } else {
                Step::Skip
            }
        }
        Some("ping") => Step::Pong,
        Some("pong") => Step::Skip,
        _ => Step::Forward(Err(anyhow::anyhow!("unexpected message: {msg}"))),
    }
}

/// Reads `socket` until it ends, forwarding every OFFERED event with its arrival time; the
/// first error is forwarded and ends the reader.
async fn forward_offers(mut socket: Socket, tx: mpsc::UnboundedSender<anyhow::Result<Offered>>) {
    while let Some(frame) = socket.next().await {
        let at = Instant::now();
        let text = match frame {
            Ok(Message::Text(text)) => text,
            Ok(Message::Ping(_) | Message::Pong(_) | Message::Frame(_) | Message::Binary(_)) => {
                continue;
            }
            Ok(Message::Close(close)) => {
                let _ = tx.send(Err(anyhow::anyhow!("socket closed: {close:?}")));
                return;
            }
            Err(err) => {
                let _ = tx.send(Err(anyhow::anyhow!("socket error: {err}")));
                return;
            }
        };
        match step_for(&text, at) {
            Step::Skip => {}
            Step::Pong => {
                let _ = socket
                    .send(Message::text(json!({"type": "pong"}).to_string()))
                    .await;
            }
            Step::Forward(event) => {
                let failed = event.is_err();
                let _ = tx.send(event);
                if failed {
                    return;
                }
            }
        }
    }
}

/// Opens a `graphql-transport-ws` socket as `token`, subscribes to `jobOffers` and spawns a
/// reader that forwards every OFFERED event with its arrival time.
async fn subscribe_offers(
    port_url: &str,
    token: &str,
    tx: mpsc::UnboundedSender<anyhow::Result<Offered>>,
) -> anyhow::Result<()> {
    let mut socket = open_signed_in(port_url, token).await?;
    socket
        .send(Message::text(
            json!({"id": "offers", "type": "subscribe", "payload": {
                "query": "subscription { jobOffers { kind offer { id order { id } } } }"}})
            .to_string(),
        ))
        .await?;
    tokio::spawn(forward_offers(socket, tx));
    Ok(())
}

fn quantile(sorted: &[Duration], q: f64) -> Duration {
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

fn summary(name: &str, mut values: Vec<Duration>) -> Duration {
    values.sort_unstable();
    let mean = values.iter().sum::<Duration>() / values.len() as u32;
    let p99 = quantile(&values, 0.99);
    println!(
        "  {name:<22} n={}  p50 {:>9}  p90 {:>9}  p99 {:>9}  max {:>9}  mean {:>9}",
        values.len(),
        ms(quantile(&values, 0.50)),
        ms(quantile(&values, 0.90)),
        ms(p99),
        ms(*values.last().expect("values")),
        ms(mean),
    );
    p99
}

/// The run's settings, from the environment.
struct Settings {
    url: String,
    operator_email: String,
    operator_password: String,
    collectors: usize,
    bookings: usize,
    warmup: usize,
    /// The day of every window, YYYY-MM-DD.
    day: String,
}

impl Settings {
    fn from_env() -> anyhow::Result<Self> {
        let url = env("BENCH_URL").context("set BENCH_URL=http://127.0.0.1:PORT")?;
        Ok(Self {
            url: url
                .trim_end_matches('/')
                .trim_end_matches("/graphql")
                .to_owned(),
            operator_email: env("BENCH_OPERATOR_EMAIL").context("set BENCH_OPERATOR_EMAIL")?,
            operator_password: env("BENCH_OPERATOR_PASSWORD")
                .context("set BENCH_OPERATOR_PASSWORD")?,
            collectors: env_usize("COLLECTORS", 20),
            bookings: env_usize("BOOKINGS", 300),
            warmup: env_usize("WARMUP", 20),
            day: env("BENCH_WINDOW_DAY").unwrap_or_else(|| {
                (chrono::Utc::now().date_naive() + chrono::Days::new(1))
                    .format("%Y-%m-%d")
                    .to_string()
            }),
        })
    }
}

/// The operator's access token.
async fn operator_token(client: &Client, settings: &Settings) -> anyhow::Result<String> {
    Ok(client
        .gql(
            None,
            "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }",
            json!({"e": settings.operator_email, "p": settings.operator_password}),
        )
        .await
        .context("operator login")?["login"]["accessToken"]
        .as_str()
        .context("no operator token")?
        .to_owned())
}

/// Collector number `i` of `n`: registered, profile filled, verified by `operator`, online
/// on a spiral 0.3–3 km from the pickup (so the search widens past 0.5 km for some), and
/// subscribed to its offers, which go to `tx`.
async fn ready_collector(
    client: &Client,
    operator: &str,
    (i, n): (usize, usize),
    tx: mpsc::UnboundedSender<anyhow::Result<Offered>>,
) -> anyhow::Result<()> {
    let (token, user) = client.register("COLLECTOR", "collector").await?;
    let collector_id = user["collector"]["id"]
        .as_str()
        .context("register returned no collector id")?
        .to_owned();
    client
        .gql(
            Some(&token),
            "mutation { updateCollectorProfile(input: {vehicle: VAN, capacityKg: \"800\", certifications: \
             [HAZARDOUS_BATTERY, LARGE_APPLIANCE, DATA_DESTRUCTION, REFRIGERANT_HANDLING]}) { id } }",
            json!({}),
        )
        .await
        .context("updateCollectorProfile")?;
    client
        .gql(
            Some(operator),
            "mutation($c: ID!) { verifyCollector(collectorId: $c) { id verified } }",
            json!({"c": collector_id}),
        )
        .await
        .context("verifyCollector")?;
    let angle = i as f64 * 2.399_963; // golden angle
    let distance = 0.3 + 2.7 * (i as f64 + 0.5) / n as f64;
    client
        .gql(
            Some(&token),
            "mutation($l: GeoPointInput!) { setAvailability(online: true, location: $l) { id status } }",
            json!({"l": near_pickup(distance * angle.sin(), distance * angle.cos())}),
        )
        .await
        .context("setAvailability")?;
    subscribe_offers(&client.url, &token, tx).await
}

/// Offers as the collectors' sockets received them: each order's first arrival (the offer
/// often beats the booking's response, so it may be there before it is looked for).
struct Offers {
    rx: mpsc::UnboundedReceiver<anyhow::Result<Offered>>,
    arrived: HashMap<String, Instant>,
}

impl Offers {
    /// When the first offer for `order_id` arrived, waiting up to 10 s for it.
    async fn first_for(&mut self, order_id: &str, i: usize) -> anyhow::Result<Instant> {
        // Drain what already arrived, then wait for this order's first offer.
        while let Ok(event) = self.rx.try_recv() {
            let event = event?;
            self.arrived.entry(event.order_id).or_insert(event.at);
        }
        if let Some(at) = self.arrived.get(order_id) {
            return Ok(*at);
        }
        loop {
            let event = tokio::time::timeout(Duration::from_secs(10), self.rx.recv())
                .await
                .with_context(|| format!("no offer for order #{i} ({order_id}) within 10 s"))?
                .context("every socket closed")??;
            self.arrived
                .entry(event.order_id.clone())
                .or_insert(event.at);
            if event.order_id == order_id {
                return Ok(event.at);
            }
        }
    }
}

/// The timed bookings' figures.
#[derive(Default)]
struct Timings {
    to_offer: Vec<Duration>,
    to_response: Vec<Duration>,
    quote_times: Vec<Duration>,
    /// Bookings whose offer reached a socket before the response.
    offer_first: usize,
}

/// The customer's requests: a one-LAPTOP quote, and `bookPickup` of a quote in the run's
/// window.
struct Booking {
    customer: String,
    quote: &'static str,
    book: String,
}

impl Booking {
    fn new(customer: String, day: &str) -> Self {
        let book = format!(
            "mutation($q: ID!) {{ bookPickup(input: {{quoteId: $q, address: {{line1: \"1 Nanjing Road\", \
             city: \"Shanghai\", location: {{latitude: {}, longitude: {}}}}}, window: {{start: \"{day}T02:00:00Z\", \
             end: \"{day}T04:00:00Z\"}}, contactName: \"Bench\", contactPhone: \"+8613800138000\"}}) {{ id status }} }}",
            PICKUP.0, PICKUP.1
        );
        Self {
            customer,
            quote: "mutation { requestQuote(input: {items: [{categoryCode: \"LAPTOP\", condition: GOOD}]}) { id } }",
            book,
        }
    }

    /// Booking number `i`: (quote time, response time, time to the first offer).
    async fn once(
        &self,
        client: &Client,
        offers: &mut Offers,
        i: usize,
    ) -> anyhow::Result<(Duration, Duration, Duration)> {
        let q0 = Instant::now();
        let quote_id = client
            .gql(Some(&self.customer), self.quote, json!({}))
            .await
            .context("requestQuote")?["requestQuote"]["id"]
            .as_str()
            .context("no quote id")?
            .to_owned();
        let quoted = q0.elapsed();

        let t0 = Instant::now();
        let order = client
            .gql(Some(&self.customer), &self.book, json!({"q": quote_id}))
            .await
            .with_context(|| format!("bookPickup #{i}"))?;
        let responded = t0.elapsed();
        let order_id = order["bookPickup"]["id"]
            .as_str()
            .context("no order id")?
            .to_owned();
        ensure!(
            order["bookPickup"]["status"] != "UNFULFILLED",
            "order #{i} was given up: {order}"
        );
        let offered_at = offers.first_for(&order_id, i).await?;
        Ok((quoted, responded, offered_at.saturating_duration_since(t0)))
    }
}

/// Prints the figures.
fn report(timings: Timings, bookings: usize) {
    println!();
    println!("==================== booking → first offer delivered ====================");
    let p99 = summary("book → first OFFERED", timings.to_offer);
    summary("bookPickup response", timings.to_response);
    summary("requestQuote (untimed)", timings.quote_times);
    println!(
        "  the offer reached the socket before the bookPickup response in {} of {bookings} bookings",
        timings.offer_first
    );
    println!(
        "  p99 {} against the 50 ms target: {}",
        ms(p99),
        if p99 < TARGET { "met" } else { "NOT met" }
    );
    println!("=========================================================================");
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let settings = Settings::from_env()?;
    let client = Client {
        http: reqwest::Client::builder().tcp_nodelay(true).build()?,
        url: settings.url.clone(),
    };

    // ---- operator, collectors, subscriptions ------------------------------------------------
    let operator = operator_token(&client, &settings).await?;
    let (tx, rx) = mpsc::unbounded_channel();
    let started = Instant::now();
    for i in 0..settings.collectors {
        ready_collector(&client, &operator, (i, settings.collectors), tx.clone()).await?;
    }
    drop(tx);
    println!(
        "{} collectors registered, verified, online 0.3–3 km from the pickup and subscribed ({:.1} s)",
        settings.collectors,
        started.elapsed().as_secs_f64()
    );

    // ---- bookings ---------------------------------------------------------------------------
    let (customer, _) = client.register("HOUSEHOLD", "customer").await?;
    let booking = Booking::new(customer, &settings.day);
    let mut offers = Offers {
        rx,
        arrived: HashMap::new(),
    };
    let mut timings = Timings::default();
    println!(
        "{} warm-up + {} timed bookings, one at a time, window {} 02:00–04:00Z",
        settings.warmup, settings.bookings, settings.day
    );
    for i in 0..settings.warmup + settings.bookings {
        let (quoted, responded, to_first_offer) = booking.once(&client, &mut offers, i).await?;
        if i >= settings.warmup {
            timings.to_offer.push(to_first_offer);
            timings.to_response.push(responded);
            timings.quote_times.push(quoted);
            if to_first_offer <= responded {
                timings.offer_first += 1;
            }
        }
    }
    report(timings, settings.bookings);
    Ok(())
}
