//! Catalog queries: categories, device models, material prices, service areas, rules.

use async_graphql::connection::{Connection, CursorType, Edge, OpaqueCursor};
use async_graphql::{Context, Object};
use uuid::Uuid;

use crate::domain::pricing::PricingRules;
use crate::error::AppError;
use crate::graphql::context::ContextExt;
use crate::graphql::guards::RoleGuard;
use crate::graphql::types::catalog::{AuditEntry, DeviceModel, MaterialPrice, ServiceArea};
use crate::graphql::types::category::Category;
use crate::graphql::types::pricing::PricingRulesView;
use crate::services::catalog::{self, audit, device_models, material_prices, service_areas};
use crate::services::pagination::page_size;

/// A page of device models.
pub type DeviceModelConnection = Connection<OpaqueCursor<(String, Uuid)>, DeviceModel>;
/// A page of audit entries.
pub type AuditEntryConnection = Connection<OpaqueCursor<u64>, AuditEntry>;

/// Catalog queries; open to everyone.
#[derive(Default)]
pub struct CatalogQuery;

#[Object]
impl CatalogQuery {
    /// Every category reloop collects, ordered by code.
    async fn categories(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Category>> {
        let categories = catalog::list_categories(ctx.state()?).await?;
        Ok(categories.into_iter().map(Category).collect())
    }

    /// Device models whose brand and model contain `search` (case-insensitive), optionally
    /// of one category, ordered by name. `first` is 1 to 100 (20 by default).
    async fn device_models(
        &self,
        ctx: &Context<'_>,
        search: Option<String>,
        category: Option<String>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<DeviceModelConnection> {
        let take = page_size(first)?;
        let after = after
            .map(|raw| OpaqueCursor::<(String, Uuid)>::decode_cursor(&raw))
            .transpose()
            .map_err(|_| AppError::validation("after", "is not a cursor from this list"))?
            .map(|cursor| cursor.0);
        let category = category.map(|c| c.trim().to_uppercase());
        let page = device_models::search_device_models(
            &ctx.state()?.db,
            search.as_deref(),
            category.as_deref(),
            after.clone(),
            take,
        )
        .await?;
        let mut connection = Connection::new(after.is_some(), page.has_next);
        connection.edges.extend(
            page.items
                .into_iter()
                .map(|m| Edge::new(OpaqueCursor((m.search_key.clone(), m.id)), DeviceModel(m))),
        );
        Ok(connection)
    }

    /// The current price per kg of every material.
    async fn material_prices(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<MaterialPrice>> {
        let state = ctx.state()?;
        let snapshot = state.catalog.snapshot(&state.db).await?;
        let current = material_prices::current_prices(&snapshot, state.clock.now());
        Ok(current.into_values().map(MaterialPrice::from).collect())
    }

    /// Every price point of one material, newest first (including future ones).
    async fn material_price_history(
        &self,
        ctx: &Context<'_>,
        material: String,
    ) -> async_graphql::Result<Vec<MaterialPrice>> {
        let rows = material_prices::price_history(&ctx.state()?.db, material.trim()).await?;
        Ok(rows.into_iter().map(MaterialPrice::from).collect())
    }

    /// The regions reloop serves.
    async fn service_areas(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<ServiceArea>> {
        let areas = service_areas::list_service_areas(ctx.state()?).await?;
        Ok(areas.into_iter().map(ServiceArea::from).collect())
    }

    /// The published pricing rules: condition grades, defect deductions, depreciation,
    /// recovery rates and the rounding rule.
    async fn pricing_rules(&self) -> PricingRulesView {
        PricingRulesView::from(&PricingRules::default())
    }

    /// Catalog and price changes, newest first (operators). `first` is 1 to 100.
    #[graphql(guard = "RoleGuard::operator()")]
    async fn catalog_audit_log(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<AuditEntryConnection> {
        let take = page_size(first)?;
        let skip = after
            .map(|raw| OpaqueCursor::<u64>::decode_cursor(&raw))
            .transpose()
            .map_err(|_| AppError::validation("after", "is not a cursor from this list"))?
            .map_or(0, |cursor| cursor.0 + 1);
        let page = audit::list(&ctx.state()?.db, skip, take).await?;
        let mut connection = Connection::new(skip > 0, page.has_next);
        connection.edges.extend(
            page.items
                .into_iter()
                .enumerate()
                .map(|(i, row)| Edge::new(OpaqueCursor(skip + i as u64), AuditEntry::from(row))),
        );
        Ok(connection)
    }
}
