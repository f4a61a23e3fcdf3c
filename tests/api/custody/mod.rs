//! Custody after the doorstep: items created at completion, hand-over, receipt,
//! processing, certificates, tamper evidence, checkpoints, access and races.

mod access;
mod bad_input;
mod batteries;
mod blocklist;
mod concurrency;
pub(crate) mod fixtures;
mod flow;
mod partners;
mod rollback;
mod tamper;
