//! Use cases. Each entry point takes the [`AppState`](crate::state::AppState) (or a
//! connection), runs its own transaction, applies rules from `domain` and returns
//! entity models or plain structs; GraphQL types are built from those by the caller.

pub mod account_events;
pub mod assets;
pub mod auth;
pub mod backlog_sampler;
pub mod blocklist;
pub mod budget;
pub mod catalog;
pub mod collector_actions;
pub mod collector_record;
pub mod collectors;
pub mod compliance;
pub mod custody;
pub mod demo_seed;
pub mod discrepancies;
pub mod dispatch;
pub mod erasure;
pub mod geo_recovery;
pub mod ledger;
pub mod operators;
pub mod orders;
pub mod organizations;
pub mod pagination;
pub mod partners;
pub mod quotes;
pub mod reports;
pub mod users;

pub use auth::Viewer;
