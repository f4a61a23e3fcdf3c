//! Builds the price table in force now: current material prices and the published rules.

use crate::domain::pricing::{PriceTable, PricingRules};
use crate::error::AppResult;
use crate::services::catalog::material_prices::current_prices;
use crate::state::AppState;

/// The table a quote made now is priced with. Its version names the rules and the
/// price history length, so two quotes with one version saw the same prices.
pub async fn load_price_table(state: &AppState) -> AppResult<PriceTable> {
    let (prices, history_len) = current_prices(state, state.clock.now()).await?;
    Ok(PriceTable {
        version: format!("rules-v1/prices-{history_len}"),
        currency: state.config.currency.clone(),
        material_prices: prices
            .into_iter()
            .map(|(material, row)| (material, row.price_per_kg.0))
            .collect(),
        rules: PricingRules::default(),
    })
}
