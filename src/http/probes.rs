//! `/health` (the process answers) and `/ready` (its dependencies answer too).

use actix_web::{HttpResponse, web};
use serde_json::json;

use super::HttpContext;
use crate::infra::db;

/// Liveness: 200 while the process serves requests.
pub async fn health() -> HttpResponse {
    HttpResponse::Ok().json(json!({"status": "ok"}))
}

/// Readiness: 200 when the database (and Redis, when configured) answer, else 503 with
/// which one failed. Causes are logged, not returned.
pub async fn ready(app: web::Data<HttpContext>) -> HttpResponse {
    let state = &app.state;
    let database = match db::ping(&state.db).await {
        Ok(()) => "ok",
        Err(err) => {
            tracing::warn!(error = ?err, "readiness: database");
            "unavailable"
        }
    };
    let redis = match &state.redis {
        None => "not configured",
        Some(conn) => match conn.ping().await {
            Ok(()) => "ok",
            Err(err) => {
                tracing::warn!(error = ?err, "readiness: redis");
                "unavailable"
            }
        },
    };
    let body = json!({"database": database, "redis": redis});
    if database == "ok" && redis != "unavailable" {
        HttpResponse::Ok().json(body)
    } else {
        HttpResponse::ServiceUnavailable().json(body)
    }
}
