//! One shared Redis connection (a multiplexed, self-reconnecting `ConnectionManager`) and the key prefix
//! that every Redis-backed adapter puts in front of its keys and channels.
//!
//! Redis is an accelerator, not a single point of failure: every command goes through
//! [`RedisConn::call`], which gives it at most the response timeout (250 ms by default). A call that
//! times out or finds the connection broken marks Redis down for [`DOWN_FOR`]; calls in that window
//! fail at once instead of each paying the timeout, and the callers fall back (see each adapter).
//! The first call after the window tries Redis again. `reloop_redis_up` and
//! `reloop_redis_degraded_calls_total` on `/metrics` show it.
//!
//! The server opens its connection with [`RedisConn::open`] and
//! [`RedisConn::reach_or_degrade`]: a Redis that is down at start-up leaves the connection
//! marked down instead of stopping the server; the manager connects lazily, so the first
//! call that finds Redis answering takes it up.

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};

use crate::infra::metrics::RedisMetrics;
pub use crate::infra::redis_health::DOWN_FOR;
use crate::infra::redis_health::Health;

/// How often the manager retries a broken connection before failing the command that found it broken.
/// Bounded so that a Redis outage turns into errors instead of requests that hang; the next command
/// starts a fresh round of retries.
const RECONNECT_RETRIES: usize = 3;

/// Longest pause between two reconnect attempts of the manager.
const MAX_RECONNECT_DELAY: Duration = Duration::from_secs(2);

/// A cheap-to-clone handle on Redis: the client (for dedicated connections such as pub/sub), a shared
/// multiplexed connection for ordinary commands, and the prefix for every key and channel.
#[derive(Clone)]
pub struct RedisConn {
    client: redis::Client,
    manager: ConnectionManager,
    prefix: String,
    connect_timeout: Duration,
    response_timeout: Duration,
    health: Arc<Health>,
}

impl fmt::Debug for RedisConn {
    // Hand-written because the client's URL may carry a password.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisConn")
            .field("prefix", &self.prefix)
            .field("connect_timeout", &self.connect_timeout)
            .field("response_timeout", &self.response_timeout)
            .finish_non_exhaustive()
    }
}

impl RedisConn {
    /// Connects to `url` and fails within about `connect_timeout` when Redis cannot be reached.
    ///
    /// `response_timeout` bounds every later command, so a stalled Redis surfaces as an error.
    pub async fn connect(
        url: &str,
        key_prefix: &str,
        connect_timeout: Duration,
        response_timeout: Duration,
    ) -> anyhow::Result<RedisConn> {
        let conn = Self::open(url, key_prefix, connect_timeout, response_timeout, None)?;
        conn.first_contact()
            .await
            .context("could not connect to Redis")?;
        conn.health.mark_up();
        Ok(conn)
    }

    /// The handle, reporting health and degraded calls to `metrics`, with a connection
    /// manager that connects on first use (and again after every failure, in the
    /// background): opening it does no I/O, and fails only for an invalid URL. See
    /// [`RedisConn::reach_or_degrade`].
    pub fn open(
        url: &str,
        key_prefix: &str,
        connect_timeout: Duration,
        response_timeout: Duration,
        metrics: Option<RedisMetrics>,
    ) -> anyhow::Result<RedisConn> {
        let client = redis::Client::open(url).context("invalid Redis URL")?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(connect_timeout))
            .set_response_timeout(Some(response_timeout))
            .set_number_of_retries(RECONNECT_RETRIES)
            .set_max_delay(MAX_RECONNECT_DELAY);
        let manager = ConnectionManager::new_lazy_with_config(client.clone(), config)
            .context("invalid Redis connection settings")?;
        Ok(RedisConn {
            client,
            manager,
            prefix: key_prefix.to_owned(),
            connect_timeout,
            response_timeout,
            health: Arc::new(Health::new(metrics)),
        })
    }

    /// Tries Redis once, within the connect timeout. A Redis that cannot be reached is not
    /// an error: the connection is marked down (callers fall back, and the failed connect
    /// counts as a degraded `connect` call) until a call finds Redis answering.
    pub async fn reach_or_degrade(&self) {
        match self.first_contact().await {
            Ok(()) => self.health.mark_up(),
            Err(err) => {
                self.health.mark_down(&err);
                self.health.degraded("connect");
            }
        }
    }

    /// A first PING within the connect timeout. The timeout is what bounds start-up: the
    /// manager's own retries could otherwise add up to far more against a dead address.
    async fn first_contact(&self) -> anyhow::Result<()> {
        let mut manager = self.manager();
        let ping = async move { redis::cmd("PING").query_async::<String>(&mut manager).await };
        tokio::time::timeout(self.connect_timeout, ping)
            .await
            .with_context(|| {
                format!(
                    "timed out after {:?} connecting to Redis",
                    self.connect_timeout
                )
            })?
            .context("Redis did not answer PING")?;
        Ok(())
    }

    /// Runs one Redis command (or script) `op` on the shared connection within the response timeout.
    /// Skipped at once while Redis is marked down (see the module docs); `component` labels the
    /// degraded-calls counter when the call fails.
    pub async fn call<T, F, Fut>(&self, component: &'static str, op: F) -> anyhow::Result<T>
    where
        F: FnOnce(ConnectionManager) -> Fut,
        Fut: Future<Output = redis::RedisResult<T>>,
    {
        if self.health.is_down() {
            self.health.degraded(component);
            anyhow::bail!("Redis is down; {component} call skipped");
        }
        let outcome = match tokio::time::timeout(self.response_timeout, op(self.manager())).await {
            Ok(Ok(value)) => {
                self.health.mark_up();
                return Ok(value);
            }
            Ok(Err(err)) => {
                let broken = err.is_io_error()
                    || err.is_timeout()
                    || err.is_connection_dropped()
                    || err.is_connection_refusal();
                (anyhow::Error::new(err), broken)
            }
            Err(_) => (
                anyhow::anyhow!("Redis did not answer within {:?}", self.response_timeout),
                true,
            ),
        };
        let (err, broken) = outcome;
        if broken {
            self.health.mark_down(&err);
        }
        self.health.degraded(component);
        Err(err.context(format!("Redis {component} call failed")))
    }

    /// Whether Redis answered the last call (false while it is marked down).
    pub fn is_up(&self) -> bool {
        !self.health.is_down()
    }

    /// Counts a call of `component` that went without Redis (an adapter fell back without
    /// going through [`RedisConn::call`]).
    pub fn note_degraded(&self, component: &'static str) {
        self.health.degraded(component);
    }

    /// A handle on the shared multiplexed connection; clones are cheap and share one socket.
    pub fn manager(&self) -> ConnectionManager {
        self.manager.clone()
    }

    /// The client, for connections that cannot be shared (pub/sub).
    pub fn client(&self) -> &redis::Client {
        &self.client
    }

    /// The prefixed name of a key or channel, so that several deployments or test runs can share one Redis.
    pub fn key(&self, suffix: &str) -> String {
        format!("{}{}", self.prefix, suffix)
    }

    /// The prefix given at connect time.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// The connect timeout given at connect time, reused by adapters that open their own connections.
    pub fn connect_timeout(&self) -> Duration {
        self.connect_timeout
    }

    /// The response timeout given at connect time, reused by adapters that open their own connections.
    pub fn response_timeout(&self) -> Duration {
        self.response_timeout
    }

    /// Round-trips a PING, for readiness checks.
    pub async fn ping(&self) -> anyhow::Result<()> {
        let _: String = self
            .call("ping", |mut con| async move {
                redis::cmd("PING").query_async(&mut con).await
            })
            .await?;
        Ok(())
    }
}

#[cfg(test)]
pub(crate) mod test_support {
    //! Helpers for the Redis-backed tests: they run only when `RELOOP_TEST_REDIS_URL` is set.

    use std::time::Duration;

    use super::RedisConn;

    /// The name of the variable that switches the Redis tests on.
    pub const REDIS_URL_VAR: &str = "RELOOP_TEST_REDIS_URL";

    /// A connection with a fresh random prefix, or `None` (after saying why) when no Redis is configured.
    pub async fn test_conn(test: &str) -> Option<RedisConn> {
        let Ok(url) = std::env::var(REDIS_URL_VAR) else {
            eprintln!("skipping {test}: {REDIS_URL_VAR} is not set");
            return None;
        };
        let prefix = format!("reloop-test:{}:", uuid::Uuid::new_v4().simple());
        let conn = RedisConn::connect(
            &url,
            &prefix,
            Duration::from_secs(3),
            Duration::from_secs(3),
        )
        .await
        .expect("connect to the test Redis");
        Some(conn)
    }

    /// A Redis server of the test's own, for tests that kill or count every pub/sub
    /// client on the server and so must not share it with tests running in parallel.
    /// Runs only where the shared test Redis is configured (so `redis-server` exists).
    pub struct PrivateRedis {
        child: std::process::Child,
        /// `redis://127.0.0.1:PORT/`.
        pub url: String,
    }

    impl PrivateRedis {
        /// Starts `redis-server` on a free loopback port and waits until it answers.
        pub async fn start(test: &str) -> Option<Self> {
            std::env::var(REDIS_URL_VAR).ok()?;
            let port = std::net::TcpListener::bind("127.0.0.1:0")
                .and_then(|l| l.local_addr())
                .expect("a free port")
                .port();
            let child = std::process::Command::new("redis-server")
                .args([
                    "--port",
                    &port.to_string(),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                ])
                .stdout(std::process::Stdio::null())
                .spawn()
                .unwrap_or_else(|e| panic!("{test}: starting redis-server: {e}"));
            let server = Self {
                child,
                url: format!("redis://127.0.0.1:{port}/"),
            };
            for _ in 0..100 {
                if RedisConn::connect(
                    &server.url,
                    "x:",
                    Duration::from_secs(1),
                    Duration::from_secs(1),
                )
                .await
                .is_ok()
                {
                    return Some(server);
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            panic!("{test}: the private redis-server did not answer");
        }

        /// Sends `signal` (`-STOP`, `-CONT`) to the server process.
        pub fn signal(&self, signal: &str) {
            let status = std::process::Command::new("kill")
                .args([signal, &self.child.id().to_string()])
                .status()
                .expect("run kill");
            assert!(status.success(), "kill {signal}");
        }

        /// A connection to it with a fresh prefix.
        pub async fn conn(&self) -> RedisConn {
            let prefix = format!("reloop-test:{}:", uuid::Uuid::new_v4().simple());
            RedisConn::connect(
                &self.url,
                &prefix,
                Duration::from_secs(3),
                Duration::from_secs(3),
            )
            .await
            .expect("connect to the private Redis")
        }
    }

    impl Drop for PrivateRedis {
        fn drop(&mut self) {
            self.signal("-CONT");
            drop(self.child.kill());
            drop(self.child.wait());
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::test_support::{PrivateRedis, test_conn};
    use super::*;

    #[tokio::test]
    async fn a_frozen_redis_fails_one_call_within_the_timeout_then_is_skipped_until_it_answers() {
        let Some(server) = PrivateRedis::start("a_frozen_redis_fails_one_call").await else {
            return;
        };
        let conn = RedisConn::connect(
            &server.url,
            "x:",
            Duration::from_secs(3),
            Duration::from_millis(250),
        )
        .await
        .expect("connect");
        conn.ping().await.expect("ping while it answers");

        server.signal("-STOP");
        let started = Instant::now();
        assert!(conn.ping().await.is_err());
        let first = started.elapsed();
        assert!(first < Duration::from_secs(1), "{first:?}");
        assert!(!conn.is_up());
        let started = Instant::now();
        assert!(conn.ping().await.is_err());
        assert!(
            started.elapsed() < Duration::from_millis(50),
            "skipped while down"
        );

        server.signal("-CONT");
        tokio::time::sleep(DOWN_FOR).await;
        conn.ping().await.expect("ping once it answers again");
        assert!(conn.is_up());
    }

    #[tokio::test]
    async fn key_puts_the_prefix_first() {
        let Some(conn) = test_conn("key_puts_the_prefix_first").await else {
            return;
        };
        assert!(conn.key("geo:x").starts_with("reloop-test:"));
        assert!(conn.key("geo:x").ends_with(":geo:x"));
        conn.ping().await.expect("ping");
    }

    #[tokio::test]
    async fn connecting_to_a_dead_address_fails_within_the_timeout() {
        // Port 1 on loopback: nothing listens there, so this must fail fast rather than retry forever.
        let started = Instant::now();
        let result = RedisConn::connect(
            "redis://127.0.0.1:1/",
            "x:",
            Duration::from_millis(500),
            Duration::from_millis(500),
        )
        .await;
        assert!(result.is_err());
        assert!(started.elapsed() < Duration::from_secs(3));
    }
}
