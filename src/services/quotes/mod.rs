//! Quotes: instant, explained, locked prices. A quote stores everything it was priced
//! from, so an inspection re-prices against the same evidence later.

mod catalog_facts;
mod evidence;
mod price_table;
mod read;
mod request;
mod writer;

pub use evidence::{QuoteEvidence, price_table_version, priced_with};
pub use price_table::PriceTables;
pub use read::{CategoryTotal, QuoteView, find_quote, lines_of};
pub use request::{Requester, request_bulk_quote, request_quote};
pub use writer::QuoteWriter;

use std::sync::Arc;

use sea_orm::DatabaseConnection;

use crate::infra::db::WriteGate;

/// What quoting keeps between requests: the price table in force and the group-commit
/// writer. Built once at start-up; cheap to clone.
#[derive(Clone)]
pub struct Quoting {
    /// The price table in force, built once while it stays in force.
    pub tables: Arc<PriceTables>,
    /// Writes quotes in groups.
    pub writer: QuoteWriter,
}

impl Quoting {
    /// Starts the quote writer on `db`.
    pub fn start(db: DatabaseConnection, gate: WriteGate) -> Self {
        Self {
            tables: Arc::default(),
            writer: QuoteWriter::start(db, gate),
        }
    }
}
