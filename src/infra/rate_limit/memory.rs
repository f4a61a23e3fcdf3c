//! [`RateLimiter`] inside one process: buckets in a map, full ones evicted as they are found.
//! Time comes from the app's [`Clock`], so tests refill a bucket by moving the clock.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{BucketPolicy, Decision, RateLimiter, decide, ensure_valid};
use crate::infra::clock::Clock;

/// The map is swept at most once every this many checks (or every `len` checks once it is larger), so
/// sweeping costs O(1) per check, amortised.
const SWEEP_EVERY: usize = 1024;

/// A bucket as last seen; its level now is derived from the time elapsed since.
struct Bucket {
    tokens: f64,
    updated: DateTime<Utc>,
    policy: BucketPolicy,
}

impl Bucket {
    fn level_at(&self, now: DateTime<Utc>, policy: BucketPolicy) -> f64 {
        // A wall clock may step back; a bucket then just does not refill until it catches up.
        let elapsed = (now - self.updated)
            .to_std()
            .map_or(0.0, |elapsed| elapsed.as_secs_f64());
        (self.tokens + elapsed * policy.refill_per_sec).min(policy.capacity)
    }
}

#[derive(Default)]
struct State {
    buckets: HashMap<String, Bucket>,
    checks_since_sweep: usize,
}

/// An in-process token-bucket limiter, for one instance and for tests.
pub struct InMemoryRateLimiter {
    // std's mutex: every critical section is a few float operations, never across an await.
    state: Mutex<State>,
    clock: Arc<dyn Clock>,
}

impl InMemoryRateLimiter {
    /// A limiter with no buckets, reading time from `clock`.
    pub fn new(clock: Arc<dyn Clock>) -> Self {
        Self {
            state: Mutex::default(),
            clock,
        }
    }

    /// [`RateLimiter::check`] at a given instant, so tests can move time without sleeping.
    pub fn check_at(
        &self,
        key: &str,
        cost: f64,
        policy: BucketPolicy,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Decision> {
        ensure_valid(cost, policy)?;
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.checks_since_sweep += 1;
        if state.checks_since_sweep >= SWEEP_EVERY.max(state.buckets.len()) {
            sweep(&mut state, now);
        }
        let tokens = state
            .buckets
            .get(key)
            .map_or(policy.capacity, |bucket| bucket.level_at(now, policy));
        let decision = decide(tokens, cost, policy);
        // A refused request changes nothing: the level is a function of time, so there is nothing to
        // write, and an unknown key stays unknown instead of costing memory.
        if decision.allowed {
            let bucket = Bucket {
                tokens: decision.remaining,
                updated: now,
                policy,
            };
            match state.buckets.get_mut(key) {
                Some(existing) => *existing = bucket,
                None => {
                    state.buckets.insert(key.to_owned(), bucket);
                }
            }
        }
        Ok(decision)
    }

    /// How many buckets are held; for metrics and tests.
    pub fn bucket_count(&self) -> usize {
        let state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.buckets.len()
    }
}

/// Forgets buckets that have refilled completely: a missing bucket reads as full, so this changes no
/// decision, and memory stays proportional to the keys active within one refill period.
fn sweep(state: &mut State, now: DateTime<Utc>) {
    state.checks_since_sweep = 0;
    state
        .buckets
        .retain(|_, bucket| bucket.level_at(now, bucket.policy) < bucket.policy.capacity);
}

#[async_trait]
impl RateLimiter for InMemoryRateLimiter {
    async fn check(&self, key: &str, cost: f64, policy: BucketPolicy) -> anyhow::Result<Decision> {
        self.check_at(key, cost, policy, self.clock.now())
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::super::behaviour;
    use super::*;
    use crate::infra::clock::SystemClock;

    fn limiter() -> InMemoryRateLimiter {
        InMemoryRateLimiter::new(Arc::new(SystemClock))
    }

    fn secs(n: i64) -> chrono::Duration {
        chrono::Duration::seconds(n)
    }

    const POLICY: BucketPolicy = BucketPolicy {
        capacity: 10.0,
        refill_per_sec: 2.0,
    };

    #[tokio::test]
    async fn a_burst_exhausts_the_bucket() {
        behaviour::a_burst_exhausts_the_bucket(&limiter()).await;
    }

    #[tokio::test]
    async fn a_refused_request_takes_nothing() {
        behaviour::a_refused_request_takes_nothing(&limiter()).await;
    }

    #[tokio::test]
    async fn a_cost_above_capacity_is_refused() {
        behaviour::a_cost_above_capacity_is_refused(&limiter()).await;
    }

    #[tokio::test]
    async fn the_bucket_refills_over_time() {
        behaviour::the_bucket_refills_over_time(&limiter()).await;
    }

    #[tokio::test]
    async fn invalid_arguments_are_errors() {
        behaviour::invalid_arguments_are_errors(&limiter()).await;
    }

    #[test]
    fn refill_is_continuous_and_capped() {
        let limiter = limiter();
        let t0 = Utc::now();
        assert!(
            limiter
                .check_at("k", 10.0, POLICY, t0)
                .expect("check")
                .allowed
        );

        let d = limiter.check_at("k", 4.0, POLICY, t0).expect("check");
        assert_eq!(d.retry_after, Duration::from_secs(2));
        // Half the wait brings half the points.
        let half = limiter
            .check_at("k", 4.0, POLICY, t0 + secs(1))
            .expect("check");
        assert!(
            !half.allowed && (half.remaining - 2.0).abs() < 1e-9,
            "{half:?}"
        );
        assert_eq!(half.retry_after, Duration::from_secs(1));
        // Exactly at retry_after it passes, despite floating-point drift.
        let on_time = limiter
            .check_at(
                "k",
                4.0,
                POLICY,
                t0 + chrono::Duration::from_std(d.retry_after).expect("short"),
            )
            .expect("check");
        assert!(on_time.allowed, "{on_time:?}");
        // A long idle period refills to capacity, not beyond.
        let much_later = limiter
            .check_at("k", 0.0, POLICY, t0 + secs(3600))
            .expect("check");
        assert_eq!(much_later.remaining, 10.0);
    }

    #[tokio::test]
    async fn the_bucket_refills_when_its_clock_moves() {
        let clock = Arc::new(crate::infra::clock::ShiftedClock::default());
        let limiter = InMemoryRateLimiter::new(clock.clone());
        assert!(
            limiter
                .check("k", 10.0, POLICY)
                .await
                .expect("check")
                .allowed
        );
        let refused = limiter.check("k", 4.0, POLICY).await.expect("check");
        assert!(!refused.allowed, "{refused:?}");
        clock.advance(secs(2));
        let later = limiter.check("k", 4.0, POLICY).await.expect("check");
        assert!(later.allowed, "{later:?}");
    }

    #[test]
    fn full_buckets_are_evicted() {
        let limiter = limiter();
        let t0 = Utc::now();
        // One check short of a sweep.
        for i in 1..SWEEP_EVERY {
            limiter
                .check_at(&format!("user-{i}"), 1.0, POLICY, t0)
                .expect("check");
        }
        assert_eq!(limiter.bucket_count(), SWEEP_EVERY - 1);
        // One point refills in half a second; by then every bucket is full and the next sweep drops them.
        let later = t0 + secs(1);
        limiter.check_at("late", 1.0, POLICY, later).expect("check");
        assert_eq!(limiter.bucket_count(), 1);
        let back = limiter
            .check_at("user-1", 0.0, POLICY, later)
            .expect("check");
        assert_eq!(back.remaining, 10.0, "an evicted bucket reads as full");
    }

    #[test]
    fn refused_requests_for_unknown_keys_store_nothing() {
        let limiter = limiter();
        let d = limiter
            .check_at("k", 11.0, POLICY, Utc::now())
            .expect("check");
        assert!(!d.allowed);
        assert_eq!(d.retry_after, Duration::ZERO);
        assert_eq!(limiter.bucket_count(), 0);
    }
}
