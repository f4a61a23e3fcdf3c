//! GraphQL client jobs for the bench scripts (`scripts/lib/bench.sh` runs it as `bench_gql`).
//!
//! Talks to a running server through its public GraphQL API only; every request must answer
//! 200 without `errors`, anything else exits non-zero with the answer on stderr.
//!
//! ```sh
//! bench_gql body QUERY [--variables JSON]       # prints {"query": QUERY, "variables": …}
//! bench_gql register --url URL --email E        # prints "ACCESS_TOKEN USER_ID"
//! bench_gql quotes --url URL --token T --count N --out FILE
//!                                               # appends N one-LAPTOP quote ids to FILE
//! bench_gql book --url URL --token T --orders 20
//!                                               # books one pickup a day for the next 20 days
//! bench_gql list-latency --url URL --token T --requests N --warmup W
//!                                               # times N first pages of pickupOrders(first: 20),
//!                                               # prints "p50 p99 mean max req/s" (ms)
//! ```
//!
//! `scripts/bench.sh` and `scripts/bench-book.sh` use `body`, `register` and `quotes`;
//! `scripts/bench-order-list.sh` uses `register`, `book` and `list-latency`.

use std::io::Write as _;
use std::time::Instant;

use anyhow::{Context as _, bail, ensure};
use clap::{Parser, Subcommand};
use serde_json::{Value, json};

/// The password of every account the bench scripts create.
const PASSWORD: &str = "correct horse battery";
const QUOTE: &str = r#"mutation { requestQuote(input: {items: [{categoryCode: "LAPTOP", condition: GOOD}]}) { id status } }"#;
const LIST: &str = "{ pickupOrders(first: 20) { edges { cursor node { id number status estimatedPayout \
                    window { start end } } } pageInfo { hasNextPage endCursor } } }";

#[derive(Parser)]
#[command(about = "GraphQL client jobs for the bench scripts")]
struct Cli {
    #[command(subcommand)]
    job: Job,
}

#[derive(Subcommand)]
enum Job {
    /// Print a GraphQL request body for QUERY (and VARIABLES, a JSON object).
    Body {
        query: String,
        #[arg(long)]
        variables: Option<String>,
    },
    /// Register an account; print its access token and user id.
    Register {
        #[arg(long)]
        url: String,
        #[arg(long)]
        email: String,
        #[arg(long, default_value = "HOUSEHOLD")]
        role: String,
        #[arg(long, default_value = "Bench")]
        display_name: String,
    },
    /// Request COUNT one-LAPTOP quotes as TOKEN (WORKERS connections), append their ids to OUT.
    Quotes {
        #[arg(long)]
        url: String,
        #[arg(long)]
        token: String,
        #[arg(long)]
        count: usize,
        #[arg(long)]
        out: std::path::PathBuf,
        #[arg(long, default_value_t = 3)]
        workers: usize,
    },
    /// Book ORDERS pickups as TOKEN, one per day from tomorrow (02:00–04:00Z), and check the
    /// first page of pickupOrders then holds 20.
    Book {
        #[arg(long)]
        url: String,
        #[arg(long)]
        token: String,
        #[arg(long, default_value_t = 20)]
        orders: u64,
    },
    /// Time REQUESTS sequential first pages of pickupOrders(first: 20) after WARMUP untimed ones.
    ListLatency {
        #[arg(long)]
        url: String,
        #[arg(long)]
        token: String,
        #[arg(long)]
        requests: usize,
        #[arg(long)]
        warmup: usize,
    },
}

/// One keep-alive connection pool to the GraphQL endpoint.
#[derive(Clone)]
struct Gql {
    http: reqwest::Client,
    url: String,
}

impl Gql {
    fn new(url: &str) -> anyhow::Result<Self> {
        let base = url.trim_end_matches('/').trim_end_matches("/graphql");
        Ok(Self {
            http: reqwest::Client::builder().tcp_nodelay(true).build()?,
            url: format!("{base}/graphql"),
        })
    }

    /// Posts a request body; a transport error, non-200 or `errors` fails. Returns `data`.
    async fn post(&self, body: &Value, token: Option<&str>) -> anyhow::Result<Value> {
        let mut request = self.http.post(&self.url).json(body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.context("GraphQL request")?;
        let status = response.status();
        let text = response.text().await.context("GraphQL response body")?;
        if status != reqwest::StatusCode::OK || text.contains("\"errors\"") {
            bail!(
                "HTTP {status}: {}",
                text.chars().take(400).collect::<String>()
            );
        }
        let mut answer: Value = serde_json::from_str(&text).context("GraphQL response JSON")?;
        Ok(answer["data"].take())
    }
}

fn text<'a>(value: &'a Value, what: &str) -> anyhow::Result<&'a str> {
    value
        .as_str()
        .with_context(|| format!("no {what} in the answer"))
}

async fn register(
    gql: &Gql,
    email: &str,
    role: &str,
    display_name: &str,
) -> anyhow::Result<(String, String)> {
    let data = gql
        .post(
            &json!({
                "query": "mutation($i: RegisterInput!) { register(input: $i) { accessToken user { id } } }",
                "variables": {"i": {"email": email, "password": PASSWORD,
                                    "displayName": display_name, "role": role}},
            }),
            None,
        )
        .await
        .context("register")?;
    let token = text(&data["register"]["accessToken"], "access token")?;
    let user = text(&data["register"]["user"]["id"], "user id")?;
    Ok((token.to_owned(), user.to_owned()))
}

/// Requests `count` quotes over `workers` connections; worker w takes w, w + workers, …
async fn quotes(
    gql: &Gql,
    token: &str,
    count: usize,
    out: &std::path::Path,
    workers: usize,
) -> anyhow::Result<()> {
    let started = Instant::now();
    let workers = workers.max(1);
    let mut tasks = Vec::new();
    for w in 0..workers {
        let gql = Gql::new(&gql.url)?;
        let token = token.to_owned();
        tasks.push(tokio::spawn(async move {
            let mut ids = Vec::new();
            for _ in (w..count).step_by(workers) {
                let data = gql.post(&json!({"query": QUOTE}), Some(&token)).await?;
                let quote = &data["requestQuote"];
                ensure!(quote["status"] == "ACTIVE", "quote not ACTIVE: {quote}");
                ids.push(text(&quote["id"], "quote id")?.to_owned());
            }
            anyhow::Ok(ids)
        }));
    }
    let mut lines = String::new();
    for task in tasks {
        for id in task.await?.context("quote request failed")? {
            lines.push_str(&id);
            lines.push('\n');
        }
    }
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(out)
        .and_then(|mut f| f.write_all(lines.as_bytes()))
        .with_context(|| format!("writing {}", out.display()))?;
    eprintln!("{count} quotes in {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}

async fn book(gql: &Gql, token: &str, orders: u64) -> anyhow::Result<()> {
    let today = chrono::Utc::now().date_naive();
    let query = "mutation B($q: ID!, $s: DateTime!, $e: DateTime!) { bookPickup(input: {quoteId: $q, \
                 address: {line1: \"1 Nanjing Road\", city: \"Shanghai\", location: {latitude: 31.23, longitude: 121.47}}, \
                 window: {start: $s, end: $e}, contactName: \"Household\", contactPhone: \"+8613800138000\"}) { id } }";
    for k in 1..=orders {
        let data = gql
            .post(&json!({"query": QUOTE}), Some(token))
            .await
            .context("requestQuote")?;
        let quote = text(&data["requestQuote"]["id"], "quote id")?;
        let day = (today + chrono::Days::new(k)).format("%Y-%m-%d");
        gql.post(
            &json!({"query": query, "variables": {
                "q": quote, "s": format!("{day}T02:00:00Z"), "e": format!("{day}T04:00:00Z")}}),
            Some(token),
        )
        .await
        .context("bookPickup")?;
    }
    let page = gql.post(&json!({"query": LIST}), Some(token)).await?;
    let edges = page["pickupOrders"]["edges"].as_array().map_or(0, Vec::len);
    ensure!(
        edges == 20.min(orders as usize),
        "first page has {edges} orders: {page}"
    );
    Ok(())
}

/// `sorted[min(n - 1, floor(p × n))]`, the quantile the order-list figures always used.
fn quantile(sorted: &[f64], p: f64) -> f64 {
    sorted[((p * sorted.len() as f64) as usize).min(sorted.len() - 1)]
}

async fn list_latency(
    gql: &Gql,
    token: &str,
    requests: usize,
    warmup: usize,
) -> anyhow::Result<()> {
    ensure!(requests > 0, "--requests must be at least 1");
    let body = json!({"query": LIST});
    let mut latencies = Vec::with_capacity(requests);
    for i in 0..warmup + requests {
        let t0 = Instant::now();
        let page = gql.post(&body, Some(token)).await?;
        let elapsed = t0.elapsed().as_secs_f64() * 1e3;
        let page = &page["pickupOrders"];
        let edges = page["edges"].as_array().map_or(0, Vec::len);
        let more = &page["pageInfo"]["hasNextPage"];
        ensure!(
            edges == 20 && *more == json!(false),
            "unexpected page: {edges} edges, hasNextPage {more}"
        );
        if i >= warmup {
            latencies.push(elapsed);
        }
    }
    latencies.sort_by(f64::total_cmp);
    let total: f64 = latencies.iter().sum();
    println!(
        "{:.3} {:.3} {:.3} {:.3} {:.0}",
        quantile(&latencies, 0.50),
        quantile(&latencies, 0.99),
        total / latencies.len() as f64,
        latencies[latencies.len() - 1],
        requests as f64 / (total / 1e3),
    );
    Ok(())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    match Cli::parse().job {
        Job::Body { query, variables } => {
            let mut body = json!({"query": query});
            if let Some(variables) = variables {
                body["variables"] = serde_json::from_str(&variables).context("--variables")?;
            }
            print!("{body}");
        }
        Job::Register {
            url,
            email,
            role,
            display_name,
        } => {
            let (token, user) = register(&Gql::new(&url)?, &email, &role, &display_name).await?;
            println!("{token} {user}");
        }
        Job::Quotes {
            url,
            token,
            count,
            out,
            workers,
        } => quotes(&Gql::new(&url)?, &token, count, &out, workers).await?,
        Job::Book { url, token, orders } => book(&Gql::new(&url)?, &token, orders).await?,
        Job::ListLatency {
            url,
            token,
            requests,
            warmup,
        } => list_latency(&Gql::new(&url)?, &token, requests, warmup).await?,
    }
    Ok(())
}
