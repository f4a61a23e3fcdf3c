//! One shared Redis connection (a multiplexed, self-reconnecting `ConnectionManager`) and the key prefix
//! that every Redis-backed adapter puts in front of its keys and channels.

use std::fmt;
use std::time::Duration;

use anyhow::Context as _;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};

/// How often the manager retries a broken connection before failing the command that found it broken.
/// Bounded so that a Redis outage turns into errors (mapped to INTERNAL) instead of requests that hang;
/// the next command starts a fresh round of retries.
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
        let client = redis::Client::open(url).context("invalid Redis URL")?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(connect_timeout))
            .set_response_timeout(Some(response_timeout))
            .set_number_of_retries(RECONNECT_RETRIES)
            .set_max_delay(MAX_RECONNECT_DELAY);
        // The outer timeout is what actually bounds start-up: the manager's own retries could otherwise
        // add up to far more than `connect_timeout` against a dead address.
        let manager = tokio::time::timeout(
            connect_timeout,
            ConnectionManager::new_with_config(client.clone(), config),
        )
        .await
        .with_context(|| format!("timed out after {connect_timeout:?} connecting to Redis"))?
        .context("could not connect to Redis")?;
        Ok(RedisConn {
            client,
            manager,
            prefix: key_prefix.to_owned(),
            connect_timeout,
            response_timeout,
        })
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
        let mut con = self.manager();
        let _: String = redis::cmd("PING")
            .query_async(&mut con)
            .await
            .context("Redis PING failed")?;
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
            drop(self.child.kill());
            drop(self.child.wait());
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::test_support::test_conn;
    use super::*;

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
