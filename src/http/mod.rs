//! HTTP surface: `/graphql` (POST, GET, WebSocket), GraphiQL (its files under `/graphiql/`),
//! the operator console (`/console`, its files under `/console/assets/`), `/health`, `/ready`,
//! `/metrics`, the public custody endpoints (certificates, signing key, checkpoints), the
//! EPCIS 2.0 export (`/epcis/events`), the reports (`/reports/traceability.csv`,
//! `/reports/collection.csv`, `/reports/assets.csv`) and the business asset-list import
//! (`POST /assets/import`).

mod assets;
mod auth;
mod collection_csv;
mod console;
mod custody;
mod documents;
mod epcis;
mod graphiql;
mod graphql;
mod media;
mod metrics;
mod probes;
pub mod readiness;
mod reports;
mod request_errors;
mod responses;
mod ws;
mod ws_subscriptions;

use std::sync::Arc;

use actix_web::{guard, web};

use crate::graphql::AppSchema;
use crate::state::AppState;
pub use documents::DocumentCache;

/// What every handler gets: the schema and the state behind it.
#[derive(Clone)]
pub struct HttpContext {
    /// The executable schema.
    pub schema: AppSchema,
    /// Shared handles.
    pub state: AppState,
    /// Parsed documents, reused across requests with the same text.
    pub documents: DocumentCache,
    /// The cached readiness check behind `/ready`.
    pub readiness: Arc<readiness::Readiness>,
}

/// Registers every route on an actix `App`.
pub fn configure(cfg: &mut web::ServiceConfig, context: HttpContext) {
    let body_limit = context.state.config.graphql.max_body_bytes;
    cfg.app_data(web::Data::new(context))
        .app_data(web::PayloadConfig::new(body_limit))
        .service(
            web::resource("/graphql")
                .route(
                    web::get()
                        .guard(guard::Header("upgrade", "websocket"))
                        .to(ws::graphql_ws),
                )
                .route(web::get().to(graphql::graphql_get))
                .route(web::post().to(graphql::graphql_post)),
        )
        .route("/graphiql/{version}/{file}", web::get().to(graphiql::asset))
        .route("/console", web::get().to(console::page))
        .route("/console/", web::get().to(console::page))
        .route(
            "/console/assets/{version}/{path:.*}",
            web::get().to(console::asset),
        )
        .route("/health", web::get().to(probes::health))
        .route("/ready", web::get().to(probes::ready))
        .route("/metrics", web::get().to(metrics::metrics))
        .route("/certificates/{id}", web::get().to(custody::certificate))
        .route(
            "/.well-known/reloop-signing-key",
            web::get().to(custody::signing_key),
        )
        .route(
            "/custody/checkpoints",
            web::get().to(custody::checkpoint_list),
        )
        .route("/epcis/events", web::get().to(epcis::events))
        .route(
            "/reports/traceability.csv",
            web::get().to(reports::traceability_csv),
        )
        .route(
            "/reports/collection.csv",
            web::get().to(collection_csv::collection_csv),
        )
        .route("/reports/assets.csv", web::get().to(assets::report_csv))
        .service(
            // Its own body limit: a 2,000-line CSV is larger than a GraphQL request may be.
            web::resource("/assets/import")
                .app_data(web::PayloadConfig::new(assets::MAX_IMPORT_BYTES))
                .route(web::post().to(assets::import)),
        );
}
