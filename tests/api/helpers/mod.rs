//! The test harness: `spawn_app`, a GraphQL client over HTTP, shortcuts for accounts,
//! and (in the modules below) the one WebSocket client, waiting on observable state and
//! reading `/metrics`.

pub mod browser;
pub mod metrics;
pub mod throwaway_database;
pub mod wait;
pub mod ws;

pub use throwaway_database::{ThrowawayDatabase, fresh_postgres_database};
pub use wait::{PATIENCE, eventually};
pub use ws::{WsClient, WsEvent};

use std::sync::Arc;

use reloop::config::Config;
use reloop::infra::clock::ShiftedClock;
use reloop::startup::Application;
use reloop::state::AppState;
use serde_json::{Value, json};
use uuid::Uuid;

/// The JWT secret of every test app, so tests can forge tokens.
pub const TEST_JWT_SECRET: &str = "test-secret-test-secret-test-secret-0123";
/// A password that satisfies the policy.
pub const PASSWORD: &str = "correct horse battery";

/// A running application and a client for it.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`.
    pub address: String,
    /// The HTTP client.
    pub http: reqwest::Client,
    /// The app's clock; `advance` moves time for the server.
    pub clock: Arc<ShiftedClock>,
    /// The app's state (database, config).
    pub state: AppState,
    /// The database URL the app uses (for the CLI tests).
    pub database_url: String,
    /// The data folder (SQLite file, secrets); removed on drop.
    pub data_dir: tempfile::TempDir,
    /// The PostgreSQL database this app created; dropped with the app (held, never read).
    _owned_database: Option<ThrowawayDatabase>,
}

/// A registered user's credentials and tokens.
#[derive(Clone, Debug)]
pub struct Account {
    /// User id.
    pub id: String,
    /// Login email.
    pub email: String,
    /// Access token.
    pub access: String,
    /// Refresh token.
    pub refresh: String,
}

/// Starts the real application on a free port with a fresh database.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// Like [`spawn_app`], after `tweak` adjusted the configuration.
pub async fn spawn_app_with(tweak: impl FnOnce(&mut Config)) -> TestApp {
    let data_dir = tempfile::tempdir().expect("temp dir");
    let mut config = Config {
        bind: "127.0.0.1:0".to_owned(),
        data_dir: data_dir.path().to_path_buf(),
        workers: Some(2),
        ..Config::default()
    };
    config.auth.jwt_secret = Some(TEST_JWT_SECRET.to_owned().into());
    let mut owned_database = match env("RELOOP_TEST_DATABASE_URL") {
        Some(admin_url) => Some(ThrowawayDatabase::create(&admin_url).await),
        None => None,
    };
    config.database_url = owned_database.as_ref().map(|db| db.url.clone());
    if let Some(redis_url) = env("RELOOP_TEST_REDIS_URL") {
        config.redis_url = Some(redis_url);
        config.redis_prefix = format!("test:{}:", Uuid::new_v4().simple());
        // Generous: on a loaded machine a 250 ms Redis call may time out and fall back,
        // which these tests (unlike tests/api/faults) are not about.
        config.redis_response_timeout = std::time::Duration::from_secs(2);
    }
    // The suite checks behaviour, not load shedding: on a loaded machine a burst of test
    // requests may wait longer than 1.5 s for a pooled connection (tests/api/faults use
    // the production default).
    config.database.acquire_timeout = Some(std::time::Duration::from_secs(10));
    tweak(&mut config);
    // A tweak that points the app at another database (a restart) leaves ours unused.
    if owned_database
        .as_ref()
        .is_some_and(|db| config.database_url.as_ref() != Some(&db.url))
    {
        owned_database = None;
    }
    let database_url = config.effective_database_url();
    let clock = Arc::new(ShiftedClock::default());
    let app = Application::build_with_clock(config, clock.clone())
        .await
        .expect("the application builds");
    let port = app.port();
    let state = app.state().clone();
    tokio::spawn(app.run_until_stopped());
    TestApp {
        address: format!("http://127.0.0.1:{port}"),
        // Idle connections are dropped before the server's 5 s keep-alive closes them:
        // otherwise a request may go out on a connection the server is closing at that
        // moment and fail with "connection reset" (the HTTP/1.1 keep-alive race), which a
        // loaded machine makes likely.
        http: reqwest::Client::builder()
            .pool_idle_timeout(std::time::Duration::from_secs(2))
            .build()
            .expect("an HTTP client"),
        clock,
        state,
        database_url,
        data_dir,
        _owned_database: owned_database,
    }
}

/// A non-empty environment variable.
pub fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// Whether this run uses Redis.
pub fn on_redis() -> bool {
    env("RELOOP_TEST_REDIS_URL").is_some()
}

impl TestApp {
    /// Posts a GraphQL request and returns the response JSON (any status).
    pub async fn gql(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        let mut request = self
            .http
            .post(format!("{}/graphql", self.address))
            .json(&json!({"query": query, "variables": variables}));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request
            .send()
            .await
            .expect("request sent")
            .json()
            .await
            .expect("a JSON response")
    }

    /// Posts a GraphQL request with `headers`; the status, `Retry-After` and the body.
    pub async fn gql_with_headers(
        &self,
        headers: &[(&str, &str)],
        query: &str,
        variables: Value,
    ) -> Answer {
        let mut request = self
            .http
            .post(format!("{}/graphql", self.address))
            .json(&json!({"query": query, "variables": variables}));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        Answer::read(request.send().await.expect("request sent")).await
    }

    /// Registers a user with `role` and returns its account.
    pub async fn register(&self, role: &str) -> Account {
        let extra = if role == "BUSINESS" {
            json!({"organizationName": "Acme Recycling Ltd"})
        } else {
            json!({})
        };
        self.register_with(role, extra)
            .await
            .unwrap_or_else(|response| panic!("register failed: {response}"))
    }

    /// Registers a user with `role` and the `extra` input fields; the response when it
    /// fails.
    pub async fn register_with(&self, role: &str, extra: Value) -> Result<Account, Value> {
        let email = format!("{}@example.com", Uuid::new_v4().simple());
        let mut input = json!({
            "email": email, "password": PASSWORD, "displayName": "Test User", "role": role,
        });
        if let (Some(input), Some(extra)) = (input.as_object_mut(), extra.as_object()) {
            input.extend(extra.clone());
        }
        let response = self.gql(None, REGISTER, json!({"input": input})).await;
        account_from(&response["data"]["register"], &email).ok_or(response)
    }

    /// Creates an operator (as the CLI does) and signs it in.
    pub async fn operator(&self) -> Account {
        let email = format!("ops-{}@example.com", Uuid::new_v4().simple());
        reloop::services::operators::create_operator(&self.state, &email, PASSWORD.to_owned())
            .await
            .map_err(|e| e.into_anyhow())
            .expect("create operator");
        let response = self
            .gql(None, LOGIN, json!({"email": email, "password": PASSWORD}))
            .await;
        account_from(&response["data"]["login"], &email)
            .unwrap_or_else(|| panic!("operator login: {response}"))
    }

    /// The id of the first device model whose name matches `search`.
    pub async fn model_id(&self, search: &str) -> String {
        let response = self
            .gql(None, "query($s: String) { deviceModels(search: $s, first: 1) { edges { node { id } } } }", json!({"s": search}))
            .await;
        response["data"]["deviceModels"]["edges"][0]["node"]["id"]
            .as_str()
            .unwrap_or_else(|| panic!("no model matches {search}: {response}"))
            .to_owned()
    }

    /// Opens a `graphql-transport-ws` socket and sends `connection_init` with `payload`.
    pub async fn ws_connect(&self, payload: Value) -> WsClient {
        WsClient::connect(&self.address, payload).await
    }

    /// Opens a `graphql-transport-ws` socket without initialising it.
    pub async fn ws_open(&self) -> WsClient {
        WsClient::open(&self.address).await
    }

    /// A socket initialised with `who`'s access token and acknowledged.
    pub async fn ws_signed_in(&self, who: &Account) -> WsClient {
        WsClient::signed_in(&self.address, &who.access).await
    }

    /// Waits until dispatch has acted on every order announced so far (bookings,
    /// declines, reschedules): its backlog gauge is back to zero.
    pub async fn dispatch_settled(&self) {
        eventually(
            PATIENCE,
            "dispatch to act on every announced order",
            || async { (self.state.order_signals.backlog() == 0).then_some(()) },
        )
        .await;
    }
}

/// An HTTP answer: what the tests look at.
#[derive(Debug)]
pub struct Answer {
    /// The HTTP status.
    pub status: u16,
    /// The `Retry-After` header, if any.
    pub retry_after: Option<String>,
    /// The JSON body (null when it is not JSON).
    pub body: Value,
}

impl Answer {
    /// Reads `response` whole.
    pub async fn read(response: reqwest::Response) -> Self {
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body = response.json().await.unwrap_or(Value::Null);
        Self {
            status,
            retry_after,
            body,
        }
    }
}

/// The session fields of an `AuthPayload`.
pub fn account_from(payload: &Value, email: &str) -> Option<Account> {
    Some(Account {
        id: payload["user"]["id"].as_str()?.to_owned(),
        email: email.to_owned(),
        access: payload["accessToken"].as_str()?.to_owned(),
        refresh: payload["refreshToken"].as_str()?.to_owned(),
    })
}

/// `extensions.code` of the first error, if any.
pub fn error_code(response: &Value) -> Option<&str> {
    response["errors"][0]["extensions"]["code"].as_str()
}

/// The register mutation with the full payload.
pub const REGISTER: &str = "mutation($input: RegisterInput!) { register(input: $input) {
    accessToken refreshToken expiresAt user { id email displayName role collector { id verified status certifications } } } }";

/// The login mutation.
pub const LOGIN: &str =
    "mutation($email: String!, $password: String!) { login(email: $email, password: $password) {
    accessToken refreshToken user { id email role } } }";

/// The refresh mutation.
pub const REFRESH: &str = "mutation($t: String!) { refreshToken(refreshToken: $t) { accessToken refreshToken user { id } } }";
