//! The evidence a quote keeps: the price table, the context and every priced item.

use serde::{Deserialize, Serialize};

use crate::domain::pricing::{PriceTable, PricingContext, PricingItem};

/// Everything `price_quote` read; stored as JSON with the quote.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QuoteEvidence {
    /// Prices and rules in force when the quote was made.
    pub table: PriceTable,
    /// Year and distance used.
    pub context: PricingContext,
    /// The priced items, in line order.
    pub items: Vec<PricingItem>,
}
