//! Waiting on observable state: poll a condition until it holds or a deadline passes.
//! There is no "sleep and hope" in the suite; each wait names what it waits for.

use std::future::Future;
use std::time::Duration;

/// How long a wait may take before the test fails, unless the caller says otherwise:
/// generous, since a loaded machine (or PostgreSQL, or a fresh process) can be slow, and
/// only a failing test ever waits this long.
pub const PATIENCE: Duration = Duration::from_secs(15);

/// How often [`eventually`] looks again.
const POLL: Duration = Duration::from_millis(20);

/// Polls `check` every 20 ms until it returns Some, failing after `within`.
pub async fn eventually<T, F, Fut>(within: Duration, what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + within;
    loop {
        if let Some(found) = check().await {
            return found;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out after {within:?} waiting for {what}"
        );
        tokio::time::sleep(POLL).await;
    }
}
