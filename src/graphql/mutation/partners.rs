//! Partner management (operators) and webhook endpoints (partners).

use async_graphql::{Context, ID, Object};
use uuid::Uuid;

use crate::domain::partner::ApiScope;
use crate::error::AppError;
use crate::graphql::context::ContextExt;
use crate::graphql::guards::RoleGuard;
use crate::graphql::types::partner::{
    ApiKey, ApiScopeGql, IssuedApiKey, Partner, RegisteredWebhook, Webhook, WebhookDelivery,
    WebhookEventTypeGql,
};
use crate::services::Viewer;
use crate::services::partners::{self, webhooks};

/// The calling partner, if its key may manage webhooks.
pub(crate) fn webhook_manager(ctx: &Context<'_>) -> Result<Uuid, AppError> {
    match ctx.viewer() {
        Viewer::Partner {
            partner_id, scopes, ..
        } if scopes.contains(ApiScope::WebhooksManage) => Ok(partner_id),
        Viewer::Partner { .. } => Err(AppError::Forbidden),
        Viewer::Anonymous => Err(AppError::Unauthenticated(
            "send an API key as X-Api-Key".to_owned(),
        )),
        Viewer::User { .. } => Err(AppError::Forbidden),
    }
}

fn id(raw: &ID, what: &'static str) -> Result<Uuid, AppError> {
    Uuid::parse_str(raw).map_err(|_| AppError::NotFound(what))
}

/// Partner mutations.
#[derive(Default)]
pub struct PartnerMutation;

#[Object]
impl PartnerMutation {
    /// Operators: creates a partner with the default rate budget.
    #[graphql(guard = "RoleGuard::operator()")]
    async fn create_partner(
        &self,
        ctx: &Context<'_>,
        name: String,
    ) -> async_graphql::Result<Partner> {
        let operator = ctx.viewer().require_user()?.0;
        Ok(partners::create_partner(ctx.state()?, operator, &name)
            .await?
            .into())
    }

    /// Operators: issues an API key for a partner. The secret is in the answer, only here.
    #[graphql(guard = "RoleGuard::operator()")]
    async fn issue_api_key(
        &self,
        ctx: &Context<'_>,
        partner_id: ID,
        name: String,
        scopes: Vec<ApiScopeGql>,
    ) -> async_graphql::Result<IssuedApiKey> {
        let operator = ctx.viewer().require_user()?.0;
        let scopes: Vec<ApiScope> = scopes.into_iter().map(Into::into).collect();
        let (key, secret) = partners::issue_api_key(
            ctx.state()?,
            operator,
            id(&partner_id, "partner")?,
            &name,
            &scopes,
        )
        .await?;
        Ok(IssuedApiKey {
            api_key: key.into(),
            secret,
        })
    }

    /// Operators: revokes a key at once.
    #[graphql(guard = "RoleGuard::operator()")]
    async fn revoke_api_key(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<ApiKey> {
        let operator = ctx.viewer().require_user()?.0;
        Ok(
            partners::revoke_api_key(ctx.state()?, operator, self::id(&id, "API key")?)
                .await?
                .into(),
        )
    }

    /// Operators: sets a partner's cost budget (bucket size and refill per second).
    #[graphql(guard = "RoleGuard::operator()")]
    async fn set_partner_rate_limit(
        &self,
        ctx: &Context<'_>,
        partner_id: ID,
        capacity: f64,
        refill_per_sec: f64,
    ) -> async_graphql::Result<Partner> {
        let operator = ctx.viewer().require_user()?.0;
        let id = id(&partner_id, "partner")?;
        Ok(
            partners::keys::set_rate_limit(ctx.state()?, operator, id, capacity, refill_per_sec)
                .await?
                .into(),
        )
    }

    /// Registers an endpoint for the calling partner (https; the signing secret is in the
    /// answer, only here).
    async fn register_webhook(
        &self,
        ctx: &Context<'_>,
        url: String,
        events: Vec<WebhookEventTypeGql>,
        description: Option<String>,
    ) -> async_graphql::Result<RegisteredWebhook> {
        let partner_id = webhook_manager(ctx)?;
        let events: Vec<_> = events.into_iter().map(Into::into).collect();
        let (hook, secret) =
            webhooks::register(ctx.state()?, partner_id, &url, &events, description).await?;
        Ok(RegisteredWebhook {
            webhook: hook.into(),
            signing_secret: secret,
        })
    }

    /// Changes an endpoint; `enabled: true` re-enables one that was disabled.
    async fn update_webhook(
        &self,
        ctx: &Context<'_>,
        id: ID,
        url: Option<String>,
        events: Option<Vec<WebhookEventTypeGql>>,
        description: Option<String>,
        enabled: Option<bool>,
    ) -> async_graphql::Result<Webhook> {
        let partner_id = webhook_manager(ctx)?;
        let events: Option<Vec<_>> = events.map(|e| e.into_iter().map(Into::into).collect());
        let hook = webhooks::update(
            ctx.state()?,
            partner_id,
            self::id(&id, "webhook")?,
            url.as_deref(),
            events.as_deref(),
            description,
            enabled,
        )
        .await?;
        Ok(hook.into())
    }

    /// Deletes an endpoint.
    async fn delete_webhook(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<bool> {
        let partner_id = webhook_manager(ctx)?;
        Ok(webhooks::delete(ctx.state()?, partner_id, self::id(&id, "webhook")?).await?)
    }

    /// Sends a delivery's event again (same `webhook-id`), as a new delivery.
    async fn redeliver_webhook(
        &self,
        ctx: &Context<'_>,
        delivery_id: ID,
    ) -> async_graphql::Result<WebhookDelivery> {
        let partner_id = webhook_manager(ctx)?;
        Ok(webhooks::redeliver(
            ctx.state()?,
            partner_id,
            id(&delivery_id, "webhook delivery")?,
        )
        .await?
        .into())
    }
}
