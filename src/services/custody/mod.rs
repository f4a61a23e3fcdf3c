//! Custody workflows after the doorstep: facilities and their staff, the collector's
//! hand-over, the facility's receipt and processing, who may see which items,
//! transfers and chains, and the EPCIS export. The signed log itself is `services::ledger`.

mod access;
mod device_time;
pub mod epcis;
pub mod facilities;
mod handover;
mod processing;
pub mod read;
mod receipt;

pub use access::Custodian;
pub use handover::{HandOver, hand_over};
pub use processing::{Processing, Sanitization, record_processing};
pub use receipt::{ReceiptLine, receive_transfer};
