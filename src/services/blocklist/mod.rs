//! The blocklist of serials and IMEIs reported stolen, lost or financed: operators and
//! partners (BLOCKLIST_WRITE) list devices; quotes warn about a listed serial and
//! inspections exclude it from the payout. Serials are looked up by a keyed hash of
//! their lookup form, and every check is recorded; operators list the hits.

pub mod bulk;
pub mod check;
pub mod entries;
pub mod hits;

pub use bulk::listings_of;
pub use check::{CheckContext, Screening, listing_of};
pub use entries::{add, list, remove};
