//! `partnerOrder`, `webhooks`, `webhookDeliveries`, `apiKeys`.

use async_graphql::connection::{Connection, CursorType, Edge, OpaqueCursor};
use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};
use entity::pickup_order;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::error::AppError;
use crate::graphql::context::ContextExt;
use crate::graphql::guards::RoleGuard;
use crate::graphql::mutation::webhook_manager;
use crate::graphql::types::order::PickupOrder;
use crate::graphql::types::partner::{ApiKey, Webhook, WebhookDelivery};
use crate::services::Viewer;
use crate::services::pagination::page_size;
use crate::services::partners::{self, webhooks};

/// A page of webhook deliveries.
pub type WebhookDeliveryConnection =
    Connection<OpaqueCursor<(DateTime<Utc>, Uuid)>, WebhookDelivery>;

/// Partner queries.
#[derive(Default)]
pub struct PartnerQuery;

#[Object]
impl PartnerQuery {
    /// The calling partner's order with this external reference.
    async fn partner_order(
        &self,
        ctx: &Context<'_>,
        external_reference: String,
    ) -> async_graphql::Result<Option<PickupOrder>> {
        let Viewer::Partner { partner_id, .. } = ctx.viewer() else {
            return Err(AppError::Forbidden.into());
        };
        let order = pickup_order::Entity::find()
            .filter(pickup_order::Column::PartnerId.eq(partner_id))
            .filter(pickup_order::Column::ExternalReference.eq(external_reference.trim()))
            .one(&ctx.state()?.db)
            .await
            .map_err(AppError::from)?;
        Ok(order.map(PickupOrder::new))
    }

    /// The calling partner's webhook endpoints.
    async fn webhooks(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Webhook>> {
        let partner_id = webhook_manager(ctx)?;
        Ok(webhooks::list(ctx.state()?, partner_id)
            .await?
            .into_iter()
            .map(Into::into)
            .collect())
    }

    /// The calling partner's deliveries, newest first. `first` is 1 to 100.
    async fn webhook_deliveries(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<WebhookDeliveryConnection> {
        let partner_id = webhook_manager(ctx)?;
        let take = page_size(first)?;
        let after = after
            .map(|raw| OpaqueCursor::<(DateTime<Utc>, Uuid)>::decode_cursor(&raw))
            .transpose()
            .map_err(|_| AppError::validation("after", "is not a cursor from this list"))?
            .map(|c| c.0);
        let page = webhooks::deliveries(ctx.state()?, partner_id, after, take).await?;
        let mut connection = Connection::new(after.is_some(), page.has_next);
        connection.edges.extend(
            page.items
                .into_iter()
                .map(|d| Edge::new(OpaqueCursor((d.created_at, d.id)), WebhookDelivery::from(d))),
        );
        Ok(connection)
    }

    /// Operators: a partner's API keys (never their secrets).
    #[graphql(guard = "RoleGuard::operator()")]
    async fn api_keys(
        &self,
        ctx: &Context<'_>,
        partner_id: ID,
    ) -> async_graphql::Result<Vec<ApiKey>> {
        let id = Uuid::parse_str(&partner_id).map_err(|_| AppError::NotFound("partner"))?;
        Ok(partners::list_api_keys(&ctx.state()?.db, id)
            .await?
            .into_iter()
            .map(Into::into)
            .collect())
    }
}
