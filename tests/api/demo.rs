//! `reloop demo` as a real process on a fresh database: its people book, collect, hand over
//! and process through the API until an order is COMPLETED and certified (every item
//! PROCESSED); Ctrl-C (SIGINT) then stops it cleanly, and its log has no error.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use serde_json::{Value, json};
use tokio::process::Child;

use crate::helpers::{LOGIN, eventually};
use crate::procs::{Deployment, free_port};

/// The demo's operator (see `reloop::demo::cast`), with the demo password.
const OPERATOR: &str = "demo.operator@example.com";
const PASSWORD: &str = "reloop demo password";
/// Orders that went the whole way: completed, and certified once their items were processed.
const CERTIFIED: &str = "{ pickupOrders(status: COMPLETED, first: 10) {
    edges { node { number certificate { id } custodyItems { status } } } } }";

/// A running demo: the process, where it listens and its log.
struct Demo {
    process: Child,
    address: String,
    log: PathBuf,
    http: reqwest::Client,
}

impl Demo {
    /// `reloop demo` in a hurry: many bookings, fast travel, every pickup handed over.
    async fn start(data_dir: &Path) -> Self {
        let deployment = Deployment::from_env(vec![]).await;
        let port = free_port();
        let log = data_dir.join("demo.log");
        let file = std::fs::File::create(&log).expect("log");
        let process = deployment
            .command_for(env!("CARGO_BIN_EXE_reloop"), data_dir)
            .args(["demo", "--seed", "7", "--collectors", "5"])
            .args(["--bookings-per-minute", "40", "--speed", "120"])
            .args(["--handover-every", "1"])
            .env("RELOOP_BIND", format!("127.0.0.1:{port}"))
            .env("RUST_LOG", "warn,reloop::demo=info")
            .stdin(Stdio::null())
            .stdout(file.try_clone().expect("log"))
            .stderr(file)
            .spawn()
            .expect("start reloop demo");
        Self {
            process,
            address: format!("http://127.0.0.1:{port}"),
            log,
            http: reqwest::Client::new(),
        }
    }

    fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Posts a GraphQL request; None when the demo's server does not answer (yet). Fails
    /// at once, with the log, if the demo has exited.
    fn gql(
        &mut self,
        token: Option<&str>,
        query: &str,
        variables: Value,
    ) -> impl Future<Output = Option<Value>> + use<> {
        let exited = self.process.try_wait().ok().flatten();
        let log = self.log_text();
        let mut request = self
            .http
            .post(format!("{}/graphql", self.address))
            .json(&json!({"query": query, "variables": variables}));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        async move {
            assert!(exited.is_none(), "the demo exited ({exited:?}):\n{log}");
            request.send().await.ok()?.json().await.ok()
        }
    }

    /// Sends SIGINT, as Ctrl-C does, and returns the log once the process has exited
    /// successfully.
    async fn interrupt(mut self) -> String {
        let pid = self.process.id().expect("running");
        let sent = std::process::Command::new("kill")
            .args(["-INT", &pid.to_string()])
            .status()
            .expect("kill -INT");
        assert!(sent.success());
        let exit = tokio::time::timeout(Duration::from_secs(30), self.process.wait()).await;
        let log = self.log_text();
        let exit = exit
            .unwrap_or_else(|_| panic!("the demo did not stop within 30 s of Ctrl-C:\n{log}"))
            .expect("exit status");
        assert!(exit.success(), "{exit}:\n{log}");
        log
    }
}

#[tokio::test]
async fn the_demo_takes_orders_to_certificates_and_stops_cleanly_on_ctrl_c() {
    let data_dir = tempfile::tempdir().expect("temp dir");
    let mut demo = Demo::start(data_dir.path()).await;
    let credentials = json!({"email": OPERATOR, "password": PASSWORD});
    let token = eventually(
        Duration::from_secs(60),
        "the demo's operator to sign in",
        || {
            let login = demo.gql(None, LOGIN, credentials.clone());
            async move {
                let answer = login.await?;
                answer["data"]["login"]["accessToken"]
                    .as_str()
                    .map(str::to_owned)
            }
        },
    )
    .await;
    let certified = eventually(
        Duration::from_secs(150),
        "an order completed, processed and certified",
        || {
            let listed = demo.gql(Some(&token), CERTIFIED, json!({}));
            async move {
                let answer = listed.await?;
                let orders = answer["data"]["pickupOrders"]["edges"].as_array()?.clone();
                orders
                    .into_iter()
                    .map(|edge| edge["node"].clone())
                    .find(|order| order["certificate"].is_object())
            }
        },
    )
    .await;
    let items = certified["custodyItems"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(
        !items.is_empty() && items.iter().all(|i| i["status"] == "PROCESSED"),
        "{certified}"
    );
    let log = demo.interrupt().await;
    assert!(!log.contains("ERROR"), "an error in the demo's log:\n{log}");
    for expected in [OPERATOR, "/graphql", "completed RL-", "reloop demo stopped"] {
        assert!(
            log.contains(expected),
            "no {expected:?} in the demo's output:\n{log}"
        );
    }
}
