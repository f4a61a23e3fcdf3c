//! Candidate-search latency of the geo index (benchmark, not a test).
//!
//! ```sh
//! cargo run --release --example bench_geo
//! REDIS_URL=redis://127.0.0.1:6379 cargo run --release --example bench_geo   # also RedisGeoIndex
//! ```
//!
//! For N = 1k, 10k, 100k and 1M collectors placed uniformly at random in one 40 × 40 km
//! city (centred on Shanghai, 31.23 N 121.47 E), times one *dispatch search* as
//! `services/dispatch/matching.rs` does it for a fresh order: for each radius of
//! `search_radii(0.5, 20.0)` (0.5, 1, 2, 4, 8, 16, 20 km) call `GeoIndex::search(pickup,
//! radius, 28)` (28 = (K + 0 already offered) × 4 + 16 with K = 3) and stop as soon as it
//! answers ≥ K collectors. Every collector counts as eligible here, so this is the geo part
//! of matching only (the eligibility queries against the database are not included).
//!
//! The search goes through `&dyn GeoIndex` and `.await`, as the dispatcher calls it, inside a
//! current-thread Tokio runtime; `Instant` is read around each whole dispatch search. The
//! pickups are the same for every N (fixed seed), and a warm-up precedes the timed samples.
//!
//! Environment (all optional):
//!   FETCH=5               the first limit of each search (5 is what the dispatcher asks for)
//!   SAMPLES=10000         timed dispatch searches per N (in-process index)
//!   WARMUP=2000           untimed searches before them
//!   SIZES=1000,10000,100000,1000000
//!   REDIS_URL=redis://…   also run `RedisGeoIndex` (key prefix `bench-geo:<uuid>:`, loaded
//!                         with GEOADD in pipelined batches, deleted afterwards)
//!   REDIS_SAMPLES=2000    timed searches per N against Redis
//!   REDIS_WARMUP=200

use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use reloop::domain::dispatch::search_radii;
use reloop::domain::geo::{EARTH_RADIUS_KM, GeoPoint};
use reloop::infra::geo::{GeoIndex, InMemoryGeoIndex, RedisGeoIndex};
use reloop::infra::redis_conn::RedisConn;
use uuid::Uuid;

/// Shanghai, People's Square.
const CENTRE: GeoPoint = GeoPoint {
    latitude: 31.23,
    longitude: 121.47,
};
/// Half the side of the square city, km.
const HALF_SIDE_KM: f64 = 20.0;
/// Offers per batch (the default `RELOOP_DISPATCH_OFFERS_PER_BATCH`).
const K: usize = 3;
/// What the dispatcher first asks for on a fresh order: K + 0 offered + 2 (`FETCH`
/// overrides it, to see how much of the time is the number of hits taken).
const DEFAULT_FETCH: usize = K + 2;
/// The issue's target for the p99 at 100k collectors.
const TARGET_P99_100K: Duration = Duration::from_millis(2);

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(default)
}

/// A uniformly random point of the city square (flat approximation, fine at 20 km).
fn random_point(rng: &mut StdRng) -> GeoPoint {
    let north = rng.random_range(-HALF_SIDE_KM..HALF_SIDE_KM);
    let east = rng.random_range(-HALF_SIDE_KM..HALF_SIDE_KM);
    let km_per_degree = EARTH_RADIUS_KM.to_radians();
    GeoPoint {
        latitude: CENTRE.latitude + north / km_per_degree,
        longitude: CENTRE.longitude + east / (km_per_degree * CENTRE.latitude.to_radians().cos()),
    }
}

fn collectors(n: usize, seed: u64) -> Vec<(Uuid, GeoPoint)> {
    let mut rng = StdRng::seed_from_u64(seed);
    (0..n)
        .map(|_| (Uuid::from_u128(rng.random()), random_point(&mut rng)))
        .collect()
}

/// What one dispatch search did.
struct Outcome {
    calls: usize,
    found: usize,
}

/// The dispatcher's widening search for one pickup, as `services::dispatch::matching`
/// does it: `search_any` with a small limit, grown fourfold at the same radius only while
/// the circle returns as many as asked, then the next radius (every hit counts as
/// eligible here, so the database step is left out).
async fn dispatch_search(
    index: &dyn GeoIndex,
    radii: &[f64],
    fetch: usize,
    pickup: GeoPoint,
) -> Outcome {
    let mut calls = 0;
    let mut found = 0;
    let mut limit = fetch;
    'radii: for &radius in radii {
        loop {
            calls += 1;
            let hits = index
                .search_any(pickup, radius, limit)
                .await
                .expect("geo search");
            found = hits.len();
            if found >= K {
                break 'radii;
            }
            if found < limit || limit >= 1024 {
                break;
            }
            limit *= 4;
        }
    }
    Outcome { calls, found }
}

/// Timings of the timed samples, sorted, and what the searches did.
struct Run {
    sorted: Vec<Duration>,
    mean_calls: f64,
    mean_hits: f64,
    short: usize,
}

impl Run {
    fn quantile(&self, q: f64) -> Duration {
        let n = self.sorted.len();
        let rank = ((q * n as f64).ceil() as usize).clamp(1, n);
        self.sorted[rank - 1]
    }
    fn max(&self) -> Duration {
        *self.sorted.last().expect("samples")
    }
    fn mean(&self) -> Duration {
        self.sorted.iter().sum::<Duration>() / self.sorted.len() as u32
    }
}

async fn measure(
    index: &dyn GeoIndex,
    pickups: &[GeoPoint],
    fetch: usize,
    warmup: usize,
    samples: usize,
) -> Run {
    let radii = search_radii(0.5, 20.0);
    for pickup in pickups.iter().cycle().skip(samples).take(warmup) {
        dispatch_search(index, &radii, fetch, *pickup).await;
    }
    let mut times = Vec::with_capacity(samples);
    let (mut calls, mut hits, mut short) = (0usize, 0usize, 0usize);
    for pickup in &pickups[..samples] {
        let started = Instant::now();
        let outcome = dispatch_search(index, &radii, fetch, *pickup).await;
        times.push(started.elapsed());
        calls += outcome.calls;
        hits += outcome.found;
        if outcome.found < K {
            short += 1;
        }
    }
    times.sort_unstable();
    Run {
        sorted: times,
        mean_calls: calls as f64 / samples as f64,
        mean_hits: hits as f64 / samples as f64,
        short,
    }
}

fn us(d: Duration) -> String {
    format!("{:.1} µs", d.as_secs_f64() * 1e6)
}

fn label(n: usize) -> String {
    match n {
        n if n >= 1_000_000 && n % 1_000_000 == 0 => format!("{}M", n / 1_000_000),
        n if n >= 1_000 && n % 1_000 == 0 => format!("{}k", n / 1_000),
        n => n.to_string(),
    }
}

fn print_row(n: usize, setup: Duration, run: &Run) {
    println!(
        "  N = {:>5}  p50 {:>10}  p99 {:>10}  max {:>10}  mean {:>10}  calls/search {:.2}  hits {:.1}  <{K} found {}  (load {:.2} s)",
        label(n),
        us(run.quantile(0.50)),
        us(run.quantile(0.99)),
        us(run.max()),
        us(run.mean()),
        run.mean_calls,
        run.mean_hits,
        run.short,
        setup.as_secs_f64(),
    );
}

fn print_summary(name: &str, results: &[(usize, Run)]) {
    let p99 = |n: usize| {
        results
            .iter()
            .find(|(m, _)| *m == n)
            .map(|(_, r)| r.quantile(0.99))
    };
    println!("  --- {name}");
    if let (Some(small), Some(large)) = (p99(1_000), p99(1_000_000)) {
        let ratio = large.as_secs_f64() / small.as_secs_f64();
        println!(
            "  p99(1M) / p99(1k) = {} / {} = {ratio:.2}  (target ≤ 2: {})",
            us(large),
            us(small),
            if ratio <= 2.0 { "met" } else { "NOT met" }
        );
    }
    if let Some(p) = p99(100_000) {
        println!(
            "  p99 at 100k = {}  (target < 2 ms: {})",
            us(p),
            if p < TARGET_P99_100K {
                "met"
            } else {
                "NOT met"
            }
        );
    }
}

async fn redis_load(
    conn: &RedisConn,
    key: &str,
    points: &[(Uuid, GeoPoint)],
) -> anyhow::Result<()> {
    const BATCH: usize = 10_000;
    const PIPELINE: usize = 4;
    let mut manager = conn.manager();
    for group in points.chunks(BATCH * PIPELINE) {
        let mut pipe = redis::pipe();
        for batch in group.chunks(BATCH) {
            let cmd = pipe.cmd("GEOADD").arg(key);
            for (id, at) in batch {
                cmd.arg(at.longitude).arg(at.latitude).arg(id.to_string());
            }
            cmd.ignore();
        }
        let () = pipe.query_async(&mut manager).await?;
    }
    let stored: usize = redis::cmd("ZCARD")
        .arg(key)
        .query_async(&mut manager)
        .await?;
    anyhow::ensure!(
        stored == points.len(),
        "Redis holds {stored} of {} members",
        points.len()
    );
    Ok(())
}

/// Redis's own count and total µs of GEOSEARCH calls (INFO commandstats), to take differences.
async fn geosearch_stats(conn: &RedisConn) -> anyhow::Result<(u64, u64)> {
    let info: String = redis::cmd("INFO")
        .arg("commandstats")
        .query_async(&mut conn.manager())
        .await?;
    let Some(line) = info.lines().find(|l| l.starts_with("cmdstat_geosearch:")) else {
        return Ok((0, 0));
    };
    let field = |name: &str| {
        line.split([':', ','])
            .find_map(|kv| {
                kv.strip_prefix(name)?
                    .strip_prefix('=')?
                    .parse::<u64>()
                    .ok()
            })
            .unwrap_or(0)
    };
    Ok((field("calls"), field("usec")))
}

async fn redis_del(conn: &RedisConn, key: &str) -> anyhow::Result<()> {
    let _: i64 = redis::cmd("DEL")
        .arg(key)
        .query_async(&mut conn.manager())
        .await?;
    Ok(())
}

/// The run's settings, from the environment.
struct Settings {
    sizes: Vec<usize>,
    samples: usize,
    warmup: usize,
    fetch: usize,
    redis_samples: usize,
    redis_warmup: usize,
    redis_url: Option<String>,
}

impl Settings {
    fn from_env() -> Self {
        Self {
            sizes: std::env::var("SIZES")
                .ok()
                .map(|s| s.split(',').filter_map(|v| v.trim().parse().ok()).collect())
                .unwrap_or_else(|| vec![1_000, 10_000, 100_000, 1_000_000]),
            samples: env_usize("SAMPLES", 10_000),
            warmup: env_usize("WARMUP", 2_000),
            fetch: env_usize("FETCH", DEFAULT_FETCH),
            redis_samples: env_usize("REDIS_SAMPLES", 2_000),
            redis_warmup: env_usize("REDIS_WARMUP", 200),
            redis_url: std::env::var("REDIS_URL").ok().filter(|v| !v.is_empty()),
        }
    }

    /// The pickups of every search (the same for every N: a fixed seed).
    fn pickups(&self) -> Vec<GeoPoint> {
        let mut rng = StdRng::seed_from_u64(7);
        (0..self.samples.max(self.redis_samples) + self.warmup.max(self.redis_warmup))
            .map(|_| random_point(&mut rng))
            .collect()
    }
}

/// The in-process index at every size.
fn run_in_memory(
    settings: &Settings,
    pickups: &[GeoPoint],
    rt: &tokio::runtime::Runtime,
) -> anyhow::Result<()> {
    let Settings {
        samples,
        warmup,
        fetch,
        ..
    } = *settings;
    println!(
        "InMemoryGeoIndex (R-tree, bulk-loaded): {warmup} warm-up + {samples} timed searches per N"
    );
    let mut memory_results = Vec::new();
    for &n in &settings.sizes {
        let points = collectors(n, n as u64);
        let started = Instant::now();
        let index = InMemoryGeoIndex::from_points(points)?;
        let setup = started.elapsed();
        let run = rt.block_on(measure(&index, pickups, fetch, warmup, samples));
        print_row(n, setup, &run);
        memory_results.push((n, run));
    }
    print_summary("InMemoryGeoIndex", &memory_results);
    Ok(())
}

/// Redis's index loaded with `n` collectors under `key`, timed, with the time Redis itself
/// spent per search.
async fn run_redis_at(
    conn: &RedisConn,
    key: &str,
    n: usize,
    settings: &Settings,
    pickups: &[GeoPoint],
) -> anyhow::Result<Run> {
    let index = RedisGeoIndex::new(conn);
    let points = collectors(n, n as u64);
    let started = Instant::now();
    redis_del(conn, key).await?;
    redis_load(conn, key, &points).await?;
    let setup = started.elapsed();
    let searches = settings.redis_warmup + settings.redis_samples;
    let before = geosearch_stats(conn).await?;
    let run = measure(
        &index,
        pickups,
        settings.fetch,
        settings.redis_warmup,
        settings.redis_samples,
    )
    .await;
    let after = geosearch_stats(conn).await?;
    print_row(n, setup, &run);
    let calls = after.0.saturating_sub(before.0);
    if calls > 0 {
        println!(
            "             inside Redis (INFO commandstats): {:.1} µs per GEOSEARCH, {:.1} µs per dispatch search",
            after.1.saturating_sub(before.1) as f64 / calls as f64,
            after.1.saturating_sub(before.1) as f64 / searches as f64,
        );
    }
    Ok(run)
}

/// Redis's index at every size, under a key of its own that is deleted afterwards.
async fn run_redis(url: &str, settings: &Settings, pickups: &[GeoPoint]) -> anyhow::Result<()> {
    let prefix = format!("bench-geo:{}:", Uuid::new_v4().simple());
    let conn = RedisConn::connect(
        url,
        &prefix,
        Duration::from_secs(5),
        Duration::from_secs(30),
    )
    .await?;
    let key = conn.key("geo:collectors");
    println!(
        "RedisGeoIndex (GEOSEARCH over loopback, key {key}): {} warm-up + {} timed searches per N",
        settings.redis_warmup, settings.redis_samples
    );
    let mut results = Vec::new();
    let mut outcome = Ok(());
    for &n in &settings.sizes {
        match run_redis_at(&conn, &key, n, settings, pickups).await {
            Ok(run) => results.push((n, run)),
            Err(err) => {
                outcome = Err(err);
                break;
            }
        }
    }
    redis_del(&conn, &key).await?;
    outcome?;
    print_summary("RedisGeoIndex", &results);
    Ok(())
}

fn main() -> anyhow::Result<()> {
    let settings = Settings::from_env();
    let pickups = settings.pickups();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    println!(
        "dispatch search: radii {:?} km, limit {}, stop at ≥ {K}; city 40 × 40 km around {:.2}, {:.2}; {} cores",
        search_radii(0.5, 20.0),
        settings.fetch,
        CENTRE.latitude,
        CENTRE.longitude,
        std::thread::available_parallelism().map_or(0, |n| n.get()),
    );
    run_in_memory(&settings, &pickups, &rt)?;
    let Some(url) = settings.redis_url.as_deref() else {
        println!("RedisGeoIndex: skipped (set REDIS_URL to run it)");
        return Ok(());
    };
    rt.block_on(run_redis(url, &settings, &pickups))
}
