//! The evidence a quote keeps: the price table it was priced with and the context. Each
//! line keeps its own priced item (answers, weight, serial, category facts).

use sea_orm::ConnectionTrait;
use serde::{Deserialize, Serialize};

use super::price_table::stored_price_table;
use crate::domain::pricing::{PriceTable, PricingContext};
use crate::error::{AppError, AppResult};

/// What `price_quote` read besides the items; stored as JSON with the quote.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QuoteEvidence {
    /// The version of the price table in `price_tables`.
    pub price_table_version: String,
    /// Year and distance used.
    pub context: PricingContext,
}

/// Evidence as stored: quotes made before price tables had their own table carry the
/// whole table inline.
#[derive(Deserialize)]
#[serde(untagged)]
enum Stored {
    ByVersion(QuoteEvidence),
    Inline {
        table: Box<PriceTable>,
        context: PricingContext,
    },
}

/// The version of the table a quote's `evidence` names, without loading the table.
pub fn price_table_version(evidence: &serde_json::Value) -> Option<&str> {
    evidence
        .get("price_table_version")
        .or_else(|| evidence.get("table")?.get("version"))?
        .as_str()
}

/// The price table and context a quote was priced with, for re-pricing it.
pub async fn priced_with(
    conn: &impl ConnectionTrait,
    evidence: &serde_json::Value,
) -> AppResult<(PriceTable, PricingContext)> {
    let stored = Stored::deserialize(evidence)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("quote evidence: {e}")))?;
    match stored {
        Stored::ByVersion(evidence) => Ok((
            stored_price_table(conn, &evidence.price_table_version).await?,
            evidence.context,
        )),
        Stored::Inline { table, context } => Ok((*table, context)),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::domain::pricing::PricingRules;

    fn context() -> PricingContext {
        PricingContext {
            as_of_year: 2026,
            distance_outside_area_km: None,
        }
    }

    #[test]
    fn new_evidence_names_its_table_by_version() {
        let evidence = serde_json::to_value(QuoteEvidence {
            price_table_version: "rules-v1/abc".into(),
            context: context(),
        })
        .expect("json");
        assert_eq!(price_table_version(&evidence), Some("rules-v1/abc"));
        assert!(matches!(
            Stored::deserialize(&evidence),
            Ok(Stored::ByVersion(e)) if e.price_table_version == "rules-v1/abc"
        ));
    }

    #[test]
    fn evidence_stored_before_price_tables_still_carries_its_inline_table() {
        let table = PriceTable {
            version: "rules-v1/prices-11".into(),
            currency: "CNY".into(),
            material_prices: [("copper".to_owned(), "68.00".parse().expect("decimal"))].into(),
            rules: PricingRules::default(),
        };
        let evidence = json!({"table": table, "context": context(), "items": []});
        assert_eq!(price_table_version(&evidence), Some("rules-v1/prices-11"));
        assert!(matches!(
            Stored::deserialize(&evidence),
            Ok(Stored::Inline { table: inline, .. }) if *inline == table
        ));
    }
}
