//! `GET /epcis/events?orderId=`: an order's custody events as a GS1 EPCIS 2.0 JSON-LD
//! document (`application/ld+json`), for whoever may read the order (bearer token or API
//! key, as for `/graphql`) and for facility staff about the items sent to them.

use std::collections::HashMap;

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::json;
use uuid::Uuid;

use super::HttpContext;
use super::auth::{Refusal, authenticate};
use crate::domain::partner::ApiScope;
use crate::error::{AppError, UNAVAILABLE_RETRY_AFTER_SECS};
use crate::services::custody::{Custodian, epcis};

/// The EPCISDocument of the order named by `orderId`.
pub async fn events(
    app: web::Data<HttpContext>,
    request: HttpRequest,
    query: web::Query<HashMap<String, String>>,
) -> HttpResponse {
    let state = &app.state;
    let header_value = |name: &str| request.headers().get(name).and_then(|v| v.to_str().ok());
    let viewer = match authenticate(
        state,
        header_value("x-api-key"),
        header_value("authorization"),
    )
    .await
    {
        Ok((viewer, _)) => viewer,
        Err(Refusal::Invalid(message)) => return error(AppError::Unauthenticated(message)),
        Err(Refusal::Unchecked(err)) => return error(err),
    };
    // A partner key reads orders only with ORDERS_READ, as `pickupOrder` does.
    if let Err(err) = viewer.require_scope(ApiScope::OrdersRead) {
        return error(err);
    }
    let order_id = match query.get("orderId").map(|id| Uuid::parse_str(id.trim())) {
        Some(Ok(id)) => id,
        Some(Err(_)) => return error(AppError::validation("orderId", "not an order id")),
        None => return error(AppError::validation("orderId", "required")),
    };
    let custodian = match Custodian::of(&state.db, viewer).await {
        Ok(custodian) => custodian,
        Err(err) => return error(err),
    };
    let zone = state.config.compliance.rules.time_zone;
    match epcis::order_events(&state.db, &custodian, order_id, zone, state.clock.now()).await {
        Ok(document) => HttpResponse::Ok()
            .content_type("application/ld+json")
            .json(document),
        Err(err) => error(err),
    }
}

/// An error as JSON, with the status that says it: 401 (with a bearer challenge), 403,
/// 404, 400 naming the parameter, 503 with `Retry-After`, else 500.
fn error(err: AppError) -> HttpResponse {
    let status = match &err {
        AppError::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
        AppError::Forbidden => StatusCode::FORBIDDEN,
        AppError::NotFound(_) => StatusCode::NOT_FOUND,
        AppError::Validation { .. } => StatusCode::BAD_REQUEST,
        AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    };
    let mut response = HttpResponse::build(status);
    match status {
        StatusCode::UNAUTHORIZED => {
            response.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
        }
        StatusCode::SERVICE_UNAVAILABLE => {
            response.insert_header((
                header::RETRY_AFTER,
                UNAVAILABLE_RETRY_AFTER_SECS.to_string(),
            ));
        }
        StatusCode::INTERNAL_SERVER_ERROR => {
            tracing::error!(error = ?err.into_anyhow(), "the EPCIS export failed");
            return response.json(json!({"errors": [{"message": "internal error", "extensions": {"code": "INTERNAL"}}]}));
        }
        _ => {}
    }
    let mut extensions = json!({"code": err.code()});
    if let AppError::Validation { field, .. } = &err {
        extensions["field"] = json!(field);
    }
    response.json(json!({"errors": [{"message": err.message(), "extensions": extensions}]}))
}
