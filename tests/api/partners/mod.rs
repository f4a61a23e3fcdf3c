//! Partners end to end: API keys (issued once, hashed, scoped, revocable), bookings on
//! behalf of customers with an external reference, webhooks delivered from the outbox
//! to a local receiver (signatures, retries, 410, redelivery, a receiver that is down, a
//! crash between commit and send) and cost-based rate limits.

pub(crate) mod fixtures;
pub(crate) mod receiver;

mod crash;
mod endpoints;
mod keys;
mod rate_limits;
mod webhooks;
