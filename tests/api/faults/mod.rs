//! Faults through real server processes: PostgreSQL refusing or black-holing connections
//! (through a [`proxy::TcpProxy`] in front of it), Redis frozen or restarted empty (a
//! [`redis_server::PrivateRedis`]). Each test prints its figures (errors seen, the slowest
//! failing request, the time to recover) with `eprintln!`, for the closing notes. They need
//! PostgreSQL and Redis (the postgres pass of `scripts/test.sh`) and skip otherwise.

mod load;
mod postgres;
mod proxy;
mod redis_down;
mod redis_restart;
mod redis_server;
mod redis_start;
mod redis_subscribe;

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::helpers::Answer;
use crate::procs::Server;

/// The suite's PostgreSQL admin URL and Redis URL; None (and a line saying the test was
/// skipped) when the run lacks either.
pub fn backends_or_skip() -> Option<(String, String)> {
    let backends = crate::procs::postgres_and_redis();
    if backends.is_none() {
        eprintln!(
            "skipped: needs RELOOP_TEST_DATABASE_URL and RELOOP_TEST_REDIS_URL (faults of real servers)"
        );
    }
    backends
}

/// How one request went.
#[derive(Clone, Debug)]
pub struct Sample {
    /// What was asked: `quote`, `book`, `ready` or `health`.
    pub kind: &'static str,
    /// When it was sent (a monotonic instant, to compare with when a fault began).
    pub sent: Instant,
    /// How long the answer took.
    pub elapsed: Duration,
    /// The HTTP status, 0 when no answer came.
    pub status: u16,
    /// `extensions.code` of the first error, `ok` without errors.
    pub code: String,
    /// The `Retry-After` header, if any.
    pub retry_after: Option<String>,
    /// The body.
    pub body: Value,
}

impl Sample {
    /// Whether it succeeded (no GraphQL error, 2xx).
    pub fn ok(&self) -> bool {
        self.code == "ok" && (200..300).contains(&self.status)
    }
}

/// Who a request runs as.
#[derive(Clone, Copy, Debug)]
pub enum As<'a> {
    /// A signed-in user: `Authorization: Bearer <token>`.
    User(&'a str),
    /// A partner: `X-Api-Key: <secret>`.
    Key(&'a str),
}

/// Posts a GraphQL request with `Accept: application/graphql-response+json` (so the status
/// says what happened) and times it.
pub async fn timed_gql(
    server: &Server,
    kind: &'static str,
    who: As<'_>,
    query: &str,
    variables: Value,
) -> Sample {
    let request = server
        .http
        .post(format!("{}/graphql", server.address))
        .timeout(Duration::from_secs(30))
        .header("accept", "application/graphql-response+json")
        .json(&json!({"query": query, "variables": variables}));
    let request = match who {
        As::User(token) => request.bearer_auth(token),
        As::Key(secret) => request.header("X-Api-Key", secret),
    };
    let started = Instant::now();
    let (status, retry_after, body) = read_answer(request.send().await).await;
    let code = match body["errors"][0]["extensions"]["code"].as_str() {
        Some(code) => code.to_owned(),
        None if body["errors"].is_array() => "NO_CODE".to_owned(),
        None if status == 0 => "NO_ANSWER".to_owned(),
        None => "ok".to_owned(),
    };
    Sample {
        kind,
        sent: started,
        elapsed: started.elapsed(),
        status,
        code,
        retry_after,
        body,
    }
}

/// The status (0 when no answer came), the `Retry-After` header and the JSON body of an
/// answer.
async fn read_answer(
    response: Result<reqwest::Response, reqwest::Error>,
) -> (u16, Option<String>, Value) {
    match response {
        Ok(response) => {
            let answer = Answer::read(response).await;
            (answer.status, answer.retry_after, answer.body)
        }
        Err(err) => (0, None, json!({"transport": err.to_string()})),
    }
}

/// `GET path`, timed.
pub async fn timed_get(server: &Server, kind: &'static str, path: &str) -> Sample {
    let started = Instant::now();
    let response = server
        .http
        .get(format!("{}{path}", server.address))
        .timeout(Duration::from_secs(30))
        .send()
        .await;
    let (status, retry_after, body) = read_answer(response).await;
    let code = if (200..300).contains(&status) {
        "ok"
    } else {
        "HTTP_ERROR"
    };
    Sample {
        kind,
        sent: started,
        elapsed: started.elapsed(),
        status,
        code: code.to_owned(),
        retry_after,
        body,
    }
}

/// The slowest of `samples` of `kind`, in seconds.
pub fn slowest(samples: &[Sample], kind: &str) -> f64 {
    samples
        .iter()
        .filter(|s| s.kind == kind)
        .map(|s| s.elapsed.as_secs_f64())
        .fold(0.0, f64::max)
}

/// `CODE×n` for each code among `samples`, for the figures.
pub fn tally(samples: &[Sample]) -> String {
    let mut counts = std::collections::BTreeMap::<String, usize>::new();
    for sample in samples {
        *counts
            .entry(format!("{}:{}/{}", sample.kind, sample.status, sample.code))
            .or_default() += 1;
    }
    counts
        .iter()
        .map(|(what, n)| format!("{what}×{n}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Polls `attempt` until it succeeds and returns how long that took.
pub async fn time_to_recover<F, Fut>(what: &str, within: Duration, mut attempt: F) -> Duration
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let started = Instant::now();
    crate::helpers::eventually(within, what, || {
        let fut = attempt();
        async move { fut.await.then_some(()) }
    })
    .await;
    started.elapsed()
}
