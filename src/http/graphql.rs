//! `POST /graphql` and `GET /graphql` under the GraphQL-over-HTTP rules the stock
//! integration skips: JSON bodies only (415), no mutations over GET (405), a body limit
//! (413, from `PayloadConfig`), and `application/graphql-response+json` with spec
//! status codes when the client asks for it: a request that fails before execution
//! answers 400 without a `data` member.

use std::collections::HashMap;
use std::time::Instant;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use async_graphql::parser::types::{ExecutableDocument, OperationType, Selection};
use async_graphql::{Request, Response, Variables};
use serde_json::json;

use super::HttpContext;
use super::auth::{Refusal, authenticate};
use super::graphiql;
use super::media::{is_json_body, wants_html};
use super::request_errors;
use super::responses::respond;
use crate::error::AppError;
use crate::graphql::context::ClientAddress;
use crate::graphql::cost::CostBudget;
use crate::graphql::loaders::Loaders;
use crate::infra::rate_limit::BucketPolicy;
use crate::services::Viewer;
use crate::state::AppState;

/// `POST /graphql` with a JSON body.
pub async fn graphql_post(
    req: HttpRequest,
    body: web::Bytes,
    app: web::Data<HttpContext>,
) -> HttpResponse {
    if !is_json_body(&req) {
        let content_type = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok());
        return request_errors::not_json(content_type);
    }
    let request: Request = match serde_json::from_slice(&body) {
        Ok(request) => request,
        Err(err) => return request_errors::unreadable_body(&body, &err),
    };
    // async-graphql reads a missing `query` as an empty document.
    if request.query.trim().is_empty() {
        return request_errors::missing_query();
    }
    execute(&req, &app, request, Method::Post).await
}

/// How the request came: GET may only run queries.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Method {
    Get,
    Post,
}

/// `GET /graphql`: GraphiQL for browsers, otherwise a query in the URL parameters.
pub async fn graphql_get(
    req: HttpRequest,
    params: web::Query<HashMap<String, String>>,
    app: web::Data<HttpContext>,
) -> HttpResponse {
    let mut params = params.into_inner();
    let Some(query) = params.remove("query") else {
        if wants_html(&req) {
            return graphiql::page();
        }
        return request_errors::missing_query_parameter();
    };
    let mut request = Request::new(query);
    if let Some(name) = params.remove("operationName") {
        request = request.operation_name(name);
    }
    if let Some(raw) = params.remove("variables") {
        match serde_json::from_str::<serde_json::Value>(&raw) {
            Ok(value @ (serde_json::Value::Object(_) | serde_json::Value::Null)) => {
                request = request.variables(Variables::from_json(value));
            }
            Ok(_) | Err(_) => return request_errors::variables_not_json(),
        }
    }
    execute(&req, &app, request, Method::Get).await
}

/// Parses, authenticates, executes and answers one request, recording its metrics.
async fn execute(
    req: &HttpRequest,
    app: &HttpContext,
    mut request: Request,
    method: Method,
) -> HttpResponse {
    let started = Instant::now();
    let name = request.operation_name.clone();
    let operation = match app.documents.parse(&mut request).await {
        Ok(doc) => selected_operation(doc, name.as_deref()),
        Err(err) => {
            let error = AppError::ParseFailed(err.message).server_error(err.locations);
            let response = Response::from_errors(vec![error]);
            return answer(req, app, &response, None, started);
        }
    };
    // GET must not change state (caches and prefetchers replay it).
    if method == Method::Get && matches!(operation, Some((OperationType::Mutation, _))) {
        return request_errors::mutation_over_get();
    }
    let header = |name| req.headers().get(name).and_then(|v| v.to_str().ok());
    let (viewer, key_budget) = match authenticate(
        &app.state,
        header("x-api-key"),
        header(header::AUTHORIZATION.as_str()),
    )
    .await
    {
        Ok(found) => found,
        Err(Refusal::Invalid(message)) => {
            return HttpResponse::Unauthorized()
                .insert_header((header::WWW_AUTHENTICATE, "Bearer error=\"invalid_token\""))
                .json(json!({"errors": [{
                    "message": message,
                    "extensions": {"code": "UNAUTHENTICATED"}
                }]}));
        }
        // Answered like any request that could not be served (UNAVAILABLE: 503 and
        // `Retry-After`), not as a bad key.
        Err(Refusal::Unchecked(error)) => {
            let response = Response::from_errors(vec![error.server_error(Vec::new())]);
            return answer(req, app, &response, None, started);
        }
    };
    let client = client_address(req, &app.state);
    let mut request = request.data(viewer);
    if let Some(budget) = cost_budget(viewer, key_budget, operation.as_ref(), &client, &app.state) {
        request = request.data(budget);
    }
    let request = Loaders::attach(request.data(client), &app.state.db);
    let response = app.schema.execute(request).await;
    answer(req, app, &response, operation, started)
}

/// Records the request's metrics and serialises its response.
fn answer(
    req: &HttpRequest,
    app: &HttpContext,
    response: &Response,
    operation: Option<(OperationType, String)>,
    started: Instant,
) -> HttpResponse {
    // A request error (parse, validation, limits) carries no path; only then is the
    // operation's root field trusted as a metrics label, which keeps labels bounded.
    let request_error = response.errors.iter().any(|e| e.path.is_empty());
    let label = match operation {
        Some((kind, field)) if !request_error => format!("{}.{field}", operation_kind(kind)),
        _ => "invalid".to_owned(),
    };
    app.state
        .metrics
        .observe_graphql(&label, response.errors.is_empty(), started.elapsed());
    respond(req, response)
}

/// The cost bucket a request draws on: the API key's, or the client address's for an
/// anonymous quote request; None for everything else.
fn cost_budget(
    viewer: Viewer,
    key_budget: Option<BucketPolicy>,
    operation: Option<&(OperationType, String)>,
    client: &ClientAddress,
    state: &AppState,
) -> Option<CostBudget> {
    match (viewer, key_budget) {
        (Viewer::Partner { key_id, .. }, Some(policy)) => Some(CostBudget {
            key: format!("cost:key:{key_id}"),
            policy,
        }),
        (Viewer::Anonymous, _) if matches!(operation, Some((OperationType::Mutation, field)) if field == "requestQuote") => {
            Some(CostBudget {
                key: format!("cost:ip:{}", client.0),
                policy: BucketPolicy {
                    capacity: state.config.partners.anonymous_quote_capacity,
                    refill_per_sec: state.config.partners.anonymous_quote_refill_per_sec,
                },
            })
        }
        _ => None,
    }
}

/// The client's address: the peer, or the first `X-Forwarded-For` hop when the server
/// is configured to trust its proxy.
fn client_address(req: &HttpRequest, state: &AppState) -> ClientAddress {
    let forwarded = state
        .config
        .trust_forwarded_for
        .then(|| {
            req.headers()
                .get("x-forwarded-for")
                .and_then(|v| v.to_str().ok())
        })
        .flatten()
        .and_then(|v| v.split(',').next())
        .map(|v| v.trim().to_owned());
    let peer = || {
        req.peer_addr()
            .map_or_else(|| "unknown".to_owned(), |addr| addr.ip().to_string())
    };
    ClientAddress(forwarded.unwrap_or_else(peer))
}

/// The operation that will run (by name, or the only one) and its first root field.
fn selected_operation(
    doc: &ExecutableDocument,
    name: Option<&str>,
) -> Option<(OperationType, String)> {
    let operation = match name {
        Some(name) => {
            doc.operations
                .iter()
                .find(|(n, _)| n.map(|n| n.as_str()) == Some(name))?
                .1
        }
        None => {
            let mut all = doc.operations.iter();
            let (_, only) = all.next()?;
            if all.next().is_some() {
                return None;
            }
            only
        }
    };
    let field = operation
        .node
        .selection_set
        .node
        .items
        .iter()
        .find_map(|item| match &item.node {
            Selection::Field(field) => Some(field.node.name.node.to_string()),
            _ => None,
        })
        .unwrap_or_else(|| "fragment".to_owned());
    Some((operation.node.ty, field))
}

fn operation_kind(kind: OperationType) -> &'static str {
    match kind {
        OperationType::Query => "query",
        OperationType::Mutation => "mutation",
        OperationType::Subscription => "subscription",
    }
}
