//! Adapters behind traits: database, clock, password hashing, metrics, and the pieces
//! Redis backs (geo index, pub/sub, rate limiter), each with an in-process twin.

pub mod catalog_cache;
pub mod clock;
pub mod counters;
pub mod db;
pub mod geo;
pub mod group_commit;
pub mod metrics;
pub mod order_signals;
pub mod password;
pub mod pubsub;
pub mod rate_limit;
pub mod redis_conn;
pub mod redis_health;
pub mod script;
pub mod secrets;
pub mod signing;
pub mod stored;
pub mod tokens;
