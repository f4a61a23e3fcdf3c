//! At least once across a crash: a partner's order changes status (the event and its
//! delivery are committed with the change) while the receiver is down, the server is
//! killed with SIGKILL, a new process starts on the same database, the receiver comes
//! up, and the event arrives with the `webhook-id` recorded before the kill. Runs on
//! PostgreSQL (+ Redis) when the run has them, else on a SQLite file in the data folder.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use sea_orm::{ConnectionTrait, Database};
use serde_json::{Value, json};
use tokio::process::{Child, Command};
use uuid::Uuid;

use super::fixtures::{
    ALL_SCOPES, ISSUE_KEY, QUOTE, Receiver, booking_input, closed_port, eventually,
};
use crate::helpers::{LOGIN, PASSWORD, TEST_JWT_SECRET};

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// Creates an empty database next to the one in `admin_url` and returns its URL.
async fn fresh_postgres_database(admin_url: &str) -> String {
    let name = format!("reloop_test_{}", Uuid::new_v4().simple());
    let admin = Database::connect(admin_url)
        .await
        .expect("connect to PostgreSQL");
    admin
        .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
        .await
        .expect("create the test database");
    admin.close().await.ok();
    let (base, _) = admin_url
        .rsplit_once('/')
        .expect("a database URL has a path");
    format!("{base}/{name}")
}

/// What every process of the deployment shares.
struct Deployment {
    database_url: Option<String>,
    redis_url: Option<String>,
    redis_prefix: String,
}

impl Deployment {
    async fn new() -> Self {
        let database_url = match env("RELOOP_TEST_DATABASE_URL") {
            Some(admin) => Some(fresh_postgres_database(&admin).await),
            None => None,
        };
        Self {
            database_url,
            redis_url: env("RELOOP_TEST_REDIS_URL"),
            redis_prefix: format!("test:{}:", Uuid::new_v4().simple()),
        }
    }

    fn command(&self, data_dir: &Path) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_reloop"));
        command
            .env_remove("DATABASE_URL")
            .env_remove("REDIS_URL")
            .env("RELOOP_DATA_DIR", data_dir)
            .env("RELOOP_JWT_SECRET", TEST_JWT_SECRET)
            .env("RELOOP_REDIS_PREFIX", &self.redis_prefix)
            .env("RELOOP_WEBHOOK_ALLOW_PRIVATE", "true")
            .env("RELOOP_WEBHOOK_RETRY_BASE_MS", "100")
            .env("RELOOP_WORKERS", "2")
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .kill_on_drop(true);
        if let Some(url) = &self.database_url {
            command.env("DATABASE_URL", url);
        }
        if let Some(url) = &self.redis_url {
            command.env("REDIS_URL", url);
        }
        command
    }

    /// `reloop create-operator`; returns the email.
    async fn create_operator(&self, data_dir: &Path) -> String {
        let email = format!("ops-{}@example.com", Uuid::new_v4().simple());
        let output = self
            .command(data_dir)
            .args(["create-operator", "--email", &email, "--password", PASSWORD])
            .output()
            .await
            .expect("run create-operator");
        assert!(
            output.status.success(),
            "create-operator: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        email
    }

    /// `reloop serve` on a free port; waits until `/health` answers.
    async fn start(&self, data_dir: &Path) -> Server {
        let port = closed_port();
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(data_dir.join("server.log"))
            .expect("log file");
        let child = self
            .command(data_dir)
            .arg("serve")
            .env("RELOOP_BIND", format!("127.0.0.1:{port}"))
            .stdout(log.try_clone().expect("log file"))
            .stderr(log)
            .spawn()
            .expect("start reloop");
        let server = Server {
            child,
            address: format!("http://127.0.0.1:{port}"),
            http: reqwest::Client::builder()
                .pool_idle_timeout(Duration::from_secs(1))
                .timeout(Duration::from_secs(30))
                .build()
                .expect("client"),
        };
        eventually(Duration::from_secs(60), "reloop to start", || async {
            server
                .http
                .get(format!("{}/health", server.address))
                .send()
                .await
                .is_ok_and(|r| r.status().is_success())
                .then_some(())
        })
        .await;
        server
    }
}

/// A running `reloop serve` (killed when dropped).
struct Server {
    child: Child,
    address: String,
    http: reqwest::Client,
}

impl Server {
    async fn gql(&self, auth: Auth<'_>, query: &str, variables: Value) -> Value {
        let mut request = self
            .http
            .post(format!("{}/graphql", self.address))
            .json(&json!({"query": query, "variables": variables}));
        request = match auth {
            Auth::None => request,
            Auth::Bearer(token) => request.bearer_auth(token),
            Auth::Key(key) => request.header("X-Api-Key", key),
        };
        let response = request.send().await.expect("the server answers");
        assert!(response.status().is_success(), "HTTP {}", response.status());
        response.json().await.expect("JSON")
    }

    /// SIGKILL, and wait until the process is gone.
    async fn kill(&mut self) {
        self.child.kill().await.expect("kill -9 reloop");
    }
}

enum Auth<'a> {
    None,
    Bearer(&'a str),
    Key(&'a str),
}

const DELIVERIES: &str =
    "{ webhookDeliveries(first: 10) { nodes { id messageId status attempts } } }";

#[tokio::test]
async fn an_event_committed_before_a_kill_is_delivered_by_the_next_process() {
    let data_dir = tempfile::tempdir().expect("temp dir");
    let deployment = Deployment::new().await;
    let email = deployment.create_operator(data_dir.path()).await;
    let mut first = deployment.start(data_dir.path()).await;

    let login = first
        .gql(
            Auth::None,
            LOGIN,
            json!({"email": email, "password": PASSWORD}),
        )
        .await;
    let token = login["data"]["login"]["accessToken"]
        .as_str()
        .unwrap_or_else(|| panic!("login: {login}"))
        .to_owned();
    let created = first
        .gql(
            Auth::Bearer(&token),
            "mutation { createPartner(name: \"Crash Partner\") { id } }",
            json!({}),
        )
        .await;
    let partner_id = created["data"]["createPartner"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("createPartner: {created}"))
        .to_owned();
    let issued = first
        .gql(
            Auth::Bearer(&token),
            ISSUE_KEY,
            json!({"p": partner_id, "n": "crash", "s": ALL_SCOPES}),
        )
        .await;
    let key = issued["data"]["issueApiKey"]["secret"]
        .as_str()
        .unwrap_or_else(|| panic!("issueApiKey: {issued}"))
        .to_owned();

    // The receiver is down: nothing listens on its port yet.
    let receiver_port = closed_port();
    let registered = first
        .gql(
            Auth::Key(&key),
            "mutation($u: String!) { registerWebhook(url: $u, events: [ORDER_STATUS_CHANGED]) { signingSecret } }",
            json!({"u": format!("http://127.0.0.1:{receiver_port}/hooks")}),
        )
        .await;
    let secret = registered["data"]["registerWebhook"]["signingSecret"]
        .as_str()
        .unwrap_or_else(|| panic!("registerWebhook: {registered}"))
        .to_owned();

    let quote = first.gql(Auth::Key(&key), QUOTE, json!({})).await;
    let quote_id = quote["data"]["requestQuote"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("quote: {quote}"))
        .to_owned();
    let booked = first
        .gql(
            Auth::Key(&key),
            "mutation($input: BookPickupInput!) { bookPickup(input: $input) { id status } }",
            json!({"input": booking_input(&quote_id, 2, "CRASH-1")}),
        )
        .await;
    let order_id = booked["data"]["bookPickup"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("bookPickup: {booked}"))
        .to_owned();
    // The change committed its event and delivery; note the webhook-id, then crash.
    let before = first.gql(Auth::Key(&key), DELIVERIES, json!({})).await;
    let nodes = before["data"]["webhookDeliveries"]["nodes"]
        .as_array()
        .unwrap_or_else(|| panic!("webhookDeliveries: {before}"))
        .clone();
    assert_eq!(nodes.len(), 1, "{before}");
    assert_ne!(nodes[0]["status"], "DELIVERED", "{before}");
    let message_id = nodes[0]["messageId"]
        .as_str()
        .expect("messageId")
        .to_owned();
    first.kill().await;

    let second = deployment.start(data_dir.path()).await;
    let receiver = Receiver::start_on(receiver_port, &[]).await;
    // A send cut off by the kill leaves a lease (timeout + 15 s) to run out first.
    let arrived = eventually(
        Duration::from_secs(90),
        "the event after the restart",
        || {
            let found = receiver.received().into_iter().find(|r| r.id == message_id);
            async move { found }
        },
    )
    .await;
    assert!(arrived.verifies(&secret), "{arrived:?}");
    let body = arrived.json();
    assert_eq!(body["data"]["orderId"], order_id.as_str(), "{body}");
    assert_eq!(body["data"]["toStatus"], "DISPATCHING", "{body}");

    let after = eventually(
        Duration::from_secs(30),
        "the delivery DELIVERED",
        || async {
            let response = second.gql(Auth::Key(&key), DELIVERIES, json!({})).await;
            let nodes = response["data"]["webhookDeliveries"]["nodes"].clone();
            (nodes[0]["status"] == "DELIVERED").then_some(nodes)
        },
    )
    .await;
    assert_eq!(after.as_array().map(Vec::len), Some(1), "{after}");
    assert_eq!(after[0]["messageId"], arrived.id.as_str());
    drop(second);
}
