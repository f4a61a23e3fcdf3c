//! Pickup orders through GraphQL.

pub(crate) mod fixtures;

mod authorization;
mod booking;
mod business;
mod concurrency;
mod inspection;
mod lifecycle;
mod subscriptions;
