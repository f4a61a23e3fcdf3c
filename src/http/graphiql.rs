//! GraphiQL for browsers that open `GET /graphql`.

use actix_web::HttpResponse;
use async_graphql::http::GraphiQLSource;

/// The GraphiQL page, wired to this endpoint for queries and subscriptions.
pub fn page() -> HttpResponse {
    let html = GraphiQLSource::build()
        .endpoint("/graphql")
        .subscription_endpoint("/graphql")
        .title("reloop GraphiQL")
        .finish();
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(html)
}
