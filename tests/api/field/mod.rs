//! Field reality: retries after the fact, races between a collector's own accepts,
//! concurrent ratings, and what a partner key may do.

mod assignment;
mod double_assignment;
pub(crate) mod introspection;
mod payouts;
mod profiles;
mod ratings;
mod redaction;
mod replay;
mod scopes;
mod stuck;
mod waiting;
