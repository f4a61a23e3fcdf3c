//! Quotes: instant, explained, locked prices. A quote stores everything it was priced
//! from, so an inspection re-prices against the same evidence later.

mod evidence;
mod price_table;
mod read;
mod request;
mod writer;

pub use evidence::{QuoteEvidence, price_table_version, priced_with};
pub use price_table::PriceTables;
pub use read::{QuoteView, find_quote, lines_of};
pub use request::{Requester, request_quote};
pub use writer::QuoteWriter;
