//! Operator catalog management: categories, device models, material prices, service
//! hours.

use async_graphql::{Context, ID, Object};
use chrono::Datelike;
use rust_decimal::Decimal;

use crate::domain::order::ServiceHours;
use crate::error::AppError;
use crate::graphql::context::ContextExt;
use crate::graphql::guards::RoleGuard;
use crate::graphql::types::catalog::{DeviceModel, MaterialPrice, ServiceArea};
use crate::graphql::types::catalog_input::{
    CategoryInput, DeviceModelInput, MaterialPriceInput, money,
};
use crate::graphql::types::category::Category;
use crate::services::catalog::{categories, device_models, material_prices, service_areas};

/// Catalog changes (operators); each one is audited.
#[derive(Default)]
pub struct CatalogMutation;

#[Object]
impl CatalogMutation {
    /// Creates a category, or replaces the definition of the one with the same code.
    #[graphql(guard = "RoleGuard::operator()")]
    async fn upsert_category(
        &self,
        ctx: &Context<'_>,
        input: CategoryInput,
    ) -> async_graphql::Result<Category> {
        let actor = ctx.viewer().require_user()?.0;
        let saved = categories::upsert_category(ctx.state()?, actor, input.parse()?).await?;
        Ok(Category(saved))
    }

    /// Adds a device model.
    #[graphql(guard = "RoleGuard::operator()")]
    async fn create_device_model(
        &self,
        ctx: &Context<'_>,
        input: DeviceModelInput,
    ) -> async_graphql::Result<DeviceModel> {
        let state = ctx.state()?;
        let actor = ctx.viewer().require_user()?.0;
        let definition = input.parse(state.clock.now().year())?;
        Ok(DeviceModel(
            device_models::save_device_model(state, actor, None, definition).await?,
        ))
    }

    /// Replaces a device model's definition.
    #[graphql(guard = "RoleGuard::operator()")]
    async fn update_device_model(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: DeviceModelInput,
    ) -> async_graphql::Result<DeviceModel> {
        let state = ctx.state()?;
        let actor = ctx.viewer().require_user()?.0;
        let id = uuid::Uuid::parse_str(&id).map_err(|_| AppError::NotFound("device model"))?;
        let definition = input.parse(state.clock.now().year())?;
        Ok(DeviceModel(
            device_models::save_device_model(state, actor, Some(id), definition).await?,
        ))
    }

    /// Records a new price per kg for a material, effective now or from a later time.
    /// Quotes already issued keep the prices they were made with.
    #[graphql(guard = "RoleGuard::operator()")]
    async fn set_material_price(
        &self,
        ctx: &Context<'_>,
        input: MaterialPriceInput,
    ) -> async_graphql::Result<MaterialPrice> {
        let actor = ctx.viewer().require_user()?.0;
        let material = input.material.trim().to_lowercase();
        if material.is_empty() || material.len() > 40 {
            return Err(
                AppError::validation("input.material", "must be 1 to 40 characters").into(),
            );
        }
        if input.price_per_kg.0 < Decimal::ZERO
            || input.price_per_kg.0 > Decimal::new(10_000_000, 0)
        {
            return Err(
                AppError::validation("input.pricePerKg", "must be between 0 and 10000000").into(),
            );
        }
        let saved = material_prices::set_material_price(
            ctx.state()?,
            actor,
            material,
            money(input.price_per_kg.0),
            input.effective_from,
        )
        .await?;
        Ok(MaterialPrice::from(saved))
    }

    /// Sets an area's service hours: its IANA time zone (e.g. `Asia/Shanghai`) and the
    /// local opening and closing times as `HH:MM` (closing may be `24:00`). Pickup
    /// windows booked or rescheduled from now on must lie within them; audited.
    #[graphql(guard = "RoleGuard::operator()")]
    async fn set_service_hours(
        &self,
        ctx: &Context<'_>,
        area_id: ID,
        time_zone: String,
        opens: String,
        closes: String,
    ) -> async_graphql::Result<ServiceArea> {
        let actor = ctx.viewer().require_user()?.0;
        let id = uuid::Uuid::parse_str(&area_id).map_err(|_| AppError::NotFound("service area"))?;
        let hours = ServiceHours::parse(&time_zone, &opens, &closes)
            .map_err(|(field, e)| AppError::validation(field, e.0))?;
        let saved = service_areas::set_service_hours(ctx.state()?, actor, id, hours).await?;
        Ok(ServiceArea::from(saved))
    }
}
