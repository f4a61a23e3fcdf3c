//! `requestQuote`: checks the items against the catalog, prices them with the price table
//! in force, and stores the quote with its evidence.

use chrono::{DateTime, Datelike, Duration, Utc};
use entity::{DbDecimal, quote, quote_line};
use rust_decimal::Decimal;
use serde_json::json;
use uuid::Uuid;

use super::Quoting;
use super::catalog_facts::CatalogFacts;
use super::evidence::QuoteEvidence;
use super::read::QuoteView;
use crate::domain::geo::GeoPoint;
use crate::domain::pricing::{
    PricedQuote, PricingContext, PricingError, PricingItem, PricingMethod, price_quote,
};
use crate::domain::quote::{QuoteRequest, QuoteStatus};
use crate::error::{AppError, AppResult};
use crate::infra::rate_limit::BucketPolicy;
use crate::services::blocklist::{CheckContext, Screening, listings_of};
use crate::services::catalog::service_areas::{list_service_areas, nearest_area};
use crate::state::AppState;

/// Who asks for a quote: decides the rate-limit budget and who owns the quote.
#[derive(Clone, Debug)]
pub enum Requester {
    /// Not signed in; budgeted per client address; the quote has no owner yet.
    Anonymous {
        /// The client address.
        client: String,
    },
    /// A signed-in user, who owns the quote.
    User(Uuid),
    /// A partner's API key: the partner owns the quote; its budget is the key's
    /// cost-based rate limit, not this per-caller one.
    Partner(Uuid),
}

/// Prices `request` and stores it as an ACTIVE quote. Bad input is a VALIDATION error
/// naming the field, and nothing is stored.
#[tracing::instrument(skip_all, fields(items = request.items.len()))]
pub async fn request_quote(
    state: &AppState,
    quoting: &Quoting,
    requester: Requester,
    request: QuoteRequest,
) -> AppResult<QuoteView> {
    throttle(state, &requester).await?;
    check_item_count(state, &request)?;
    price_and_store(state, quoting, requester, request, None).await
}

/// Prices a business asset list's lines (one item each) as one quote, like
/// `requestQuote` but up to `max_asset_lines` lines; each line keeps its asset's id,
/// which booking copies onto the order line. The caller has checked the viewer may use
/// the list.
#[tracing::instrument(skip_all, fields(items = request.items.len()))]
pub async fn request_bulk_quote(
    state: &AppState,
    quoting: &Quoting,
    requester: Requester,
    request: QuoteRequest,
    asset_ids: Vec<Uuid>,
) -> AppResult<QuoteView> {
    throttle(state, &requester).await?;
    let limit = state.config.quotes.max_asset_lines;
    if request.items.is_empty()
        || request.items.len() > limit
        || asset_ids.len() != request.items.len()
    {
        return Err(AppError::validation(
            "assetListId",
            format!("an asset list quote holds 1 to {limit} lines"),
        ));
    }
    price_and_store(state, quoting, requester, request, Some(asset_ids)).await
}

/// Prices `request` and stores the quote; `asset_ids` (one per item) are kept in the
/// lines' references.
async fn price_and_store(
    state: &AppState,
    quoting: &Quoting,
    requester: Requester,
    request: QuoteRequest,
    asset_ids: Option<Vec<Uuid>>,
) -> AppResult<QuoteView> {
    let snapshot = state.catalog.snapshot(&state.db).await?;
    let catalog = CatalogFacts::load(&state.db, &snapshot, &request.items).await?;
    let (items, mut references) = catalog.pricing_items(&request.items)?;
    if let Some(ids) = asset_ids {
        for (reference, id) in references.iter_mut().zip(ids) {
            reference["assetId"] = json!(id);
        }
    }
    let now = state.clock.now();
    let context = PricingContext {
        as_of_year: now.year(),
        distance_outside_area_km: distance_outside_area(state, request.pickup).await?,
    };
    let table = quoting
        .tables
        .current(&snapshot, now, &state.config.currency)?;
    let priced = price_quote(&items, &table, &context).map_err(|err| match err {
        PricingError::Overflow => {
            AppError::validation("input.items", "amounts are too large to price")
        }
        PricingError::Invalid(message) => AppError::validation("input.items", message),
    })?;
    let validity = Duration::from_std(state.config.quotes.validity).map_err(anyhow::Error::from)?;
    let evidence = QuoteEvidence {
        price_table_version: table.version.clone(),
        context,
    };
    let quote_row = quote_row(
        &requester,
        &request,
        &table.currency,
        &priced,
        &evidence,
        now,
        now + validity,
    )?;
    let references = screened(state, &requester, quote_row.id, references, now).await?;
    let lines = quote_lines(quote_row.id, &priced, &items, references)?;
    // Committed together with the quotes that arrive at the same moment (group commit);
    // this request answers only once its own quote is durable.
    let (quote_row, lines) = quoting.writer.write(quote_row, lines, table).await?;
    QuoteView::new(quote_row, lines, now)
}

/// The references with a `warnings` list each: a serial on the blocklist is warned
/// about (the quote still answers; the inspection will exclude the device). Every check
/// is recorded.
async fn screened(
    state: &AppState,
    requester: &Requester,
    quote_id: Uuid,
    mut references: Vec<serde_json::Value>,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<Vec<serde_json::Value>> {
    let who = Screening {
        actor_user_id: match requester {
            Requester::User(id) => Some(*id),
            _ => None,
        },
        partner_id: match requester {
            Requester::Partner(id) => Some(*id),
            _ => None,
        },
    };
    // One lookup and one INSERT of check records for all the serials, not one each: a
    // quote from an asset list has up to 2,000.
    let serials: Vec<Option<String>> = references
        .iter()
        .map(|r| r["serialNumber"].as_str().map(str::to_owned))
        .collect();
    let borrowed: Vec<Option<&str>> = serials.iter().map(Option::as_deref).collect();
    let context = CheckContext::Quote { quote_id };
    let listings = listings_of(
        &state.db,
        &state.server_key,
        &borrowed,
        Some((context, who)),
        now,
    )
    .await?;
    for ((reference, serial), listed) in references.iter_mut().zip(&serials).zip(listings) {
        let warnings: Vec<String> = match (serial, listed) {
            (Some(serial), Some(listed)) => vec![format!(
                "this device ({serial}) is reported {}: it will be collected but not paid for",
                listed.reason
            )],
            _ => Vec::new(),
        };
        reference["warnings"] = json!(warnings);
    }
    Ok(references)
}

fn check_item_count(state: &AppState, request: &QuoteRequest) -> AppResult<()> {
    let limit = state.config.quotes.max_items;
    if request.items.is_empty() || request.items.len() > limit {
        return Err(AppError::validation(
            "input.items",
            format!("must hold 1 to {limit} items"),
        ));
    }
    Ok(())
}

/// How far outside the nearest service area the pickup is (None without a location);
/// VALIDATION when it is further than the configured tolerance.
async fn distance_outside_area(
    state: &AppState,
    pickup: Option<GeoPoint>,
) -> AppResult<Option<Decimal>> {
    let Some(point) = pickup else {
        return Ok(None);
    };
    let areas = list_service_areas(state).await?;
    match nearest_area(&areas, point).map(|(_, km)| km) {
        Some(km) if km <= state.config.quotes.max_km_outside_area => {
            Ok(Decimal::from_f64_retain(km).map(|d| d.round_dp(1)))
        }
        _ => Err(AppError::validation(
            "input.pickupLocation",
            "is outside the areas we serve",
        )),
    }
}

/// The quote row, ACTIVE until `valid_until`.
fn quote_row(
    requester: &Requester,
    request: &QuoteRequest,
    currency: &str,
    priced: &PricedQuote,
    evidence: &QuoteEvidence,
    now: DateTime<Utc>,
    valid_until: DateTime<Utc>,
) -> AppResult<quote::Model> {
    let (owner, owner_partner) = match requester {
        Requester::User(id) => (Some(*id), None),
        Requester::Partner(id) => (None, Some(*id)),
        Requester::Anonymous { .. } => (None, None),
    };
    Ok(quote::Model {
        // Time-ordered ids (UUIDv7) keep the quote and line indexes append-only: random
        // ones dirty a random index page per row, which multiplied the bytes each quote
        // wrote. The 74 random bits still make an anonymous quote's id unguessable.
        id: Uuid::now_v7(),
        owner_user_id: owner,
        owner_partner_id: owner_partner,
        status: QuoteStatus::Active.into(),
        currency: currency.to_owned(),
        valid_until,
        logistics_fee: DbDecimal(priced.logistics_fee),
        logistics_breakdown: serde_json::to_value(&priced.logistics_breakdown)
            .map_err(anyhow::Error::from)?,
        total: DbDecimal(priced.total),
        pickup_latitude: request.pickup.map(|p| p.latitude),
        pickup_longitude: request.pickup.map(|p| p.longitude),
        evidence: serde_json::to_value(evidence).map_err(anyhow::Error::from)?,
        created_at: now,
        used_at: None,
    })
}

/// One stored line per priced line, with the references kept for the order.
fn quote_lines(
    quote_id: Uuid,
    priced: &PricedQuote,
    items: &[PricingItem],
    references: Vec<serde_json::Value>,
) -> AppResult<Vec<quote_line::Model>> {
    let mut lines = Vec::with_capacity(priced.lines.len());
    for (position, ((line, item), reference)) in
        priced.lines.iter().zip(items).zip(references).enumerate()
    {
        lines.push(quote_line::Model {
            id: Uuid::now_v7(),
            quote_id,
            position: i32::try_from(position).map_err(anyhow::Error::from)?,
            description: line.description.clone(),
            quantity: i32::try_from(line.quantity).map_err(anyhow::Error::from)?,
            method: method_name(line.method).to_owned(),
            amount: DbDecimal(line.amount),
            breakdown: serde_json::to_value(&line.breakdown).map_err(anyhow::Error::from)?,
            total_weight_kg: DbDecimal(line.total_weight_kg),
            item: json!({"reference": reference, "priced": item}),
        });
    }
    Ok(lines)
}

/// The stored name of a pricing method.
pub fn method_name(method: PricingMethod) -> &'static str {
    match method {
        PricingMethod::Reuse => "REUSE",
        PricingMethod::MaterialRecovery => "MATERIAL_RECOVERY",
        PricingMethod::DisposalFee => "DISPOSAL_FEE",
    }
}

async fn throttle(state: &AppState, requester: &Requester) -> AppResult<()> {
    let settings = &state.config.quotes;
    let (key, per_minute) = match requester {
        Requester::Anonymous { client } => {
            (format!("quote:ip:{client}"), settings.anonymous_per_minute)
        }
        Requester::User(id) => (format!("quote:user:{id}"), settings.user_per_minute),
        Requester::Partner(_) => return Ok(()),
    };
    let per_minute = f64::from(per_minute);
    let policy = BucketPolicy {
        capacity: per_minute,
        refill_per_sec: per_minute / 60.0,
    };
    let decision = state.rate_limiter.check(&key, 1.0, policy).await?;
    if decision.allowed {
        Ok(())
    } else {
        Err(AppError::RateLimited {
            retry_after_secs: decision.retry_after.as_secs_f64(),
        })
    }
}
