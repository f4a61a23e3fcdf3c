//! `/metrics` in the Prometheus text format.

use actix_web::{HttpResponse, web};

use super::HttpContext;

/// Every metric of this process.
pub async fn metrics(app: web::Data<HttpContext>) -> HttpResponse {
    match app.state.metrics.render() {
        Ok(text) => HttpResponse::Ok()
            .content_type("text/plain; version=0.0.4; charset=utf-8")
            .body(text),
        Err(err) => {
            tracing::error!(error = ?err, "rendering metrics");
            HttpResponse::InternalServerError().finish()
        }
    }
}
