//! Pickup orders through GraphQL.

mod fixtures;

mod authorization;
mod booking;
mod concurrency;
mod lifecycle;
mod subscriptions;
