//! Reading a server's `/metrics` (in-process or a separate process alike), for the
//! gauges tests wait on.

/// The open-subscriptions gauge's name in `/metrics`.
const SUBSCRIPTIONS: &str = "reloop_graphql_subscriptions_active";

/// The `/metrics` text of the server at `address` (`http://127.0.0.1:PORT`).
pub async fn metrics_text(http: &reqwest::Client, address: &str) -> String {
    http.get(format!("{address}/metrics"))
        .send()
        .await
        .expect("GET /metrics")
        .text()
        .await
        .expect("the metrics text")
}

/// The open-subscriptions gauge for `field`, as written in `/metrics` (None before the
/// first subscription to it).
pub fn open_subscriptions_for(metrics: &str, field: &str) -> Option<String> {
    let prefix = format!("{SUBSCRIPTIONS}{{field=\"{field}\"}} ");
    metrics
        .lines()
        .find_map(|line| line.strip_prefix(&prefix).map(str::to_owned))
}

/// Subscriptions open now on the server at `address`, over every field: each counts once
/// its resolver listens to its events, so an event caused after the count went up
/// reaches it.
pub async fn open_subscriptions(http: &reqwest::Client, address: &str) -> i64 {
    metrics_text(http, address)
        .await
        .lines()
        .filter(|line| line.starts_with(SUBSCRIPTIONS))
        .filter_map(|line| line.rsplit_once(' ')?.1.parse::<f64>().ok())
        .map(|value| value as i64)
        .sum()
}
