//! Business pickups: asset lists (import, per-line errors, bulk quotes), slot capacity by
//! weight, the per-asset disposition report and organisation roles.

mod assets;
mod capacity;
mod disposition;
mod fixtures;
mod roles;
