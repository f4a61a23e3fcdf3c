//! `GET /epcis/events?orderId=`: an order's custody events as a GS1 EPCIS 2.0 JSON-LD
//! document (`application/ld+json`), for whoever may read the order (bearer token or API
//! key, as for `/graphql`) and for facility staff about the items sent to them.

use std::collections::HashMap;

use actix_web::{HttpRequest, HttpResponse, web};
use uuid::Uuid;

use super::HttpContext;
use super::auth::{Refusal, authenticate};
use super::responses::json_error;
use crate::domain::partner::ApiScope;
use crate::error::AppError;
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

/// An error of this export as a JSON answer.
fn error(err: AppError) -> HttpResponse {
    json_error(err, "the EPCIS export")
}
