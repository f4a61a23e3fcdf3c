//! TEMP
pub mod memory;
use async_trait::async_trait;
#[derive(Clone, Copy, Debug)]
pub struct BucketPolicy {
    pub capacity: f64,
    pub refill_per_sec: f64,
}
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Decision {
    pub allowed: bool,
    pub remaining: f64,
    pub retry_after: std::time::Duration,
}
#[async_trait]
pub trait RateLimiter: Send + Sync {
    async fn check(&self, key: &str, cost: f64, policy: BucketPolicy) -> anyhow::Result<Decision>;
}
