//! Pickup orders through GraphQL.

mod fixtures;

mod booking;
mod lifecycle;
