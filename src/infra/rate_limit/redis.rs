//! [`RateLimiter`] shared by every instance: the token bucket of `rate_limit` run atomically in Redis.

use std::sync::Arc;

use anyhow::Context as _;
use async_trait::async_trait;

use super::{BucketPolicy, Decision, RateLimiter, ensure_valid, seconds};
use crate::infra::clock::Clock;
use crate::infra::redis_conn::RedisConn;

/// The bucket arithmetic of [`super::decide`], in Lua so that the read, decision and write are one
/// atomic step even with many instances. "Now" is passed in from the app's [`Clock`], as the in-process
/// limiter reads it, so both behave the same when tests move time (instances' clocks are assumed in
/// sync, as offer expiry and token lifetimes already assume; a clock behind the last write just sees no
/// refill). A bucket is a hash {tokens, at} that expires (in Redis's own time) when it would be full
/// again, since a missing bucket reads as full.
///
/// KEYS[1] = bucket; ARGV = capacity, refill_per_sec, cost, now (Unix seconds, fractional).
/// Returns {allowed (0|1), remaining, retry_after_secs}, numbers as strings because Redis would
/// truncate Lua numbers to integers.
const CHECK_SCRIPT: &str = r"
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local now = tonumber(ARGV[4])
local epsilon = 1e-9

local tokens = capacity
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
if state[1] and state[2] then
  local elapsed = math.max(0, now - tonumber(state[2]))
  tokens = math.min(capacity, tonumber(state[1]) + elapsed * rate)
end

if cost <= tokens + epsilon then
  tokens = math.max(0, tokens - cost)
  local ttl_ms = math.min(math.ceil((capacity - tokens) / rate * 1000) + 1, 1e12)
  redis.call('HSET', KEYS[1], 'tokens', string.format('%.17g', tokens), 'at', string.format('%.17g', now))
  redis.call('PEXPIRE', KEYS[1], string.format('%d', ttl_ms))
  return {1, string.format('%.17g', tokens), '0'}
end

-- Refused: nothing is written, the level being a function of time.
local target = math.min(cost, capacity)
return {0, string.format('%.17g', tokens), string.format('%.17g', (target - tokens) / rate)}
";

/// A token-bucket limiter whose buckets live in Redis under `<prefix>rl:<key>`.
#[derive(Clone)]
pub struct RedisRateLimiter {
    conn: RedisConn,
    // Holds the script's SHA1: calls go out as EVALSHA, falling back to EVAL once per server restart.
    script: redis::Script,
    clock: Arc<dyn Clock>,
}

impl RedisRateLimiter {
    /// A limiter over `conn` reading time from `clock`; opens no connection of its own.
    pub fn new(conn: &RedisConn, clock: Arc<dyn Clock>) -> Self {
        Self {
            conn: conn.clone(),
            script: redis::Script::new(CHECK_SCRIPT),
            clock,
        }
    }
}

#[async_trait]
impl RateLimiter for RedisRateLimiter {
    async fn check(&self, key: &str, cost: f64, policy: BucketPolicy) -> anyhow::Result<Decision> {
        ensure_valid(cost, policy)?;
        // Microseconds, as Redis's TIME gave: an f64 holds them exactly for this epoch.
        let now = self.clock.now().timestamp_micros() as f64 / 1e6;
        let mut invocation = self.script.key(self.conn.key(&format!("rl:{key}")));
        invocation
            .arg(policy.capacity)
            .arg(policy.refill_per_sec)
            .arg(cost)
            .arg(now);
        let (allowed, remaining, retry_after): (i64, f64, f64) = self
            .conn
            .call("rate_limit", |mut con| async move {
                invocation.invoke_async(&mut con).await
            })
            .await
            .context("rate-limit script failed")?;
        Ok(Decision {
            allowed: allowed == 1,
            remaining,
            retry_after: seconds(retry_after),
        })
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::super::behaviour;
    use super::*;
    use crate::infra::clock::SystemClock;
    use crate::infra::redis_conn::test_support::test_conn;

    async fn limiter(test: &str) -> Option<(RedisConn, RedisRateLimiter)> {
        let conn = test_conn(test).await?;
        let limiter = RedisRateLimiter::new(&conn, Arc::new(SystemClock));
        Some((conn, limiter))
    }

    #[tokio::test]
    async fn redis_a_burst_exhausts_the_bucket() {
        let Some((_conn, limiter)) = limiter("redis_a_burst_exhausts_the_bucket").await else {
            return;
        };
        behaviour::a_burst_exhausts_the_bucket(&limiter).await;
    }

    #[tokio::test]
    async fn redis_a_refused_request_takes_nothing() {
        let Some((_conn, limiter)) = limiter("redis_a_refused_request_takes_nothing").await else {
            return;
        };
        behaviour::a_refused_request_takes_nothing(&limiter).await;
    }

    #[tokio::test]
    async fn redis_a_cost_above_capacity_is_refused() {
        let Some((_conn, limiter)) = limiter("redis_a_cost_above_capacity_is_refused").await else {
            return;
        };
        behaviour::a_cost_above_capacity_is_refused(&limiter).await;
    }

    #[tokio::test]
    async fn redis_the_bucket_refills_over_time() {
        let Some((_conn, limiter)) = limiter("redis_the_bucket_refills_over_time").await else {
            return;
        };
        behaviour::the_bucket_refills_over_time(&limiter).await;
    }

    #[tokio::test]
    async fn redis_invalid_arguments_are_errors() {
        let Some((_conn, limiter)) = limiter("redis_invalid_arguments_are_errors").await else {
            return;
        };
        behaviour::invalid_arguments_are_errors(&limiter).await;
    }

    #[tokio::test]
    async fn redis_buckets_expire_once_full_and_are_shared_between_instances() {
        let Some((conn, first)) =
            limiter("redis_buckets_expire_once_full_and_are_shared_between_instances").await
        else {
            return;
        };
        let second = RedisRateLimiter::new(&conn, Arc::new(SystemClock));
        let policy = BucketPolicy {
            capacity: 2.0,
            refill_per_sec: 20.0,
        };
        assert!(
            first
                .check("shared", 2.0, policy)
                .await
                .expect("check")
                .allowed
        );
        assert!(
            !second
                .check("shared", 1.0, policy)
                .await
                .expect("check")
                .allowed
        );

        let key = conn.key("rl:shared");
        let ttl: i64 = redis::cmd("PTTL")
            .arg(&key)
            .query_async(&mut conn.manager())
            .await
            .expect("PTTL");
        assert!(
            (1..=101).contains(&ttl),
            "expires when full again: {ttl} ms"
        );
        tokio::time::sleep(Duration::from_millis(150)).await;
        let exists: i64 = redis::cmd("EXISTS")
            .arg(&key)
            .query_async(&mut conn.manager())
            .await
            .expect("EXISTS");
        assert_eq!(exists, 0);
    }

    #[tokio::test]
    async fn redis_concurrent_checks_never_overspend() {
        let Some((_conn, limiter)) = limiter("redis_concurrent_checks_never_overspend").await
        else {
            return;
        };
        let policy = BucketPolicy {
            capacity: 10.0,
            refill_per_sec: 0.001,
        };
        let checks = (0..40).map(|_| limiter.check("race", 1.0, policy));
        let decisions = futures_util::future::join_all(checks).await;
        let allowed = decisions
            .into_iter()
            .filter(|d| d.as_ref().expect("check").allowed)
            .count();
        assert_eq!(allowed, 10);
    }
}
