//! `Quote` and `QuoteLine`.

use std::sync::Arc;

use async_graphql::{Enum, ID, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::quote_line;

use super::decimal::DecimalString;
use super::geo::GeoPoint;
use super::pricing::{PriceComponent, PricingMethodGql};
use crate::domain::pricing::PricingMethod;
use crate::error::AppError;
use crate::services::quotes::{QuoteView, price_table_version};

/// Where a quote is in its life.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(name = "QuoteStatus", remote = "crate::domain::quote::QuoteStatus")]
pub enum QuoteStatusGql {
    /// Price locked until `validUntil`; can be booked once.
    Active,
    /// Past `validUntil` without a booking.
    Expired,
    /// Booked.
    Used,
}

/// A priced offer for a set of items, locked until `validUntil`.
pub struct Quote(pub QuoteView);

/// A priced offer for a set of items, locked until `validUntil`.
#[Object]
impl Quote {
    /// The quote id; unguessable, so an anonymous quote can be shared by its id.
    async fn id(&self) -> ID {
        ID(self.0.quote.id.to_string())
    }

    /// ACTIVE, EXPIRED or USED, as of now.
    async fn status(&self) -> QuoteStatusGql {
        self.0.status.into()
    }

    /// ISO 4217 currency of every amount.
    async fn currency(&self) -> &str {
        &self.0.quote.currency
    }

    /// Until when the prices hold.
    async fn valid_until(&self) -> DateTime<Utc> {
        self.0.quote.valid_until
    }

    /// When the quote was made.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.quote.created_at
    }

    /// One line per requested item.
    async fn lines(&self) -> Vec<QuoteLine> {
        self.0.lines.iter().cloned().map(QuoteLine).collect()
    }

    /// Collection cost, by total weight and distance outside the service area.
    async fn logistics_fee(&self) -> DecimalString {
        DecimalString::from(self.0.quote.logistics_fee.0)
    }

    /// How the logistics fee was computed; sums exactly to it.
    async fn logistics_breakdown(&self) -> Vec<PriceComponent> {
        serde_json::from_value::<Vec<crate::domain::pricing::PriceComponent>>(
            self.0.quote.logistics_breakdown.clone(),
        )
        .unwrap_or_default()
        .into_iter()
        .map(Into::into)
        .collect()
    }

    /// What the customer receives: the sum of the lines' amounts minus the logistics fee,
    /// exactly. Negative when the customer pays (disposal fees).
    async fn total(&self) -> DecimalString {
        DecimalString::from(self.0.quote.total.0)
    }

    /// The pickup position the quote was priced for.
    async fn pickup_location(&self) -> Option<GeoPoint> {
        match (self.0.quote.pickup_latitude, self.0.quote.pickup_longitude) {
            (Some(latitude), Some(longitude)) => Some(GeoPoint {
                latitude,
                longitude,
            }),
            _ => None,
        }
    }

    /// The price table the quote was computed with (rules and material prices).
    async fn price_table_version(&self) -> Option<String> {
        price_table_version(&self.0.quote.evidence).map(str::to_owned)
    }

    /// The lines' totals per category, by category code; their amounts add up to the
    /// lines' amounts exactly.
    async fn category_totals(&self) -> Vec<CategoryTotalGql> {
        self.0
            .category_totals()
            .into_iter()
            .map(|t| CategoryTotalGql {
                category_code: t.category_code,
                lines: i32::try_from(t.lines).unwrap_or(i32::MAX),
                quantity: i32::try_from(t.quantity).unwrap_or(i32::MAX),
                weight_kg: t.weight_kg.normalize().into(),
                amount: t.amount.into(),
            })
            .collect()
    }
}

/// What a quote's lines of one category add up to.
#[derive(SimpleObject)]
#[graphql(name = "CategoryTotal")]
pub struct CategoryTotalGql {
    /// The category code.
    pub category_code: String,
    /// Lines of this category.
    pub lines: i32,
    /// Pieces (or weighed lots) over those lines.
    pub quantity: i32,
    /// Their total weight, kg.
    pub weight_kg: DecimalString,
    /// The sum of their amounts (disposal fees negative).
    pub amount: DecimalString,
}

/// One priced item of a quote.
pub struct QuoteLine(pub Arc<quote_line::Model>);

/// One priced item of a quote.
#[Object]
impl QuoteLine {
    /// The line id (an inspection refers to it).
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// The model ("Apple iPhone 13") or category ("Lead-acid battery (LEAD_ACID, 15 kg)").
    async fn description(&self) -> &str {
        &self.0.description
    }

    /// Number of pieces.
    async fn quantity(&self) -> i32 {
        self.0.quantity
    }

    /// The better of reuse and material recovery, or a disposal fee.
    async fn method(&self) -> Result<PricingMethodGql, AppError> {
        let method = match self.0.method.as_str() {
            "REUSE" => PricingMethod::Reuse,
            "MATERIAL_RECOVERY" => PricingMethod::MaterialRecovery,
            "DISPOSAL_FEE" => PricingMethod::DisposalFee,
            other => return Err(AppError::Internal(anyhow::anyhow!("stored method {other}"))),
        };
        Ok(method.into())
    }

    /// Why this line may not be paid as quoted, e.g. a serial reported stolen (empty
    /// when nothing is wrong).
    async fn warnings(&self) -> Vec<String> {
        self.0.item["reference"]["warnings"]
            .as_array()
            .map(|w| {
                w.iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The line's amount for all its pieces; negative for a disposal fee.
    async fn amount(&self) -> DecimalString {
        DecimalString::from(self.0.amount.0)
    }

    /// Labelled components that add up exactly to `amount`.
    async fn breakdown(&self) -> Vec<PriceComponent> {
        serde_json::from_value::<Vec<crate::domain::pricing::PriceComponent>>(
            self.0.breakdown.clone(),
        )
        .unwrap_or_default()
        .into_iter()
        .map(Into::into)
        .collect()
    }

    /// Weight of all pieces, kg.
    async fn total_weight_kg(&self) -> DecimalString {
        DecimalString::from(self.0.total_weight_kg.0)
    }

    /// The device model, when the line is for one.
    async fn device_model_id(&self) -> Option<ID> {
        self.0
            .item
            .get("reference")?
            .get("deviceModelId")?
            .as_str()
            .map(|id| ID(id.to_owned()))
    }

    /// The category code.
    async fn category_code(&self) -> Option<String> {
        self.0
            .item
            .get("reference")?
            .get("categoryCode")?
            .as_str()
            .map(str::to_owned)
    }

    /// The asset this line was quoted from (quotes of an asset list).
    async fn asset_id(&self) -> Option<ID> {
        self.0
            .item
            .pointer("/reference/assetId")?
            .as_str()
            .map(|id| ID(id.to_owned()))
    }

    /// The serial number or IMEI given.
    async fn serial_number(&self) -> Option<String> {
        self.0
            .item
            .get("reference")?
            .get("serialNumber")?
            .as_str()
            .map(str::to_owned)
    }
}
