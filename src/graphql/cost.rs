//! Cost-based rate limiting: a request draws its query complexity (fields after fragment
//! expansion, measured by [`super::limits`]) from a leaky
//! bucket (per API key, or per client address for anonymous quotes). Over budget it is
//! refused with RATE_LIMITED and `retryAfter`; every limited request's response reports
//! `extensions.cost` = `{requested, remaining, capacity}`.

use std::sync::{Arc, Mutex};

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextRequest, NextValidation,
};
use async_graphql::{ErrorExtensions, Response, ServerError, ValidationResult, Value};

use super::limits::QueryCost;
use crate::error::AppError;
use crate::infra::rate_limit::BucketPolicy;
use crate::state::AppState;

/// Request data set by the HTTP layer: the bucket this request draws on.
#[derive(Clone, Debug)]
pub struct CostBudget {
    /// The bucket's key.
    pub key: String,
    /// Its size and refill.
    pub policy: BucketPolicy,
}

/// The extension factory to register on the schema.
pub struct CostLimit;

impl ExtensionFactory for CostLimit {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(CostLimitExtension::default())
    }
}

#[derive(Default)]
struct CostLimitExtension {
    report: Mutex<Option<serde_json::Value>>,
}

#[async_trait::async_trait]
impl Extension for CostLimitExtension {
    async fn request(&self, ctx: &ExtensionContext<'_>, next: NextRequest<'_>) -> Response {
        let response = next.run(ctx).await;
        let report = self.report.lock().unwrap_or_else(|p| p.into_inner()).take();
        match report {
            Some(report) => {
                response.extension("cost", Value::from_json(report).unwrap_or(Value::Null))
            }
            None => response,
        }
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        let result = next.run(ctx).await?;
        let (Some(budget), Some(state)) =
            (ctx.data_opt::<CostBudget>(), ctx.data_opt::<AppState>())
        else {
            return Ok(result);
        };
        let complexity = ctx.data_opt::<QueryCost>().map_or(1, |cost| cost.0);
        #[expect(
            clippy::cast_precision_loss,
            reason = "complexity is capped far below 2^52"
        )]
        let cost = complexity.max(1) as f64;
        let decision = match state
            .rate_limiter
            .check(&budget.key, cost, budget.policy)
            .await
        {
            Ok(decision) => decision,
            Err(err) => {
                // The limiter is a guard, not a dependency: when it fails, serve.
                tracing::warn!(error = ?err, "rate limiter unavailable; request allowed");
                return Ok(result);
            }
        };
        *self.report.lock().unwrap_or_else(|p| p.into_inner()) = Some(serde_json::json!({
            "requested": cost,
            "remaining": decision.remaining.floor(),
            "capacity": budget.policy.capacity,
        }));
        if decision.allowed {
            Ok(result)
        } else {
            let error = AppError::RateLimited {
                retry_after_secs: decision.retry_after.as_secs_f64(),
            };
            // No location: the whole request is refused, not a part of it.
            let mut refused = ServerError::new(error.message(), None);
            refused.extensions = error.extend().extensions;
            Err(vec![refused])
        }
    }
}
