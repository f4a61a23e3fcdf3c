//! Custody ledger benchmark (not a test): `verifyCustodyChain` for one order of 50 items ×
//! 5 events, and the signed checkpoint over the whole log, while the log grows.
//!
//! ```sh
//! cargo run --release --example bench_custody            # a fresh SQLite file in a temp dir
//! DATABASE_URL=postgres://…/EMPTY_DB cargo run --release --example bench_custody
//! scripts/bench-custody.sh                               # the same through the bench scripts
//! ```
//!
//! The example builds the whole application in-process (`Application::build`, i.e.
//! `startup::build_state` + the HTTP server on a free port, checkpointer off), creates an
//! operator account and one COMPLETED pickup order (a row written directly), and gives the
//! order 50 custody items of 5 events each. The log is then filled to each size of `SIZES`
//! with synthetic chains of 1–5 events (mean 3; ten items per made-up order id), every event
//! sealed by the ledger's own `ledger::append::seal` (canonical `custody-v1` hash, Ed25519
//! signature, signed head) and written with `insert_many` in transactions of `BATCH`
//! events, sealing on one thread while the previous batch is inserted. PostgreSQL gets
//! `ANALYZE` after each fill.
//!
//! At each size it times, alternating one with the other, `SAMPLES` calls (after `WARMUP`)
//! of `services::custody::read::verify_order` (what the resolver calls, as an operator) and
//! of the full `verifyCustodyChain` request over HTTP (keep-alive, bearer token; every answer
//! checked: no `errors`, valid, 50 items of 5 events), then `CHECKPOINTS` runs of
//! `ledger::checkpoints::create` over the whole log (the first also writes the heads of the
//! chains added since the previous size; the process's peak RSS is reset before each run).
//!
//! Environment (all optional):
//!   SIZES=10000,100000,1000000   events in the log at each stage
//!   SAMPLES=300 WARMUP=30        verifications timed (each way) per stage, and untimed first
//!   CHECKPOINTS=2                checkpoints per stage (0: verification only)
//!   BATCH=5000                   events per insert transaction
//!   DATABASE_URL=postgres://…    an empty PostgreSQL database (default: SQLite)
//!   RELOOP_DATA_DIR=DIR          keep the SQLite file and key there (default: a temp dir)

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail, ensure};
use chrono::{DateTime, TimeDelta, Utc};
use entity::enums::OrderStatus;
use entity::{DbDecimal, custody_event, custody_item, pickup_order};
use reloop::config::Config;
use reloop::domain::Role;
use reloop::domain::custody::encoding::GENESIS;
use reloop::domain::custody::{CustodyStatus, CustodyStep, Holder};
use reloop::infra::signing::ServerKey;
use reloop::services::custody::{Custodian, read};
use reloop::services::ledger::NewCustodyEvent;
use reloop::services::ledger::append::seal;
use reloop::services::ledger::checkpoints;
use reloop::services::operators;
use reloop::services::orders::Party;
use reloop::startup::Application;
use reloop::state::AppState;
use rust_decimal::Decimal;
use sea_orm::{ActiveModelTrait, ConnectionTrait, DbBackend, EntityTrait, PaginatorTrait, Set};
use serde_json::{Value, json};
use tokio::sync::mpsc;
use uuid::Uuid;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Items and events of the order whose verification is timed.
const ORDER_ITEMS: usize = 50;
const ORDER_EVENTS: i32 = 5;
/// Rows per INSERT statement (31 and 19 columns: well under SQLite's 32,766 parameters).
const ITEM_ROWS: usize = 500;
const EVENT_ROWS: usize = 1000;
const VERIFY: &str = "query($id: ID!) { verifyCustodyChain(orderId: $id) { orderId valid \
                      items { itemId valid events brokenAtSequence reason } } }";

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.trim().replace('_', "").parse().ok())
        .unwrap_or(default)
}

fn sizes() -> Vec<u64> {
    std::env::var("SIZES")
        .unwrap_or_else(|_| "10000,100000,1000000".to_owned())
        .split(',')
        .filter_map(|s| s.trim().replace('_', "").parse().ok())
        .collect()
}

/// Who and where the synthetic chains say things happened.
#[derive(Clone, Copy)]
struct Scene {
    collector: Uuid,
    collector_user: Uuid,
    facility: Uuid,
    staff_user: Uuid,
    location: (f64, f64),
    start: DateTime<Utc>,
}

impl Scene {
    fn new() -> Self {
        Self {
            collector: Uuid::new_v4(),
            collector_user: Uuid::new_v4(),
            facility: Uuid::new_v4(),
            staff_user: Uuid::new_v4(),
            location: (31.230_416_7, 121.473_701_2),
            start: Utc::now() - TimeDelta::days(365),
        }
    }

    /// The `sequence`-th event of an item: collected, handed over, received, battery
    /// status changed, processed — with details of the size the workflows write.
    fn event(&self, sequence: i32, at: DateTime<Utc>, kg: Decimal) -> NewCustodyEvent {
        let by_collector = sequence <= 2;
        let (step, details) = match sequence {
            1 => (
                CustodyStep::Collected,
                json!({"orderNumber": "RL-000042", "orderLineId": Uuid::new_v4()}),
            ),
            2 => (
                CustodyStep::HandedOver,
                json!({"transferNumber": "TN-000042", "facilityId": self.facility}),
            ),
            3 => (
                CustodyStep::Received,
                json!({"transferNumber": "TN-000042", "collectorWeightKg": kg.to_string()}),
            ),
            4 => (
                CustodyStep::StatusChanged,
                json!({"from": "ORIGINAL", "to": "WASTE"}),
            ),
            _ => (
                CustodyStep::Processed,
                json!({"outcome": "MATERIAL_RECOVERED", "materials": {"copper": "0.31", "plastics": "0.52"}}),
            ),
        };
        NewCustodyEvent {
            step,
            at,
            recorded_at: None,
            actor_user_id: Some(if by_collector {
                self.collector_user
            } else {
                self.staff_user
            }),
            actor_role: if by_collector {
                Role::Collector
            } else {
                Role::Facility
            },
            holder: if sequence == 1 {
                Holder::Collector(self.collector)
            } else {
                Holder::Facility(self.facility)
            },
            location: Some(self.location),
            weight_kg: Some(kg),
            weight_estimated: sequence == 1,
            note: None,
            details,
        }
    }

    /// An item of `order_id` with no events yet (as intake drafts it).
    fn item(
        &self,
        order_id: Uuid,
        position: i32,
        length: i32,
        at: DateTime<Utc>,
    ) -> custody_item::Model {
        let status = match length {
            1 => CustodyStatus::WithCollector,
            2 => CustodyStatus::InTransit,
            3 | 4 => CustodyStatus::AtFacility,
            _ => CustodyStatus::Processed,
        };
        custody_item::Model {
            id: Uuid::new_v4(),
            order_id,
            order_line_id: Uuid::new_v4(),
            position,
            description: format!("Laptop ({} of 50)", position + 1),
            category_code: "LAPTOP".to_owned(),
            serial_number: Some(format!("SN{position:08}")),
            trace_code: None,
            trace_code_scheme: None,
            chemistry: None,
            state_of_health_pct: None,
            battery_status: None,
            data_bearing: true,
            blocked: false,
            required_certification: Some("R2".to_owned()),
            status: status.into(),
            weight_kg: Some(DbDecimal(Decimal::new(215, 2))),
            weight_estimated: length == 1,
            collector_id: Some(self.collector),
            facility_id: (length > 1).then_some(self.facility),
            transfer_id: (length > 1).then(Uuid::new_v4),
            outcome: (length >= 5).then(|| "MATERIAL_RECOVERED".to_owned()),
            materials: json!({}),
            sanitization: None,
            head_sequence: 0,
            head_hash: GENESIS.to_owned(),
            head_signature: String::new(),
            created_at: at,
            updated_at: at,
        }
    }

    /// `item` with a valid chain of `length` events, sealed by the ledger's own code.
    fn sealed(
        &self,
        key: &ServerKey,
        mut item: custody_item::Model,
        length: i32,
    ) -> (custody_item::ActiveModel, Vec<custody_event::ActiveModel>) {
        let mut events = Vec::with_capacity(usize::try_from(length).unwrap_or_default());
        let mut previous = GENESIS.to_owned();
        for sequence in 1..=length {
            let at = item.created_at + TimeDelta::minutes(i64::from(sequence - 1) * 90);
            let event = self.event(sequence, at, Decimal::new(215, 2));
            let (row, hash, head_signature) = seal(key, &item, sequence, &previous, &event);
            events.push(row);
            previous = hash;
            item.head_signature = head_signature;
            item.updated_at = at;
        }
        item.head_sequence = length;
        item.head_hash = previous;
        (custody_item::ActiveModel::from(item).reset_all(), events)
    }
}

/// Sealed rows ready for one insert transaction.
#[derive(Default)]
struct Batch {
    items: Vec<custody_item::ActiveModel>,
    events: Vec<custody_event::ActiveModel>,
}

/// A made-up order id for the `n`-th synthetic item: ten items an order, ids spread over
/// the key space like random ones (splitmix64), so the order index is not filled in order.
fn synthetic_order(n: u64) -> Uuid {
    let mix = |mut z: u64| {
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    };
    let group = n / 10;
    Uuid::from_u64_pair(mix(group.wrapping_add(0x9e37_79b9_7f4a_7c15)), mix(group))
}

/// Seals synthetic items `first..` until `events` events are made, in batches of about
/// `batch` events sent to `out`; returns the next item number.
fn produce(
    key: &ServerKey,
    scene: &Scene,
    first: u64,
    events: u64,
    batch: usize,
    out: &mpsc::Sender<Batch>,
) -> u64 {
    let mut n = first;
    let mut made = 0u64;
    let mut current = Batch::default();
    while made < events {
        let wanted = i32::try_from(n % 5 + 1).unwrap_or(1);
        let length = wanted.min(i32::try_from(events - made).unwrap_or(i32::MAX));
        let at = scene.start + TimeDelta::seconds(i64::try_from(n).unwrap_or_default() * 20);
        let position = i32::try_from(n % 10).unwrap_or_default();
        let item = scene.item(synthetic_order(n), position, length, at);
        let (item, rows) = scene.sealed(key, item, length);
        made += rows.len() as u64;
        current.items.push(item);
        current.events.extend(rows);
        n += 1;
        if current.events.len() >= batch && out.blocking_send(std::mem::take(&mut current)).is_err()
        {
            return n;
        }
    }
    if !current.items.is_empty() {
        let _ = out.blocking_send(current);
    }
    n
}

/// Inserts `batch` in one write transaction, `insert_many` a few hundred rows at a time.
async fn insert(state: &AppState, batch: Batch) -> anyhow::Result<()> {
    let txn = state.begin_write().await?;
    let mut items = batch.items.into_iter().peekable();
    while items.peek().is_some() {
        let rows: Vec<_> = items.by_ref().take(ITEM_ROWS).collect();
        custody_item::Entity::insert_many(rows).exec(&txn).await?;
    }
    let mut events = batch.events.into_iter().peekable();
    while events.peek().is_some() {
        let rows: Vec<_> = events.by_ref().take(EVENT_ROWS).collect();
        custody_event::Entity::insert_many(rows).exec(&txn).await?;
    }
    txn.commit().await?;
    Ok(())
}

/// Grows the log with synthetic chains.
struct Filler {
    state: AppState,
    scene: Scene,
    next_item: u64,
    events: u64,
    batch: usize,
}

impl Filler {
    /// Fills until the log holds `target` events; returns the time it took.
    async fn fill_to(&mut self, target: u64) -> anyhow::Result<Duration> {
        let started = Instant::now();
        let missing = target.saturating_sub(self.events);
        if missing > 0 {
            let (tx, mut rx) = mpsc::channel::<Batch>(2);
            let (key, scene) = (Arc::clone(&self.state.server_key), self.scene);
            let (first, batch) = (self.next_item, self.batch);
            let producer = tokio::task::spawn_blocking(move || {
                produce(&key, &scene, first, missing, batch, &tx)
            });
            while let Some(batch) = rx.recv().await {
                insert(&self.state, batch)
                    .await
                    .context("inserting a batch")?;
            }
            self.next_item = producer.await?;
            self.events = target;
        }
        if self.state.db.get_database_backend() == DbBackend::Postgres {
            self.state
                .db
                .execute_unprepared("ANALYZE custody_items; ANALYZE custody_events")
                .await?;
        }
        Ok(started.elapsed())
    }
}

/// The order whose chains are verified: a COMPLETED pickup order row and its 50 items of
/// 5 events each.
async fn bench_order(state: &AppState, scene: &Scene) -> anyhow::Result<Uuid> {
    let id = Uuid::new_v4();
    let at = scene.start;
    let money = |cents| DbDecimal(Decimal::new(cents, 2));
    pickup_order::ActiveModel {
        id: Set(id),
        number: Set("RL-900001".to_owned()),
        quote_id: Set(Uuid::new_v4()),
        customer_user_id: Set(None),
        organization_id: Set(None),
        partner_id: Set(None),
        external_reference: Set(None),
        status: Set(OrderStatus::Completed),
        version: Set(7),
        address_line1: Set("1 People's Square".to_owned()),
        address_line2: Set(None),
        city: Set("Shanghai".to_owned()),
        postal_code: Set(Some("200001".to_owned())),
        latitude: Set(scene.location.0),
        longitude: Set(scene.location.1),
        service_area_id: Set(Uuid::new_v4()),
        window_start: Set(at),
        window_end: Set(at + TimeDelta::hours(2)),
        slot_start: Set(at),
        contact_name: Set("Bench".to_owned()),
        contact_phone: Set("+86 21 5555 0000".to_owned()),
        notes: Set(None),
        currency: Set("CNY".to_owned()),
        estimated_payout: Set(money(500_000)),
        final_payout: Set(Some(money(500_000))),
        logistics_fee: Set(money(0)),
        total_weight_kg: Set(money(10_750)),
        required_certifications: Set(json!(["R2"])),
        collector_id: Set(Some(scene.collector)),
        dispatch_round: Set(1),
        signature_ref: Set(None),
        photo_refs: Set(json!([])),
        created_at: Set(at),
        updated_at: Set(at),
    }
    .insert(&state.db)
    .await?;
    let mut batch = Batch::default();
    for position in 0..ORDER_ITEMS {
        let item = scene.item(id, i32::try_from(position)?, ORDER_EVENTS, at);
        let (item, events) = scene.sealed(&state.server_key, item, ORDER_EVENTS);
        batch.items.push(item);
        batch.events.extend(events);
    }
    insert(state, batch).await?;
    Ok(id)
}

/// Sorted timings, and the CPU time they took together.
struct Timings(Vec<Duration>, Duration);

impl Timings {
    fn new(mut samples: Vec<Duration>, cpu: Duration) -> Self {
        samples.sort_unstable();
        Self(samples, cpu)
    }
    fn cpu_per_call(&self) -> Duration {
        self.1 / u32::try_from(self.0.len()).unwrap_or(1).max(1)
    }
    fn quantile(&self, q: f64) -> Duration {
        let n = self.0.len();
        let rank = ((q * n as f64).ceil() as usize).clamp(1, n);
        self.0[rank - 1]
    }
    fn mean(&self) -> Duration {
        self.0.iter().sum::<Duration>() / u32::try_from(self.0.len()).unwrap_or(1)
    }
    fn line(&self) -> String {
        format!(
            "p50 {:>8}  p99 {:>8}  mean {:>8}  max {:>8}  CPU/call {:>8}",
            ms(self.quantile(0.50)),
            ms(self.quantile(0.99)),
            ms(self.mean()),
            ms(self.quantile(1.0)),
            ms(self.cpu_per_call())
        )
    }
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

/// Calls the order's verification the two ways, alternating; checks every answer.
struct Verifier {
    state: AppState,
    viewer: Custodian,
    order_id: Uuid,
    http: reqwest::Client,
    url: String,
    token: String,
}

impl Verifier {
    async fn service(&self) -> anyhow::Result<Duration> {
        let started = Instant::now();
        let items = read::verify_order(
            &self.state.db,
            &self.state.server_key,
            &self.viewer,
            self.order_id,
        )
        .await
        .map_err(|e| e.into_anyhow())?;
        let elapsed = started.elapsed();
        let good = items.iter().filter(|i| i.valid && i.events == 5).count();
        ensure!(
            good == ORDER_ITEMS,
            "verify_order: {good} good items of {}",
            items.len()
        );
        Ok(elapsed)
    }

    async fn graphql(&self) -> anyhow::Result<Duration> {
        let body = json!({"query": VERIFY, "variables": {"id": self.order_id}});
        let started = Instant::now();
        let answer: Value = self
            .http
            .post(&self.url)
            .bearer_auth(&self.token)
            .json(&body)
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        let elapsed = started.elapsed();
        let verified = &answer["data"]["verifyCustodyChain"];
        let items = verified["items"].as_array().map_or(0, Vec::len);
        if answer.get("errors").is_some() || verified["valid"] != true || items != ORDER_ITEMS {
            bail!("verifyCustodyChain answered {answer}");
        }
        Ok(elapsed)
    }

    /// (service, HTTP) timings of `samples` calls each, after `warmup` untimed.
    /// The process's CPU time is read around each call too: its mean per call is less
    /// sensitive than the latencies to other work on a shared machine.
    async fn measure(&self, warmup: usize, samples: usize) -> anyhow::Result<(Timings, Timings)> {
        let (mut service, mut graphql) = (Vec::new(), Vec::new());
        let (mut service_cpu, mut graphql_cpu) = (Duration::ZERO, Duration::ZERO);
        for i in 0..warmup + samples {
            let c0 = cpu_time().unwrap_or_default();
            let s = self.service().await?;
            let c1 = cpu_time().unwrap_or_default();
            let g = self.graphql().await?;
            let c2 = cpu_time().unwrap_or_default();
            if i >= warmup {
                service.push(s);
                graphql.push(g);
                service_cpu += c1.saturating_sub(c0);
                graphql_cpu += c2.saturating_sub(c1);
            }
        }
        Ok((
            Timings::new(service, service_cpu),
            Timings::new(graphql, graphql_cpu),
        ))
    }
}

/// One `checkpoints::create` run.
struct CheckpointRun {
    elapsed: Duration,
    /// CPU time of the whole process during the run (user + system, 10 ms ticks): less
    /// sensitive than `elapsed` to other work on a shared machine.
    cpu: Option<Duration>,
    chains: i64,
    events: i64,
    /// Peak resident memory during the run and its growth over the start, MiB.
    peak_mib: Option<(f64, f64)>,
}

/// The process's resident and peak resident memory, KiB (Linux).
fn memory_kib() -> Option<(u64, u64)> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.split_whitespace().next()?.parse().ok())
    };
    Some((field("VmRSS:")?, field("VmHWM:")?))
}

/// User + system CPU time of this process so far (Linux, assuming 100 ticks a second).
fn cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which may hold spaces) end with ") ".
    let fields: Vec<&str> = stat.rsplit_once(") ")?.1.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

async fn checkpoint(state: &AppState) -> anyhow::Result<CheckpointRun> {
    // Writing 5 resets the peak (VmHWM) to the current resident size.
    let reset = std::fs::write("/proc/self/clear_refs", "5").is_ok();
    let before = memory_kib();
    let cpu_before = cpu_time();
    let started = Instant::now();
    let origin = &state.config.custody.checkpoint_origin;
    let made = checkpoints::create(&state.db, &state.server_key, origin, state.clock.now())
        .await
        .map_err(|e| e.into_anyhow())?;
    let elapsed = started.elapsed();
    let cpu = cpu_time()
        .zip(cpu_before)
        .map(|(after, before)| after.saturating_sub(before));
    let peak_mib = match (reset, before, memory_kib()) {
        (true, Some((rss, _)), Some((_, peak))) => Some((
            peak as f64 / 1024.0,
            peak.saturating_sub(rss) as f64 / 1024.0,
        )),
        _ => None,
    };
    Ok(CheckpointRun {
        elapsed,
        cpu,
        chains: made.tree_size,
        events: made.events,
        peak_mib,
    })
}

/// What one stage measured.
struct Stage {
    events: u64,
    service: Timings,
    graphql: Timings,
    checkpoints: Vec<CheckpointRun>,
}

impl Stage {
    /// The first run (which also records the new chains' heads).
    fn first(&self) -> Duration {
        self.checkpoints
            .first()
            .map_or(Duration::ZERO, |c| c.elapsed)
    }
    /// The median of the later runs (no new heads to record), else the first.
    fn repeat(&self) -> Duration {
        self.repeat_of(|c| Some(c.elapsed))
    }
    /// The same in CPU time.
    fn repeat_cpu(&self) -> Duration {
        self.repeat_of(|c| c.cpu)
    }
    fn repeat_of(&self, time: impl Fn(&CheckpointRun) -> Option<Duration>) -> Duration {
        let runs = &self.checkpoints;
        let mut later: Vec<Duration> = runs.iter().skip(1).filter_map(&time).collect();
        if later.is_empty() {
            later.extend(runs.iter().filter_map(&time));
        }
        later.sort_unstable();
        later.get(later.len() / 2).copied().unwrap_or_default()
    }
}

/// The 1, 5 and 15 minute load averages.
fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

fn label(n: u64) -> String {
    match n {
        n if n >= 1_000_000 && n % 1_000_000 == 0 => format!("{}M", n / 1_000_000),
        n if n >= 1_000 && n % 1_000 == 0 => format!("{}k", n / 1_000),
        n => n.to_string(),
    }
}

/// Fills to `size`, then times the verifications and the checkpoints.
async fn stage(filler: &mut Filler, verifier: &Verifier, size: u64) -> anyhow::Result<Stage> {
    let (items_before, events_before) = (filler.next_item, filler.events);
    let fill = filler.fill_to(size).await?;
    let added = size.saturating_sub(events_before);
    println!(
        "\n== {} events in the log ({} items): +{} events, +{} items in {:.1} s ({:.0} events/s); load {}",
        label(size),
        custody_item::Entity::find().count(&filler.state.db).await?,
        added,
        filler.next_item - items_before,
        fill.as_secs_f64(),
        added as f64 / fill.as_secs_f64().max(1e-9),
        load(),
    );
    let (warmup, samples) = (env_usize("WARMUP", 30), env_usize("SAMPLES", 300));
    let (service, graphql) = verifier.measure(warmup, samples).await?;
    println!("  verify_order (service)       {}", service.line());
    println!("  verifyCustodyChain (HTTP)    {}", graphql.line());
    let mut checkpoints = Vec::new();
    for run in 0..env_usize("CHECKPOINTS", 2) {
        let made = checkpoint(&filler.state).await?;
        ensure!(
            u64::try_from(made.events)? == size,
            "the checkpoint covered {} events, the log holds {size}",
            made.events
        );
        let memory = made.peak_mib.map_or_else(
            || "peak RSS n/a".to_owned(),
            |(peak, growth)| format!("peak RSS {peak:.0} MiB (+{growth:.0} MiB)"),
        );
        println!(
            "  checkpoint {} {:>9.3} s (CPU {:.2} s)  {} chains, {} events  {memory}{}",
            run + 1,
            made.elapsed.as_secs_f64(),
            made.cpu.map_or(f64::NAN, |c| c.as_secs_f64()),
            made.chains,
            made.events,
            if run == 0 {
                "  (records the new heads)"
            } else {
                ""
            },
        );
        checkpoints.push(made);
    }
    Ok(Stage {
        events: size,
        service,
        graphql,
        checkpoints,
    })
}

fn ratio(a: Duration, b: Duration) -> f64 {
    a.as_secs_f64() / b.as_secs_f64().max(1e-12)
}

/// The table of every stage, then the ratios the issue asks for.
fn summary(stages: &[Stage], backend: &str) {
    println!(
        "\n== summary ({backend}; {} cores)",
        std::thread::available_parallelism().map_or(0, usize::from)
    );
    println!(
        "  events | verify_order p50 / p99  | HTTP p50 / p99          | checkpoint first / repeat | µs per event"
    );
    for s in stages {
        println!(
            "  {:>6} | {:>9} / {:>9} | {:>9} / {:>9} | {:>9.3} s / {:>7.3} s | {:>6.1}",
            label(s.events),
            ms(s.service.quantile(0.5)),
            ms(s.service.quantile(0.99)),
            ms(s.graphql.quantile(0.5)),
            ms(s.graphql.quantile(0.99)),
            s.first().as_secs_f64(),
            s.repeat().as_secs_f64(),
            s.repeat().as_secs_f64() * 1e6 / s.events as f64,
        );
    }
    for pair in stages
        .windows(2)
        .filter(|p| p.iter().all(|s| !s.checkpoints.is_empty()))
    {
        let (a, b) = (&pair[0], &pair[1]);
        println!(
            "  checkpoint {} / {}: first {:.2}, repeat {:.2}, repeat CPU {:.2} (events ×{:.1}; linear would be that)",
            label(b.events),
            label(a.events),
            ratio(b.first(), a.first()),
            ratio(b.repeat(), a.repeat()),
            ratio(b.repeat_cpu(), a.repeat_cpu()),
            b.events as f64 / a.events as f64,
        );
    }
    if let (Some(a), Some(b)) = (stages.first(), stages.last()) {
        println!(
            "  verify p50 {} / {}: service {:.2}, HTTP {:.2} (target ≤ 1.5); p99: service {:.2}, HTTP {:.2}; CPU/call: service {:.2}, HTTP {:.2}",
            label(b.events),
            label(a.events),
            ratio(b.service.quantile(0.5), a.service.quantile(0.5)),
            ratio(b.graphql.quantile(0.5), a.graphql.quantile(0.5)),
            ratio(b.service.quantile(0.99), a.service.quantile(0.99)),
            ratio(b.graphql.quantile(0.99), a.graphql.quantile(0.99)),
            ratio(b.service.cpu_per_call(), a.service.cpu_per_call()),
            ratio(b.graphql.cpu_per_call(), a.graphql.cpu_per_call()),
        );
    }
}

/// An operator account with a token, and the order's verifier.
async fn verifier(state: &AppState, order_id: Uuid, url: String) -> anyhow::Result<Verifier> {
    let email = format!("bench-custody-{}@example.com", Uuid::new_v4().simple());
    let operator = operators::create_operator(state, &email, "correct horse battery".to_owned())
        .await
        .map_err(|e| e.into_anyhow())?;
    let (token, _) = state
        .tokens
        .issue(operator.id, Role::Operator, state.clock.now())?;
    Ok(Verifier {
        state: state.clone(),
        viewer: Custodian::Party(Party::Operator {
            user_id: operator.id,
        }),
        order_id,
        http: reqwest::Client::new(),
        url,
        token,
    })
}

/// The application on a free port (checkpointer off, long-lived tokens), its state and
/// its GraphQL URL.
async fn start(data_dir: &std::path::Path) -> anyhow::Result<(AppState, String)> {
    let mut config = Config::from_env()?;
    if std::env::var_os("RELOOP_DATA_DIR").is_none() {
        config.data_dir = data_dir.to_owned();
    }
    config.bind = "127.0.0.1:0".to_owned();
    config.seed_demo = false;
    config.custody.checkpoint_interval = Duration::ZERO;
    config.auth.access_token_ttl = Duration::from_secs(7 * 86_400);
    let app = Application::build(config).await?;
    let state = app.state().clone();
    let url = format!("http://127.0.0.1:{}/graphql", app.port());
    tokio::spawn(app.run_until_stopped());
    let items = custody_item::Entity::find().count(&state.db).await?;
    ensure!(
        items == 0,
        "the database already holds {items} custody items: give an empty one"
    );
    Ok((state, url))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let sizes = sizes();
    let order_events = (ORDER_ITEMS as u64) * u64::try_from(ORDER_EVENTS)?;
    ensure!(
        sizes.first().is_some_and(|&s| s >= order_events) && sizes.windows(2).all(|w| w[0] < w[1]),
        "SIZES must grow and start at {order_events} events or more"
    );
    let temp = tempfile::tempdir()?;
    let (state, url) = start(temp.path()).await?;
    let backend = match state.db.get_database_backend() {
        DbBackend::Postgres => "PostgreSQL",
        _ => "SQLite",
    };
    println!(
        "bench_custody: {backend}, sizes {:?}, order of {ORDER_ITEMS} items × {ORDER_EVENTS} events, {url}",
        sizes.iter().map(|&s| label(s)).collect::<Vec<_>>()
    );
    let scene = Scene::new();
    let order_id = bench_order(&state, &scene).await?;
    let verifier = verifier(&state, order_id, url).await?;
    let mut filler = Filler {
        state: state.clone(),
        scene,
        next_item: 0,
        events: order_events,
        batch: env_usize("BATCH", 5000).max(1),
    };
    let mut stages = Vec::new();
    for size in sizes {
        stages.push(stage(&mut filler, &verifier, size).await?);
    }
    summary(&stages, backend);
    if let Some(size) = sqlite_size(&state) {
        println!("  SQLite file: {:.0} MiB", size as f64 / 1_048_576.0);
    }
    Ok(())
}

/// The size of the SQLite database file with its WAL, when that is the backend.
fn sqlite_size(state: &AppState) -> Option<u64> {
    if state.db.get_database_backend() != DbBackend::Sqlite {
        return None;
    }
    let url = state.config.effective_database_url();
    let path = url.strip_prefix("sqlite://")?.split('?').next()?.to_owned();
    let size = |p: &str| std::fs::metadata(p).map_or(0, |m| m.len());
    Some(size(&path) + size(&format!("{path}-wal")))
}
