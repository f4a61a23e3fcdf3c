//! The collection report's GraphQL types: `ReportDimension`, `ReportRow`,
//! `CollectionReport` (DESIGN §10), with the figures reloop adds to them.

use async_graphql::{Enum, Object};
use chrono::{DateTime, Utc};

use super::custody::MaterialAmount;
use super::decimal::DecimalString;
use crate::domain::report::{Dimension, kg_from_micro, money_from_micro};
use crate::services::reports::{self, ReportRow as Row};

/// What the rows of a report are keyed by. Days and months are those of the reporting
/// time zone (`RELOOP_REPORT_TIME_ZONE`, Asia/Shanghai by default) in which the pickup
/// completed.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(name = "ReportDimension", remote = "crate::domain::report::Dimension")]
pub enum ReportDimensionGql {
    /// The category code, e.g. SMARTPHONE.
    Category,
    /// The service area's id.
    Area,
    /// The collector's id ("" when none).
    Collector,
    /// The id of the facility that accepted the items ("" until one did).
    Facility,
    /// `YYYY-MM-DD`.
    Day,
    /// `YYYY-MM`.
    Month,
}

/// One row of a collection report: what the pickups completed in the period added up
/// to for one key. Money is in the base currency; kg collected are the collector's
/// weights at the doorstep.
pub struct ReportRow(pub Row);

fn amounts(map: &std::collections::BTreeMap<String, i64>) -> Vec<MaterialAmount> {
    map.iter()
        .filter(|(_, kg)| **kg != 0)
        .map(|(material, kg)| MaterialAmount {
            material: material.clone(),
            kg: DecimalString(kg_from_micro(*kg)),
        })
        .collect()
}

/// One row of a collection report: what the pickups completed in the period added up
/// to for one key. Money is in the base currency; kg collected are the collector's
/// weights at the doorstep.
#[Object]
impl ReportRow {
    /// One value per dimension, in the order of `groupBy` (ids for AREA, COLLECTOR and
    /// FACILITY; "" for none).
    async fn key(&self) -> &[String] {
        &self.0.key
    }

    /// Orders completed; an order counts once, with its first item (so a row keyed by
    /// CATEGORY counts the order where its first line's category is).
    async fn orders(&self) -> i32 {
        i32::try_from(self.0.measures.orders).unwrap_or(i32::MAX)
    }

    /// Custody items collected: one per piece, one per weighed lot.
    async fn items(&self) -> i32 {
        i32::try_from(self.0.measures.items).unwrap_or(i32::MAX)
    }

    /// kg collected: `measuredWeightKg` + `estimatedWeightKg`.
    async fn weight_kg(&self) -> DecimalString {
        let m = self.0.measures;
        DecimalString(kg_from_micro(m.measured_kg + m.estimated_kg))
    }

    /// kg the collector weighed.
    async fn measured_weight_kg(&self) -> DecimalString {
        DecimalString(kg_from_micro(self.0.measures.measured_kg))
    }

    /// kg estimated from the quote or the category's typical weight.
    async fn estimated_weight_kg(&self) -> DecimalString {
        DecimalString(kg_from_micro(self.0.measures.estimated_kg))
    }

    /// Paid to customers: item amounts (disposal fees negative) less pickup fees; the
    /// rows add up to the payouts created at completion exactly.
    async fn payout(&self) -> DecimalString {
        DecimalString(money_from_micro(self.0.measures.payout))
    }

    /// Disposal fees charged for items worth less than their handling (positive).
    async fn disposal_fees(&self) -> DecimalString {
        DecimalString(money_from_micro(self.0.measures.disposal_fees))
    }

    /// Pickup (logistics) fees charged, counted with each order's first item.
    async fn logistics_fees(&self) -> DecimalString {
        DecimalString(money_from_micro(self.0.measures.logistics_fees))
    }

    /// kg recovered per material, measured: from facilities' processing records.
    async fn materials(&self) -> Vec<MaterialAmount> {
        amounts(&self.0.materials)
    }

    /// kg expected back per material for items not processed yet: an ESTIMATE from the
    /// catalog's composition and recovery rates, never mixed with `materials`.
    async fn estimated_materials(&self) -> Vec<MaterialAmount> {
        amounts(&self.0.estimated_materials)
    }

    /// kg CO2e avoided: an ESTIMATE, each item's kg times its category's published
    /// factor (`Category.co2eAvoidedKgPerKg`) when its pickup completed; categories
    /// without a factor add nothing. Sources of the default factors are in the README.
    #[graphql(name = "co2eAvoidedKg")]
    async fn co2e_avoided_kg(&self) -> DecimalString {
        DecimalString(kg_from_micro(self.0.measures.co2e_kg))
    }
}

/// A collection report: rows keyed by the dimensions asked, and their totals.
pub struct CollectionReport(pub reports::CollectionReport);

/// A collection report: rows keyed by the dimensions asked, and their totals.
#[Object]
impl CollectionReport {
    /// As asked; the report covers the whole days whose midnight (reporting time zone)
    /// falls in `[from, to)`.
    async fn from(&self) -> DateTime<Utc> {
        self.0.request.from
    }

    /// As asked (excluded).
    async fn to(&self) -> DateTime<Utc> {
        self.0.request.to
    }

    /// Rows with any figure, ordered by key.
    async fn rows(&self) -> Vec<ReportRow> {
        self.0.rows.iter().cloned().map(ReportRow).collect()
    }

    /// The exact sum of `rows` (its key is empty).
    async fn totals(&self) -> ReportRow {
        ReportRow(self.0.totals.clone())
    }
}

impl From<Vec<ReportDimensionGql>> for DimensionList {
    fn from(list: Vec<ReportDimensionGql>) -> Self {
        Self(list.into_iter().map(Dimension::from).collect())
    }
}

/// The dimensions asked, in order.
pub struct DimensionList(pub Vec<Dimension>);
