//! Pickup orders through GraphQL.

pub(crate) mod fixtures;

mod authorization;
mod batching;
mod booking;
mod business;
mod concurrency;
mod crash;
mod inspection;
mod instances;
mod lifecycle;
mod subscriptions;
