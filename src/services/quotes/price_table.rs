//! The price table quotes are priced with: the current material prices, the published
//! rules and the currency. Its version is a hash of that content, so it is stored once in
//! `price_tables` and a quote's evidence names it instead of repeating it; and it is built
//! once and shared until a price, the rules or the currency change.

use std::sync::{Arc, Mutex, Weak};

use chrono::{DateTime, Utc};
use entity::price_table;
use sea_orm::{ConnectionTrait, EntityTrait};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::domain::pricing::{PriceTable, PricingRules};
use crate::error::{AppError, AppResult};
use crate::infra::catalog_cache::CatalogSnapshot;
use crate::services::catalog::material_prices::current_prices;

/// Names the pricing rules in code; part of every table version.
const RULES_VERSION: &str = "rules-v1";

/// The table in force, shared by the quotes priced while it stays in force.
#[derive(Default)]
pub struct PriceTables {
    current: Mutex<Option<Memo>>,
}

/// A built table and when it stops being current.
struct Memo {
    /// The catalog snapshot it was built from; a new snapshot means a catalog change.
    snapshot: Weak<CatalogSnapshot>,
    /// Built for this instant; a clock moved back before it rebuilds.
    built_at: DateTime<Utc>,
    /// The next future-dated price taking effect, which changes the table.
    next_change: Option<DateTime<Utc>>,
    table: Arc<PriceTable>,
}

impl Memo {
    fn holds_for(&self, snapshot: &Arc<CatalogSnapshot>, now: DateTime<Utc>) -> bool {
        std::ptr::eq(self.snapshot.as_ptr(), Arc::as_ptr(snapshot))
            && self.built_at <= now
            && self.next_change.is_none_or(|change| now < change)
    }
}

impl PriceTables {
    /// The table a quote made at `now` is priced with, from the catalog `snapshot` in
    /// force, in `currency`.
    pub fn current(
        &self,
        snapshot: &Arc<CatalogSnapshot>,
        now: DateTime<Utc>,
        currency: &str,
    ) -> AppResult<Arc<PriceTable>> {
        let mut current = self.current.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(memo) = current.as_ref().filter(|m| m.holds_for(snapshot, now)) {
            return Ok(Arc::clone(&memo.table));
        }
        let table = Arc::new(build(snapshot, now, currency)?);
        *current = Some(Memo {
            snapshot: Arc::downgrade(snapshot),
            built_at: now,
            next_change: snapshot
                .material_prices
                .iter()
                .map(|row| row.effective_from)
                .filter(|from| *from > now)
                .min(),
            table: Arc::clone(&table),
        });
        Ok(table)
    }
}

/// The prices, rules and currency a version is the hash of.
#[derive(Serialize)]
struct Content<'a> {
    currency: &'a str,
    material_prices: &'a std::collections::BTreeMap<String, rust_decimal::Decimal>,
    rules: &'a PricingRules,
}

fn build(snapshot: &CatalogSnapshot, now: DateTime<Utc>, currency: &str) -> AppResult<PriceTable> {
    let material_prices = current_prices(snapshot, now)
        .into_iter()
        .map(|(material, row)| (material, row.price_per_kg.0))
        .collect();
    let rules = PricingRules::default();
    let content = serde_json::to_vec(&Content {
        currency,
        material_prices: &material_prices,
        rules: &rules,
    })
    .map_err(anyhow::Error::from)?;
    let digest = hex::encode(Sha256::digest(&content));
    Ok(PriceTable {
        version: format!("{RULES_VERSION}/{}", &digest[..16]),
        currency: currency.to_owned(),
        material_prices,
        rules,
    })
}

/// The stored row for `table` (written with the first quote priced with it).
pub fn stored_row(table: &PriceTable, now: DateTime<Utc>) -> AppResult<price_table::Model> {
    Ok(price_table::Model {
        version: table.version.clone(),
        body: serde_json::to_value(table).map_err(anyhow::Error::from)?,
        created_at: now,
    })
}

/// The table stored under `version`.
pub async fn stored_price_table(
    conn: &impl ConnectionTrait,
    version: &str,
) -> AppResult<PriceTable> {
    let row = price_table::Entity::find_by_id(version.to_owned())
        .one(conn)
        .await?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("price table {version} is missing")))?;
    Ok(serde_json::from_value(row.body).map_err(anyhow::Error::from)?)
}
