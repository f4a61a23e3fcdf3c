//! Partners: API keys (hashed, scoped, revocable), webhook endpoints, the transactional
//! outbox and the delivery worker that signs and retries.

pub mod delivery;
pub mod keys;
pub mod outbox;
pub mod webhooks;

pub use keys::{
    ApiKeyAuth, authenticate_key, create_partner, issue_api_key, list_api_keys, revoke_api_key,
};
