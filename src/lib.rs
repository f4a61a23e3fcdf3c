//! reloop: the back end of an online-offline recycling network.
//!
//! A request travels top to bottom through these layers; nothing lower imports anything
//! higher:
//!
//! - [`http`]: actix-web routes (`/graphql` over HTTP and WebSocket, GraphiQL, probes,
//!   metrics) and the GraphQL-over-HTTP rules.
//! - [`graphql`]: the schema. Resolvers authenticate, parse input into domain types and
//!   call a service; they hold no rules.
//! - [`services`]: use cases. Each takes the database connection, runs its transaction,
//!   applies rules from [`domain`] and talks to adapters from [`infra`].
//! - [`domain`]: pure rules and value types, no I/O and no async.
//! - [`infra`]: adapters behind traits (database, clock, geo index, pub/sub, rate limiter,
//!   password hashing, metrics), with Redis and in-process implementations.
//!
//! [`startup::Application`] wires them together; [`config::Config`] says how. [`cli`] is the
//! binary's commands; [`demo`] (`reloop demo`) is a client of the public API, above them all.

pub mod cli;
pub mod config;
pub mod demo;
pub mod domain;
pub mod error;
pub mod graphql;
pub mod http;
pub mod infra;
#[cfg(test)]
mod layering;
pub mod services;
pub mod startup;
pub mod state;
pub mod telemetry;
