//! TEMP
use super::*;
#[derive(Default)]
pub struct InMemoryRateLimiter;
#[async_trait]
impl RateLimiter for InMemoryRateLimiter {
    async fn check(
        &self,
        _key: &str,
        _cost: f64,
        policy: BucketPolicy,
    ) -> anyhow::Result<Decision> {
        Ok(Decision {
            allowed: true,
            remaining: policy.capacity,
            retry_after: std::time::Duration::ZERO,
        })
    }
}
