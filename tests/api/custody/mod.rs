//! Custody after the doorstep: items created at completion, hand-over, receipt,
//! processing, certificates, tamper evidence, checkpoints, access, races and the EPCIS
//! export.

mod access;
mod bad_input;
mod batteries;
mod blocklist;
mod concurrency;
mod epcis;
pub(crate) mod fixtures;
mod flow;
mod partners;
mod rollback;
mod tamper;
