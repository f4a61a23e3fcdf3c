//! Dispatch end to end: who is eligible for an order, offers and their answers, expiry
//! and widening, operators' tools, live locations, accept races, several instances and
//! a crash in the middle of an accept storm.

pub(crate) mod fixtures;

mod activity;
mod crash;
mod eligibility;
mod expiry;
mod location;
mod multi_instance;
mod offers;
mod operators;
mod race;
