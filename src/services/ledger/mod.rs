//! The custody ledger: append-only, hash-chained and signed events per item, the items'
//! intake at the doorstep, chain verification, signed checkpoints over every chain and
//! signed certificates. It knows nothing of orders' rules or who may act; the custody
//! workflows and `completePickup` call it inside their own transactions.

pub mod append;
pub mod certificates;
pub mod checkpoints;
pub mod intake;
pub mod verify;

pub use append::{ItemChange, NewCustodyEvent, append};
pub use verify::{ItemVerification, verify_items};
