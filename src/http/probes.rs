//! `/health` (the process answers) and `/ready` (its dependencies answer too).
//!
//! Redis is an accelerator: without it the server keeps serving (rate limits fall back to
//! this process, see the README), so a Redis outage shows in `/ready`'s body as
//! `"redis": "unavailable"` and `"status": "degraded"` but keeps the 200. Only the
//! database decides readiness: taking every instance out of the load balancer because
//! Redis went away would turn an accelerator into a single point of failure.

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use serde_json::json;

use super::HttpContext;
use crate::error::UNAVAILABLE_RETRY_AFTER_SECS;

/// Liveness: 200 while the process serves requests, whatever its dependencies do.
pub async fn health() -> HttpResponse {
    HttpResponse::Ok().json(json!({"status": "ok"}))
}

/// Readiness: 200 while the database answers, else 503 with `Retry-After`; within about
/// a second either way (see [`super::readiness`]). Causes are logged, not returned.
pub async fn ready(app: web::Data<HttpContext>) -> HttpResponse {
    let verdict = app.readiness.verdict().await;
    let word = |ok: bool| if ok { "ok" } else { "unavailable" };
    let redis = verdict.redis.map_or("not configured", word);
    let status = match (verdict.database, verdict.redis) {
        (false, _) => "unavailable",
        (true, Some(false)) => "degraded",
        (true, _) => "ok",
    };
    let body = json!({"status": status, "database": word(verdict.database), "redis": redis});
    if verdict.database {
        HttpResponse::Ok().json(body)
    } else {
        HttpResponse::ServiceUnavailable()
            .insert_header((
                header::RETRY_AFTER,
                UNAVAILABLE_RETRY_AFTER_SECS.to_string(),
            ))
            .json(body)
    }
}
