//! Real `reloop` server processes for the multi-instance and crash tests (dispatch and
//! partners), with a GraphQL client over HTTP; their sockets are the suite's one
//! [`WsClient`].

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use serde_json::{Value, json};
use tokio::process::{Child, Command};
use uuid::Uuid;

use crate::fixtures::{LIGHT_ITEMS, booking_input};
pub use crate::helpers::fresh_postgres_database;
use crate::helpers::{
    Account, PASSWORD, REGISTER, TEST_JWT_SECRET, WsClient, account_from, env, eventually,
};

/// The PostgreSQL admin URL and the Redis URL, when this run has both.
pub fn postgres_and_redis() -> Option<(String, String)> {
    Some((
        env("RELOOP_TEST_DATABASE_URL")?,
        env("RELOOP_TEST_REDIS_URL")?,
    ))
}

/// A port free on 127.0.0.1 right now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// The settings every process of one deployment shares.
#[derive(Clone, Debug)]
pub struct Deployment {
    /// `DATABASE_URL`, None for the SQLite file in the data folder.
    pub database_url: Option<String>,
    /// `REDIS_URL`, None for in-process adapters.
    pub redis_url: Option<String>,
    /// `RELOOP_REDIS_PREFIX`, unique per deployment.
    pub redis_prefix: String,
    /// Further `RELOOP_*` settings.
    pub extra: Vec<(&'static str, String)>,
}

impl Deployment {
    /// The suite's backends (a fresh PostgreSQL database and Redis when the run has them,
    /// else a SQLite file in each data folder) with `extra` settings.
    pub async fn from_env(extra: Vec<(&'static str, String)>) -> Self {
        let database_url = match env("RELOOP_TEST_DATABASE_URL") {
            Some(admin) => Some(fresh_postgres_database(&admin).await),
            None => None,
        };
        Self::new(database_url, env("RELOOP_TEST_REDIS_URL"), extra)
    }

    /// A deployment on these backends, with a Redis prefix of its own.
    pub fn new(
        database_url: Option<String>,
        redis_url: Option<String>,
        extra: Vec<(&'static str, String)>,
    ) -> Self {
        Self {
            database_url,
            redis_url,
            redis_prefix: format!("test:{}:", Uuid::new_v4().simple()),
            extra,
        }
    }

    /// The URL of the database the processes use, SQLite's file in `data_dir` when no
    /// `DATABASE_URL` is set (for reading it directly).
    pub fn database_url_in(&self, data_dir: &Path) -> String {
        self.database_url
            .clone()
            .unwrap_or_else(|| format!("sqlite://{}?mode=rw", data_dir.join("reloop.db").display()))
    }

    fn command(&self, data_dir: &Path) -> Command {
        self.command_for(env!("CARGO_BIN_EXE_reloop"), data_dir)
    }

    /// `program` with this deployment's environment: what a shell at the server's side
    /// sees (the documentation examples run `bash` so, for `reloop create-operator`).
    pub fn command_for(&self, program: &str, data_dir: &Path) -> Command {
        let mut command = Command::new(program);
        command
            .env_remove("DATABASE_URL")
            .env_remove("REDIS_URL")
            .env("RELOOP_DATA_DIR", data_dir)
            .env("RELOOP_JWT_SECRET", TEST_JWT_SECRET)
            .env("RELOOP_REDIS_PREFIX", &self.redis_prefix)
            .env("RELOOP_WORKERS", "2")
            // See spawn_app; the fault tests set the production default back in `extra`.
            .env("RELOOP_REDIS_TIMEOUT_MS", "2000")
            .env("RUST_LOG", "warn")
            .kill_on_drop(true);
        if let Some(url) = &self.database_url {
            command.env("DATABASE_URL", url);
        }
        if let Some(url) = &self.redis_url {
            command.env("REDIS_URL", url);
        }
        for (name, value) in &self.extra {
            command.env(name, value);
        }
        command
    }

    /// Starts `reloop serve` with its data in `data_dir`; waits until `/health` answers,
    /// failing at once if the process exits instead.
    pub async fn start(&self, data_dir: &Path) -> Server {
        let port = free_port();
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(data_dir.join("server.log"))
            .expect("log file");
        let mut child = self
            .command(data_dir)
            .arg("serve")
            .env("RELOOP_BIND", format!("127.0.0.1:{port}"))
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("log file"))
            .stderr(log)
            .spawn()
            .expect("start reloop");
        let address = format!("http://127.0.0.1:{port}");
        let http = reqwest::Client::builder()
            .pool_idle_timeout(Duration::from_secs(1))
            .build()
            .expect("client");
        let log = data_dir.join("server.log");
        let what = format!("reloop to answer /health (see {})", log.display());
        eventually(Duration::from_secs(60), &what, || {
            let exited = child.try_wait().ok().flatten();
            let health = http.get(format!("{address}/health")).send();
            let log = &log;
            async move {
                if let Some(status) = exited {
                    let output = std::fs::read_to_string(log).unwrap_or_default();
                    panic!("reloop exited at start-up ({status}):\n{output}");
                }
                let up = health.await.is_ok_and(|r| r.status().is_success());
                up.then_some(())
            }
        })
        .await;
        Server {
            child,
            address,
            http,
        }
    }

    /// Runs `reloop create-operator` and returns the email (password [`PASSWORD`]).
    pub async fn create_operator(&self, data_dir: &Path) -> String {
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
}

/// One running server process (killed when dropped).
pub struct Server {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub address: String,
    /// The HTTP client.
    pub http: reqwest::Client,
}

impl Server {
    /// The process id (None once it has been reaped).
    pub fn pid(&self) -> Option<u32> {
        self.child.id()
    }

    /// SIGKILL, and wait for the process to be gone.
    pub async fn kill(&mut self) {
        self.child.start_kill().ok();
        self.child.wait().await.ok();
    }

    /// Posts a GraphQL request; returns the HTTP status and the body (Err when the
    /// server did not answer).
    pub async fn try_gql(
        &self,
        token: Option<&str>,
        query: &str,
        variables: Value,
    ) -> Result<(u16, Value), reqwest::Error> {
        let mut request = self
            .http
            .post(format!("{}/graphql", self.address))
            .timeout(Duration::from_secs(30))
            .json(&json!({"query": query, "variables": variables}));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await?;
        let status = response.status().as_u16();
        let body = response.json().await?;
        Ok((status, body))
    }

    /// Posts a GraphQL request with `X-Api-Key: key` that must get an answer.
    pub async fn gql_with_key(&self, key: &str, query: &str, variables: Value) -> Value {
        let response = self
            .http
            .post(format!("{}/graphql", self.address))
            .timeout(Duration::from_secs(30))
            .header("X-Api-Key", key)
            .json(&json!({"query": query, "variables": variables}))
            .send()
            .await
            .expect("the server answers");
        assert!(
            response.status().as_u16() < 500,
            "HTTP {}",
            response.status()
        );
        response.json().await.expect("JSON")
    }

    /// Posts a GraphQL request that must get an answer; returns the body.
    pub async fn gql(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        let (status, body) = self
            .try_gql(token, query, variables)
            .await
            .expect("the server answers");
        assert!(status < 500, "HTTP {status}: {body}");
        body
    }

    /// Posts a GraphQL request that must answer a string at `data.<path>`; returns it.
    pub async fn gql_text(
        &self,
        token: Option<&str>,
        query: &str,
        variables: Value,
        path: &[&str],
    ) -> String {
        let body = self.gql(token, query, variables).await;
        text_at(&body, path)
    }

    /// Registers a user with `role`.
    pub async fn register(&self, role: &str) -> Account {
        let email = format!("{}@example.com", Uuid::new_v4().simple());
        let input =
            json!({"email": email, "password": PASSWORD, "displayName": "Test User", "role": role});
        let response = self.gql(None, REGISTER, json!({"input": input})).await;
        account_from(&response["data"]["register"], &email)
            .unwrap_or_else(|| panic!("register failed: {response}"))
    }

    /// A new collector with the full profile, verified by `operator`: its account and
    /// collector profile id.
    pub async fn verified_collector(&self, operator: &Account) -> (Account, String) {
        let collector = self.register("COLLECTOR").await;
        let id = self
            .gql_text(
                Some(&collector.access),
                &crate::fixtures::profile_mutation(&crate::fixtures::FULL),
                json!({}),
                &["updateCollectorProfile", "id"],
            )
            .await;
        let verified = self
            .gql(
                Some(&operator.access),
                crate::fixtures::VERIFY_COLLECTOR,
                json!({"id": id}),
            )
            .await;
        assert_eq!(
            verified["data"]["verifyCollector"]["verified"], true,
            "{verified}"
        );
        (collector, id)
    }

    /// Puts `collector` online at `point` (latitude, longitude); returns its collector
    /// profile id.
    pub async fn go_online_at(&self, collector: &Account, point: (f64, f64)) -> String {
        self.gql_text(
            Some(&collector.access),
            "mutation($lat: Float!, $lon: Float!) { setAvailability(online: true, location: {latitude: $lat, longitude: $lon}) { id } }",
            json!({"lat": point.0, "lon": point.1}),
            &["setAvailability", "id"],
        )
        .await
    }

    /// Quotes the light items and books them in `window` as `customer`; returns the
    /// order's `fields`.
    pub async fn book_light(&self, customer: &Account, window: Value, fields: &str) -> Value {
        let quote_id = self
            .gql_text(
                Some(&customer.access),
                &format!("mutation {{ requestQuote(input: {{items: {LIGHT_ITEMS}}}) {{ id }} }}"),
                json!({}),
                &["requestQuote", "id"],
            )
            .await;
        let booked = self
            .gql(
                Some(&customer.access),
                &format!("mutation($input: BookPickupInput!) {{ bookPickup(input: $input) {{ {fields} }} }}"),
                json!({"input": booking_input(&quote_id, window)}),
            )
            .await;
        let order = booked["data"]["bookPickup"].clone();
        assert!(order["id"].is_string(), "{booked}");
        order
    }

    /// Creates a partner as the operator signed in with `operator_token` and issues it a
    /// key named `name` with `scopes`; returns the key's secret.
    pub async fn partner_key(&self, operator_token: &str, name: &str, scopes: &[&str]) -> String {
        let partner_id = self
            .gql_text(
                Some(operator_token),
                "mutation($n: String!) { createPartner(name: $n) { id } }",
                json!({"n": format!("{name} partner")}),
                &["createPartner", "id"],
            )
            .await;
        self.gql_text(
            Some(operator_token),
            crate::partners::fixtures::ISSUE_KEY,
            json!({"p": partner_id, "n": name, "s": scopes}),
            &["issueApiKey", "secret"],
        )
        .await
    }

    /// Signs in `email`.
    pub async fn login(&self, email: &str) -> Account {
        let response = self
            .gql(
                None,
                crate::helpers::LOGIN,
                json!({"email": email, "password": PASSWORD}),
            )
            .await;
        account_from(&response["data"]["login"], email)
            .unwrap_or_else(|| panic!("login failed: {response}"))
    }

    /// A `graphql-transport-ws` socket signed in with `token`, acknowledged.
    pub async fn ws(&self, token: &str) -> WsClient {
        WsClient::signed_in(&self.address, token).await
    }
}

/// The string at `data.<path>` of a GraphQL answer, failing with the answer when there is
/// none.
pub fn text_at(body: &Value, path: &[&str]) -> String {
    path.iter()
        .fold(&body["data"], |value, key| &value[*key])
        .as_str()
        .unwrap_or_else(|| panic!("no data.{}: {body}", path.join(".")))
        .to_owned()
}
