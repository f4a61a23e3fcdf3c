//! Field reality: retries after the fact, races between a collector's own accepts,
//! concurrent ratings, and what a partner key may do.

mod assignment;
mod availability;
mod double_assignment;
pub(crate) mod introspection;
mod locations;
mod offers_replay;
mod offline;
mod payouts;
mod profiles;
mod ratings;
mod redaction;
mod replay;
mod scopes;
mod service_hours;
mod stuck;
mod waiting;
