//! Report queries: `collectionReport`.

use async_graphql::{Context, ID, InputObject, Object};
use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::domain::report::ReportRequest;
use crate::error::AppError;
use crate::graphql::context::ContextExt;
use crate::graphql::types::report::{CollectionReport, DimensionList, ReportDimensionGql};
use crate::services::reports::{self, ReportFilter};

/// Narrows a collection report.
#[derive(InputObject, Default)]
pub struct ReportFilterInput {
    /// Only this category code.
    pub category: Option<String>,
    /// Only this service area.
    pub area_id: Option<ID>,
    /// Only this partner's bookings (operators only; FORBIDDEN for anyone else).
    pub partner_id: Option<ID>,
}

/// Report queries.
#[derive(Default)]
pub struct ReportQuery;

fn id_arg(field: &'static str, id: Option<ID>) -> Result<Option<Uuid>, AppError> {
    id.map(|id| Uuid::parse_str(&id).map_err(|_| AppError::validation(field, "is not an id")))
        .transpose()
}

#[Object]
impl ReportQuery {
    /// What the pickups completed in `[from, to)` collected, grouped by `groupBy` (one
    /// to six distinct dimensions; DAY over at most 366 days): orders, items, kg
    /// (measured and estimated), payouts, fees, and kg per material — measured by
    /// facilities, and estimated from the catalog for items not processed yet. Operators
    /// see everything, a BUSINESS user its organisation's orders, a partner (ORDERS_READ)
    /// its own, a collector its own pickups, facility staff what their facility
    /// accepted; anyone else is FORBIDDEN. `filter` narrows it.
    async fn collection_report(
        &self,
        ctx: &Context<'_>,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        group_by: Vec<ReportDimensionGql>,
        filter: Option<ReportFilterInput>,
    ) -> async_graphql::Result<CollectionReport> {
        let filter = filter.unwrap_or_default();
        let state = ctx.state()?;
        let settings = &state.config.reports;
        let request = ReportRequest::parse(
            from,
            to,
            DimensionList::from(group_by).0,
            settings.time_zone,
            settings.max_days_by_day,
        )
        .map_err(|bad| AppError::validation(bad.field, bad.message))?;
        let filter = ReportFilter {
            category: filter.category,
            area: id_arg("filter.areaId", filter.area_id)?,
            partner: id_arg("filter.partnerId", filter.partner_id)?,
        };
        let report = reports::collection_report(state, ctx.viewer(), request, filter).await?;
        Ok(CollectionReport(report))
    }
}
