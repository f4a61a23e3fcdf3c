//! Business pickups benchmark (not a test): importing a 2,000-line asset list and
//! quoting it, and the per-asset disposition report at 100k assets, each with a same-run
//! baseline.
//!
//! ```sh
//! cargo run --release --example bench_asset_import                 # SQLite, temp folder
//! DATABASE_URL=postgres://…/EMPTY_DB cargo run --release --example bench_asset_import
//! ```
//!
//! It starts the real server (as the tests do) on a fresh database, registers a BUSINESS
//! user, and over HTTP:
//! 1. `POST /assets/import` of a 2,000-line CSV, then `requestAssetListQuote` of the list
//!    (`ROUNDS` times; median and worst); baseline: `requestQuote` of 20 items (the
//!    per-quote maximum), so the ratio says what one bulk line costs against one item.
//! 2. `organizationAssets(first: 100)` first pages and pages after a random cursor, at
//!    1,000 and at 100,000 assets of one organisation (inserted directly, in batches);
//!    p50 and p99 of `SAMPLES` requests each; the 1k figures are the baseline.
//!
//! Environment (all optional): ROUNDS=5 SAMPLES=300 ASSETS=100000 DATABASE_URL.

use std::time::{Duration, Instant};

use anyhow::Context as _;
use chrono::Utc;
use entity::{DbDecimal, asset, asset_list};
use reloop::config::Config;
use reloop::startup::Application;
use rust_decimal::Decimal;
use sea_orm::{EntityTrait, IntoActiveModel};
use serde_json::{Value, json};
use uuid::Uuid;

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

struct Client {
    http: reqwest::Client,
    base: String,
    token: String,
}

impl Client {
    async fn gql(&self, query: &str, variables: Value) -> anyhow::Result<Value> {
        let body: Value = self
            .http
            .post(format!("{}/graphql", self.base))
            .bearer_auth(&self.token)
            .json(&json!({"query": query, "variables": variables}))
            .send()
            .await?
            .json()
            .await?;
        if body.get("errors").is_some() {
            anyhow::bail!("GraphQL errors: {body}");
        }
        Ok(body)
    }
}

fn csv(lines: usize) -> String {
    let mut text = String::from("categoryCode,serialNumber,assetTag,condition,weightKg\n");
    for i in 0..lines {
        let category = ["LAPTOP", "TABLET", "DESKTOP", "MONITOR"][i % 4];
        text.push_str(&format!("{category},BN{i:08},TAG-{i:06},GOOD,\n"));
    }
    text
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index].as_secs_f64() * 1000.0
}

fn summary(mut samples: Vec<Duration>) -> (f64, f64, f64) {
    samples.sort();
    (
        percentile(&samples, 0.5),
        percentile(&samples, 0.99),
        percentile(&samples, 1.0),
    )
}

/// `count` assets of `organization` in lists of 2,000, inserted in batches.
async fn fill(
    db: &sea_orm::DatabaseConnection,
    organization: Uuid,
    count: usize,
) -> anyhow::Result<()> {
    let now = Utc::now();
    for list_start in (0..count).step_by(2000) {
        let lines = (count - list_start).min(2000);
        let list = asset_list::Model {
            id: Uuid::now_v7(),
            organization_id: Some(organization),
            owner_user_id: None,
            partner_id: None,
            name: None,
            line_count: lines as i32,
            created_at: now + chrono::Duration::milliseconds(list_start as i64),
        };
        asset_list::Entity::insert(list.clone().into_active_model())
            .exec_without_returning(db)
            .await?;
        let rows: Vec<asset::ActiveModel> = (0..lines)
            .map(|i| {
                asset::Model {
                    id: Uuid::now_v7(),
                    asset_list_id: list.id,
                    organization_id: Some(organization),
                    partner_id: None,
                    line_number: i as i32 + 2,
                    category_code: "LAPTOP".to_owned(),
                    device_model_id: None,
                    serial_number: Some(format!("FILL{}", list_start + i)),
                    asset_tag: Some(format!("F-{}", list_start + i)),
                    condition: Some("GOOD".to_owned()),
                    weight_kg: Some(DbDecimal(Decimal::new(21, 1))),
                    created_at: list.created_at,
                }
                .into_active_model()
            })
            .collect();
        for chunk in rows.chunks(200) {
            asset::Entity::insert_many(chunk.to_vec())
                .exec_without_returning(db)
                .await?;
        }
    }
    Ok(())
}

async fn business(http: &reqwest::Client, base: &str, name: &str) -> anyhow::Result<Client> {
    let email = format!("{}@bench.example", Uuid::new_v4().simple());
    let body: Value = http
        .post(format!("{base}/graphql"))
        .json(&json!({"query": "mutation($i: RegisterInput!) { register(input: $i) { accessToken } }",
            "variables": {"i": {"email": email, "password": "correct horse battery", "displayName": "Bench",
                "role": "BUSINESS", "organizationName": name}}}))
        .send()
        .await?
        .json()
        .await?;
    let token = body["data"]["register"]["accessToken"]
        .as_str()
        .with_context(|| format!("register: {body}"))?
        .to_owned();
    Ok(Client {
        http: http.clone(),
        base: base.to_owned(),
        token,
    })
}

const PAGE: &str = "query($after: String) { organizationAssets(first: 100, after: $after) { edges { cursor node { id assetTag orderNumber custodyStatus outcome certificateId } } pageInfo { hasNextPage } } }";

/// p50/p99/max (ms) of `samples` report pages: half first pages, half after a cursor taken
/// from across the list.
async fn report_latency(
    client: &Client,
    samples: usize,
    cursors: &[String],
) -> anyhow::Result<(f64, f64, f64)> {
    let mut times = Vec::with_capacity(samples);
    for i in 0..samples {
        let after = if i % 2 == 0 || cursors.is_empty() {
            Value::Null
        } else {
            json!(cursors[(i * 7919) % cursors.len()])
        };
        let start = Instant::now();
        client.gql(PAGE, json!({"after": after})).await?;
        times.push(start.elapsed());
    }
    Ok(summary(times))
}

/// Cursors from every 10th page of the client's report.
async fn cursors(client: &Client) -> anyhow::Result<Vec<String>> {
    let mut found = Vec::new();
    let mut after = Value::Null;
    let mut page = 0;
    loop {
        let body = client.gql(PAGE, json!({"after": after})).await?;
        let edges = body["data"]["organizationAssets"]["edges"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let Some(last) = edges.last() else { break };
        after = last["cursor"].clone();
        if page % 10 == 0 {
            found.push(after.as_str().unwrap_or_default().to_owned());
        }
        page += 1;
        if body["data"]["organizationAssets"]["pageInfo"]["hasNextPage"] != json!(true) {
            break;
        }
    }
    Ok(found)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let rounds: usize = env_or("ROUNDS", 5);
    let samples: usize = env_or("SAMPLES", 300);
    let assets: usize = env_or("ASSETS", 100_000);
    let data = tempfile_dir()?;
    let mut config = Config {
        bind: "127.0.0.1:0".to_owned(),
        data_dir: data.clone(),
        database_url: std::env::var("DATABASE_URL").ok(),
        ..Config::default()
    };
    config.quotes.user_per_minute = 100_000;
    config.users.rate_capacity = 1e9;
    config.users.rate_refill_per_sec = 1e9;
    let app = Application::build(config).await?;
    let base = format!("http://127.0.0.1:{}", app.port());
    let state = app.state().clone();
    tokio::spawn(app.run_until_stopped());
    let http = reqwest::Client::new();
    let owner = business(&http, &base, "Bench Imports Ltd").await?;

    let text = csv(2000);
    let items: Vec<Value> = (0..20)
        .map(|i| {
            let category = ["LAPTOP", "TABLET", "DESKTOP", "MONITOR"][i % 4];
            json!({"categoryCode": category, "condition": "GOOD"})
        })
        .collect();
    let (mut imports, mut quotes, mut baseline) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..rounds {
        let start = Instant::now();
        let answer: Value = http
            .post(format!("{base}/assets/import"))
            .bearer_auth(&owner.token)
            .body(text.clone())
            .send()
            .await?
            .json()
            .await?;
        imports.push(start.elapsed());
        let list = answer["assetList"]["id"]
            .as_str()
            .with_context(|| format!("import: {answer}"))?
            .to_owned();
        let start = Instant::now();
        owner
            .gql(
                "mutation($id: ID!) { requestAssetListQuote(assetListId: $id) { id total categoryTotals { categoryCode amount } } }",
                json!({"id": list}),
            )
            .await?;
        quotes.push(start.elapsed());
        let start = Instant::now();
        owner
            .gql(
                "mutation($i: QuoteInput!) { requestQuote(input: $i) { id total } }",
                json!({"i": {"items": items}}),
            )
            .await?;
        baseline.push(start.elapsed());
    }
    let (import_p50, _, import_max) = summary(imports);
    let (quote_p50, _, quote_max) = summary(quotes);
    let (base_p50, _, base_max) = summary(baseline);
    println!("backend: {:?}", state.db.get_database_backend());
    println!(
        "2,000-line import (POST /assets/import): median {import_p50:.1} ms, worst {import_max:.1} ms ({rounds} rounds)"
    );
    println!(
        "2,000-line quote (requestAssetListQuote): median {quote_p50:.1} ms, worst {quote_max:.1} ms"
    );
    println!("import + quote: median {:.1} ms", import_p50 + quote_p50);
    println!("baseline requestQuote, 20 items: median {base_p50:.1} ms, worst {base_max:.1} ms");
    println!(
        "per line: bulk {:.3} ms vs {:.3} ms per item of a 20-item quote (ratio {:.2})",
        quote_p50 / 2000.0,
        base_p50 / 20.0,
        (quote_p50 / 2000.0) / (base_p50 / 20.0)
    );

    let small = business(&http, &base, "Bench Small Ltd").await?;
    let large = business(&http, &base, "Bench Large Ltd").await?;
    for (client, count) in [(&small, 1000), (&large, assets)] {
        let me = client
            .gql("{ me { organization { id } } }", json!({}))
            .await?;
        let org: Uuid = me["data"]["me"]["organization"]["id"]
            .as_str()
            .context("organisation")?
            .parse()?;
        let start = Instant::now();
        fill(&state.db, org, count).await?;
        println!(
            "filled {count} assets in {:.1} s",
            start.elapsed().as_secs_f64()
        );
    }
    for (label, client) in [("1k assets (baseline)", &small), ("large", &large)] {
        let found = cursors(client).await?;
        let (p50, p99, max) = report_latency(client, samples, &found).await?;
        println!(
            "organizationAssets(first: 100), {label}: p50 {p50:.2} ms, p99 {p99:.2} ms, max {max:.2} ms ({samples} requests, {} cursors)",
            found.len()
        );
    }
    let start = Instant::now();
    let csv = http
        .get(format!("{base}/reports/assets.csv"))
        .bearer_auth(&large.token)
        .send()
        .await?
        .text()
        .await?;
    println!(
        "GET /reports/assets.csv at {assets} assets: {:.2} s, {} lines",
        start.elapsed().as_secs_f64(),
        csv.lines().count()
    );
    let _ = std::fs::remove_dir_all(&data);
    Ok(())
}

fn tempfile_dir() -> anyhow::Result<std::path::PathBuf> {
    let dir = std::env::temp_dir().join(format!("reloop-bench-assets-{}", Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}
