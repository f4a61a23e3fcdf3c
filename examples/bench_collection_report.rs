//! Collection report benchmark (not a test): `collectionReport` for the last month,
//! grouped by CATEGORY × AREA and by CATEGORY × AREA × DAY, with the rollups of 10k and of
//! 1M completed orders.
//!
//! ```sh
//! cargo run --release --example bench_collection_report           # SQLite, temp files
//! DATABASE_URL=postgres://…/EMPTY_DB cargo run --release --example bench_collection_report
//! scripts/bench-report.sh                                        # both, via the bench scripts
//! ```
//!
//! For each size the database is migrated from scratch (`Migrator::fresh`) and filled with
//! the rollups that size of workload produces: orders over the 365 days before
//! 2026-12-01 (Shanghai), 5 areas, 12 categories, 1,000 collectors, 20 facilities (80 %
//! of items received, half of those processed), 10 % booked by 200 businesses and 10 % by 5
//! partners, one to three items an order. Every item goes through the report's own
//! `domain::report::contributions` and `deltas` (completion, receipt, processing); the
//! resulting buckets are summed in memory and inserted in batches, which gives the same
//! rows as the incremental upserts would, much faster. It then times `SAMPLES` runs (after
//! `WARMUP`) of the report as the resolver reads it
//! (`services::reports::collection::report_rows`, as an operator) and, interleaved run by
//! run as the same run's baseline, of the same report grouped in SQL
//! (`services::reports::grouped::report_rows`); both must give the same rows.
//!
//! Environment (all optional): ORDERS=10000,1000000 SAMPLES=200 WARMUP=20 DATABASE_URL;
//! REUSE=1 with a DATABASE_URL this example filled before skips the fill (one size only).

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

use chrono::{Days, NaiveDate, TimeZone};
use migration::{Migrator, MigratorTrait};
use reloop::domain::report::deltas::{on_completion, on_processing, on_receipt};
use reloop::domain::report::{
    Bucket, Delta, Dimension, ItemFacts, LineFacts, Measures, OrderFacts, ReportRequest,
    contributions,
};
use reloop::infra::db::tuned_sqlite;
use reloop::services::reports::collection::report_rows;
use reloop::services::reports::grouped;
use reloop::services::reports::{ReportFilter, ReportScope};
use rust_decimal::Decimal;
use sea_orm::sea_query::{Alias, Expr, Query};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, TransactionTrait, Value,
};
use uuid::Uuid;

/// A small deterministic generator (xorshift64*), so runs are comparable.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % n
    }
}

type Figures = HashMap<Bucket, Measures>;
type Materials = HashMap<(Bucket, String, bool), i64>;

fn apply(figures: &mut Figures, materials: &mut Materials, delta: Delta) {
    let m = figures.entry(delta.bucket.clone()).or_default();
    *m = m.plus(delta.measures);
    for (material, estimated, kg) in delta.materials {
        *materials
            .entry((delta.bucket.clone(), material, estimated))
            .or_default() += kg;
    }
}

fn ids(n: usize, seed: u128) -> Vec<Uuid> {
    (0..n)
        .map(|i| Uuid::from_u128((seed << 64) | (i as u128 + 1)))
        .collect()
}

/// The buckets `orders` completed orders add up to.
fn workload(orders: usize) -> (Figures, Materials) {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let (areas, collectors, facilities) = (ids(5, 1), ids(1000, 2), ids(20, 3));
    let (businesses, partners) = (ids(200, 4), ids(5, 5));
    let categories = [
        "SMARTPHONE",
        "TABLET",
        "LAPTOP",
        "DESKTOP",
        "MONITOR",
        "TV",
        "SMALL_APPLIANCE",
        "LARGE_APPLIANCE",
        "EV_BATTERY_PACK",
        "PORTABLE_BATTERY",
        "CABLES",
        "PRINTER",
    ];
    let end = NaiveDate::from_ymd_opt(2026, 12, 1).expect("a date");
    let (mut figures, mut materials) = (Figures::new(), Materials::new());
    for _ in 0..orders {
        let day = end - Days::new(1 + rng.below(365));
        let owner = rng.below(10);
        let area = rng.below(5) as usize;
        let order = OrderFacts {
            day: day.format("%Y-%m-%d").to_string(),
            area: areas[area],
            collector: collectors[area * 200 + rng.below(200) as usize],
            organization: if owner == 0 {
                businesses[rng.below(200) as usize]
            } else {
                Uuid::nil()
            },
            partner: if owner == 1 {
                partners[rng.below(5) as usize]
            } else {
                Uuid::nil()
            },
            payout: Decimal::ZERO,
            logistics_fee: Decimal::new(1500, 2),
        };
        let mut lines = Vec::new();
        let mut items = Vec::new();
        for position in 0..1 + rng.below(3) as i32 {
            let line = Uuid::from_u128(u128::from(rng.below(u64::MAX)));
            let amount = Decimal::new(rng.below(30_000) as i64 - 2_000, 2);
            lines.push(LineFacts { id: line, amount });
            items.push(ItemFacts {
                id: Uuid::nil(),
                line_id: line,
                position,
                category: categories[rng.below(12) as usize].to_owned(),
                weight_kg: Decimal::new(rng.below(20_000) as i64 + 100, 3),
                weight_estimated: rng.below(2) == 0,
                estimated_materials: BTreeMap::from([
                    ("copper".to_owned(), Decimal::new(rng.below(900) as i64, 3)),
                    (
                        "aluminium".to_owned(),
                        Decimal::new(rng.below(900) as i64, 3),
                    ),
                ]),
                co2e_factor: Some(Decimal::new(117, 2)),
            });
        }
        let mut order = order;
        order.payout = lines.iter().map(|l| l.amount).sum::<Decimal>() - order.logistics_fee;
        for c in contributions(&order, &lines, &items) {
            apply(&mut figures, &mut materials, on_completion(&c));
            if rng.below(10) < 8 {
                let (moves, moved) = on_receipt(&c, facilities[rng.below(20) as usize]);
                moves
                    .into_iter()
                    .for_each(|d| apply(&mut figures, &mut materials, d));
                if rng.below(2) == 0 {
                    let measured =
                        BTreeMap::from([("copper".to_owned(), rng.below(500_000) as i64)]);
                    apply(
                        &mut figures,
                        &mut materials,
                        on_processing(&moved, &measured).0,
                    );
                }
            }
        }
    }
    (figures, materials)
}

fn key(bucket: &Bucket, full: bool) -> Vec<(&'static str, Value)> {
    let mut key = vec![
        ("day", Value::from(bucket.day.clone())),
        ("service_area_id", Value::from(bucket.area)),
        ("category_code", Value::from(bucket.category.clone())),
        ("organization_id", Value::from(bucket.organization)),
        ("partner_id", Value::from(bucket.partner)),
    ];
    if full {
        key.push(("collector_id", Value::from(bucket.collector)));
        key.push(("facility_id", Value::from(bucket.facility)));
    }
    key
}

/// The key of `bucket` in the area rollups (day × area × category).
fn area_key(bucket: &Bucket) -> Vec<(&'static str, Value)> {
    vec![
        ("day", Value::from(bucket.day.clone())),
        ("service_area_id", Value::from(bucket.area)),
        ("category_code", Value::from(bucket.category.clone())),
    ]
}

fn month_key(bucket: &Bucket) -> Vec<(&'static str, Value)> {
    vec![
        ("month", Value::from(bucket.day.clone())),
        ("service_area_id", Value::from(bucket.area)),
        ("category_code", Value::from(bucket.category.clone())),
    ]
}

/// `bucket` as the month rollups see it (`day` holds the month).
fn month(bucket: &Bucket) -> Bucket {
    Bucket {
        day: bucket.day[..7].to_owned(),
        ..area(bucket)
    }
}

/// `bucket` as the area rollups see it.
fn area(bucket: &Bucket) -> Bucket {
    Bucket {
        collector: Uuid::nil(),
        facility: Uuid::nil(),
        organization: Uuid::nil(),
        partner: Uuid::nil(),
        ..bucket.clone()
    }
}

fn coarse(bucket: &Bucket) -> Bucket {
    Bucket {
        collector: Uuid::nil(),
        facility: Uuid::nil(),
        ..bucket.clone()
    }
}

/// Inserts `rows` (column names, values) into `table`, `BATCH` rows a statement.
async fn insert(
    db: &DatabaseConnection,
    table: &str,
    rows: Vec<Vec<(&'static str, Value)>>,
) -> anyhow::Result<()> {
    const BATCH: usize = 500;
    let txn = db.begin().await?;
    for chunk in rows.chunks(BATCH) {
        let mut statement = Query::insert();
        statement
            .into_table(Alias::new(table))
            .columns(chunk[0].iter().map(|(c, _)| Alias::new(*c)));
        for row in chunk {
            statement.values_panic(row.iter().map(|(_, v)| Expr::value(v.clone())));
        }
        txn.execute(&statement).await?;
    }
    txn.commit().await?;
    Ok(())
}

/// The rows of a material rollup: `key` of each bucket, then its material and kg.
fn material_rows(
    materials: &Materials,
    key: impl Fn(&Bucket) -> Vec<(&'static str, Value)>,
) -> Vec<Vec<(&'static str, Value)>> {
    materials
        .iter()
        .map(|((bucket, material, estimated), kg)| {
            let mut row = key(bucket);
            row.extend([
                ("material", Value::from(material.clone())),
                ("estimated", Value::from(*estimated)),
                ("kg", Value::from(*kg)),
            ]);
            row
        })
        .collect()
}

async fn fill(
    db: &DatabaseConnection,
    figures: Figures,
    materials: Materials,
) -> anyhow::Result<(usize, usize)> {
    let mut coarse_figures: Figures = HashMap::new();
    let mut coarse_materials: Materials = HashMap::new();
    let measures = |m: &Measures| {
        vec![
            ("orders", Value::from(m.orders)),
            ("items", Value::from(m.items)),
            ("measured_kg", Value::from(m.measured_kg)),
            ("estimated_kg", Value::from(m.estimated_kg)),
            ("payout", Value::from(m.payout)),
            ("disposal_fees", Value::from(m.disposal_fees)),
            ("logistics_fees", Value::from(m.logistics_fees)),
            ("co2e_kg", Value::from(m.co2e_kg)),
        ]
    };
    let mut area_figures: Figures = HashMap::new();
    let mut area_materials: Materials = HashMap::new();
    let mut month_figures: Figures = HashMap::new();
    let mut month_materials: Materials = HashMap::new();
    let mut rows = Vec::new();
    for (bucket, m) in &figures {
        let c = coarse_figures.entry(coarse(bucket)).or_default();
        *c = c.plus(*m);
        let a = area_figures.entry(area(bucket)).or_default();
        *a = a.plus(*m);
        let a = month_figures.entry(month(bucket)).or_default();
        *a = a.plus(*m);
        let mut row = key(bucket, true);
        row.extend(measures(m));
        rows.push(row);
    }
    let fine_rows = rows.len();
    insert(db, "report_rollups", rows).await?;
    let rows = coarse_figures
        .iter()
        .map(|(bucket, m)| {
            let mut row = key(bucket, false);
            row.extend(measures(m));
            row
        })
        .collect();
    insert(db, "report_day_rollups", rows).await?;
    let rows = area_figures
        .iter()
        .map(|(bucket, m)| {
            let mut row = area_key(bucket);
            row.extend(measures(m));
            row
        })
        .collect();
    insert(db, "report_area_rollups", rows).await?;
    let rows = month_figures
        .iter()
        .map(|(bucket, m)| {
            let mut row = month_key(bucket);
            row.extend(measures(m));
            row
        })
        .collect();
    insert(db, "report_month_rollups", rows).await?;
    let mut rows = Vec::new();
    for ((bucket, material, estimated), kg) in &materials {
        *coarse_materials
            .entry((coarse(bucket), material.clone(), *estimated))
            .or_default() += kg;
        *area_materials
            .entry((area(bucket), material.clone(), *estimated))
            .or_default() += kg;
        *month_materials
            .entry((month(bucket), material.clone(), *estimated))
            .or_default() += kg;
        let mut row = key(bucket, true);
        row.extend([
            ("material", Value::from(material.clone())),
            ("estimated", Value::from(*estimated)),
            ("kg", Value::from(*kg)),
        ]);
        rows.push(row);
    }
    insert(db, "report_material_rollups", rows).await?;
    insert(
        db,
        "report_day_material_rollups",
        material_rows(&coarse_materials, |b| key(b, false)),
    )
    .await?;
    insert(
        db,
        "report_area_material_rollups",
        material_rows(&area_materials, area_key),
    )
    .await?;
    insert(
        db,
        "report_month_material_rollups",
        material_rows(&month_materials, month_key),
    )
    .await?;
    if db.get_database_backend() == sea_orm::DbBackend::Postgres {
        db.execute_unprepared("ANALYZE").await?;
    }
    Ok((fine_rows, coarse_figures.len()))
}

fn env_or(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_owned())
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let sizes: Vec<usize> = env_or("ORDERS", "10000,1000000")
        .split(',')
        .map(|s| s.trim().parse())
        .collect::<Result<_, _>>()?;
    let samples: usize = env_or("SAMPLES", "200").parse()?;
    let warmup: usize = env_or("WARMUP", "20").parse()?;
    let dir = tempfile::tempdir()?;
    let shanghai = chrono_tz::Asia::Shanghai;
    let from = shanghai
        .with_ymd_and_hms(2026, 11, 1, 0, 0, 0)
        .single()
        .expect("a time")
        .to_utc();
    let to = shanghai
        .with_ymd_and_hms(2026, 12, 1, 0, 0, 0)
        .single()
        .expect("a time")
        .to_utc();
    for size in sizes {
        let url = std::env::var("DATABASE_URL").unwrap_or_else(|_| {
            format!(
                "sqlite://{}?mode=rwc",
                dir.path().join(format!("report-{size}.db")).display()
            )
        });
        // SQLite tuned as the server's pool is.
        let mut options = ConnectOptions::new(url.clone());
        options.map_sqlx_sqlite_opts(tuned_sqlite);
        let db = Database::connect(options).await?;
        if db.get_database_backend() == sea_orm::DbBackend::Sqlite {
            db.execute_unprepared("PRAGMA journal_mode=WAL").await?;
        }
        if std::env::var("REUSE").is_ok_and(|v| v == "1") {
            // A database this example filled before: only the newer migrations run.
            Migrator::up(&db, None).await?;
            println!(
                "{:?} orders={size}: reusing {url}",
                db.get_database_backend()
            );
        } else {
            Migrator::fresh(&db).await?;
            let started = Instant::now();
            let (figures, materials) = workload(size);
            let (fine, coarse) = fill(&db, figures, materials).await?;
            println!(
                "{:?} orders={size}: {fine} bucket rows, {coarse} day rows, filled in {:.1?}",
                db.get_database_backend(),
                started.elapsed()
            );
        }
        for group_by in [
            vec![Dimension::Category, Dimension::Area],
            vec![Dimension::Category, Dimension::Area, Dimension::Day],
        ] {
            let request = ReportRequest::parse(from, to, group_by.clone(), shanghai, 366)
                .map_err(|bad| anyhow::anyhow!("{bad:?}"))?;
            // The API's reading and, interleaved run by run, the same report grouped in
            // SQL (what the CSV export streams, and what the API read before the month
            // rollups): the baseline of the same run.
            let mut api = Vec::with_capacity(samples);
            let mut sql = Vec::with_capacity(samples);
            let mut rows = 0;
            for run in 0..warmup + samples {
                let started = Instant::now();
                let out = report_rows(&db, &request, ReportScope::All, &ReportFilter::default())
                    .await
                    .map_err(|e| anyhow::anyhow!("{:?}", e.into_anyhow()))?;
                let api_time = started.elapsed();
                let started = Instant::now();
                let grouped_out =
                    grouped::report_rows(&db, &request, ReportScope::All, &ReportFilter::default())
                        .await
                        .map_err(|e| anyhow::anyhow!("{:?}", e.into_anyhow()))?;
                let sql_time = started.elapsed();
                anyhow::ensure!(out == grouped_out, "the two readings disagree");
                if run >= warmup {
                    api.push(api_time);
                    sql.push(sql_time);
                }
                rows = out.len();
            }
            api.sort();
            sql.sort();
            let names: Vec<&str> = group_by.iter().map(|d| d.as_str()).collect();
            println!(
                "  {} ({rows} rows): API p50 {:.2?} p99 {:.2?} | grouped in SQL p50 {:.2?} p99 {:.2?}",
                names.join("×"),
                percentile(&api, 0.5),
                percentile(&api, 0.99),
                percentile(&sql, 0.5),
                percentile(&sql, 0.99)
            );
        }
    }
    Ok(())
}
