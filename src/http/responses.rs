//! A GraphQL response as an HTTP answer: the status, `Retry-After` and the body's shape
//! each media type asks for (GraphQL-over-HTTP).

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse};
use async_graphql::Response;
use serde_json::json;

use super::media::{GRAPHQL_RESPONSE_JSON, wants_graphql_response};
use crate::error::{AppError, UNAVAILABLE_RETRY_AFTER_SECS};

/// Serialises `response` in the media type the client asked for. `application/json`
/// answers 200 to every well-formed request, as that media type's rules say; an
/// UNAVAILABLE error adds `Retry-After` either way. A request refused for its rate before
/// it ran is 429 with `Retry-After` under either media type: throttling is HTTP's to say.
pub fn respond(req: &HttpRequest, response: &Response) -> HttpResponse {
    let spec = wants_graphql_response(req);
    let before_execution = refused_before_execution(response);
    if before_execution && let Some(seconds) = rate_limited_for(response) {
        let mut answer = HttpResponse::build(StatusCode::TOO_MANY_REQUESTS);
        answer.insert_header((header::RETRY_AFTER, seconds.to_string()));
        return if spec {
            answer
                .content_type(GRAPHQL_RESPONSE_JSON)
                .json(without_data(response))
        } else {
            answer.json(response)
        };
    }
    let unavailable = has_code(response, "UNAVAILABLE");
    let mut answer = if !spec {
        HttpResponse::Ok()
    } else {
        // Spec: a request that failed before execution (parse, validation, variables,
        // limits) is a 4xx without `data`; anything executed is 200 with `data`, even
        // null, except when nothing could be served because a dependency is down (503).
        if before_execution && !unavailable {
            return HttpResponse::build(StatusCode::BAD_REQUEST)
                .content_type(GRAPHQL_RESPONSE_JSON)
                .json(without_data(response));
        }
        let nothing = response.data == async_graphql::Value::Null;
        let mut builder = HttpResponse::build(if unavailable && nothing {
            StatusCode::SERVICE_UNAVAILABLE
        } else {
            StatusCode::OK
        });
        builder.content_type(GRAPHQL_RESPONSE_JSON);
        builder
    };
    if unavailable {
        answer.insert_header((
            header::RETRY_AFTER,
            UNAVAILABLE_RETRY_AFTER_SECS.to_string(),
        ));
    }
    answer.json(response)
}

/// Whether nothing ran: errors, no data, and no error on a field's path.
fn refused_before_execution(response: &Response) -> bool {
    !response.errors.is_empty()
        && response.data == async_graphql::Value::Null
        && response.errors.iter().all(|e| e.path.is_empty())
}

/// The body of a request error under `application/graphql-response+json`: no `data` member.
fn without_data(response: &Response) -> serde_json::Value {
    let mut body = json!({ "errors": response.errors });
    if !response.extensions.is_empty() {
        body["extensions"] = json!(response.extensions);
    }
    body
}

/// Whether an error says `code` (UNAVAILABLE: a dependency is down; retrying later helps).
fn has_code(response: &Response, code: &str) -> bool {
    response.errors.iter().any(|error| {
        error
            .extensions
            .as_ref()
            .and_then(|ext| ext.get("code"))
            .is_some_and(|found| *found == async_graphql::Value::from(code))
    })
}

/// The whole seconds to wait (at least 1) when an error says RATE_LIMITED.
fn rate_limited_for(response: &Response) -> Option<u64> {
    let error = response.errors.iter().find(|error| {
        error
            .extensions
            .as_ref()
            .and_then(|ext| ext.get("code"))
            .is_some_and(|code| *code == async_graphql::Value::from("RATE_LIMITED"))
    })?;
    let seconds = match error.extensions.as_ref()?.get("retryAfter") {
        Some(async_graphql::Value::Number(n)) => n.as_f64().unwrap_or(1.0),
        _ => 1.0,
    };
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "a small positive number of seconds"
    )]
    Some(seconds.ceil().max(1.0) as u64)
}

/// An error of a plain HTTP endpoint (an export) as JSON in GraphQL's error shape, with
/// the status that says it: 401 (with a bearer challenge), 403, 404, 400 naming the
/// parameter, 503 with `Retry-After`, else 500 (logged as a failure of `what`).
pub fn json_error(err: AppError, what: &str) -> HttpResponse {
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
            tracing::error!(error = ?err.into_anyhow(), "{what} failed");
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
