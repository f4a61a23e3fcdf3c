//! A stable `extensions.code` on every error async-graphql raises by itself — syntax,
//! validation, values that do not fit their type, choosing the operation — on HTTP and
//! WebSocket alike. Resolvers' errors already carry one (they are [`AppError`]s); this
//! only fills in errors that have none, through the same [`AppError`] variants.

use std::sync::Arc;

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextParseQuery, NextRequest, NextSubscribe,
    NextValidation,
};
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{Response, ServerError, ServerResult, ValidationResult, Variables};
use futures_util::StreamExt;
use futures_util::stream::BoxStream;

use super::types::decimal::DECIMAL_FORMAT;
use crate::error::AppError;

/// The extension factory to register on the schema (first, so it wraps the others).
pub struct ErrorCodes;

impl ExtensionFactory for ErrorCodes {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(ErrorCodesExtension)
    }
}

struct ErrorCodesExtension;

#[async_trait::async_trait]
impl Extension for ErrorCodesExtension {
    async fn request(&self, ctx: &ExtensionContext<'_>, next: NextRequest<'_>) -> Response {
        let mut response = next.run(ctx).await;
        response.errors = response.errors.into_iter().map(leftover).collect();
        response
    }

    fn subscribe<'s>(
        &self,
        ctx: &ExtensionContext<'_>,
        stream: BoxStream<'s, Response>,
        next: NextSubscribe<'_>,
    ) -> BoxStream<'s, Response> {
        next.run(ctx, stream)
            .map(|mut response| {
                response.errors = response.errors.into_iter().map(leftover).collect();
                response
            })
            .boxed()
    }

    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        next.run(ctx, query, variables).await.map_err(|err| {
            if has_code(&err) {
                return err;
            }
            // Besides syntax, async-graphql checks two limits while parsing.
            coded(err, |message| {
                if message.contains("recursion depth") {
                    too_much("recursion", message)
                } else if message.contains("number of directives") {
                    too_much("directives", message)
                } else {
                    AppError::ParseFailed(message.to_owned())
                }
            })
        })
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        next.run(ctx)
            .await
            .map_err(|errors| errors.into_iter().map(validation_error).collect())
    }
}

/// The configured values live in `graphql::build_schema`; the message names them.
fn too_much(limit: &'static str, message: &str) -> AppError {
    let max = message
        .rsplit('`')
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or_default();
    AppError::LimitExceeded {
        limit,
        max,
        message: message.to_owned(),
    }
}

fn has_code(error: &ServerError) -> bool {
    error
        .extensions
        .as_ref()
        .is_some_and(|ext| ext.get("code").is_some())
}

/// `error` with the code (and message, and extensions) of the AppError `classify` makes of
/// its message; its locations and path stay.
fn coded(mut error: ServerError, classify: impl FnOnce(&str) -> AppError) -> ServerError {
    let app = classify(&error.message);
    let rewritten = app.server_error(Vec::new());
    error.message = rewritten.message;
    error.extensions = rewritten.extensions;
    error
}

/// A validation error: a value that does not fit its type is BAD_USER_INPUT (with its
/// path), anything else about the document GRAPHQL_VALIDATION_FAILED.
fn validation_error(error: ServerError) -> ServerError {
    if has_code(&error) {
        return error;
    }
    coded(error, |message| {
        if let Some(rest) = message.strip_prefix("Invalid value for argument ") {
            return bad_value(message, rest);
        }
        let hint = if message.starts_with("Unknown field") || message.starts_with("Unknown type") {
            " The schema lists every type and field: open /graphql in a browser (GraphiQL) or \
             read schema.graphql."
        } else {
            ""
        };
        AppError::ValidationFailed(format!("{message}{hint}"))
    })
}

/// `rest` reads `"input.items.0.weightKg", expected type "Decimal"`.
fn bad_value(message: &str, rest: &str) -> AppError {
    let field = rest
        .strip_prefix('"')
        .and_then(|r| r.split_once('"'))
        .map(|(path, _)| path.to_owned());
    let hint = if rest.ends_with("expected type \"Decimal\"") {
        format!(": {DECIMAL_FORMAT}")
    } else {
        String::new()
    };
    AppError::BadUserInput {
        field,
        message: format!("{message}{hint}"),
    }
}

/// Errors still without a code when the request ends: choosing the operation, values
/// refused while executing (e.g. a scalar's own parser), and anything unforeseen, which
/// is logged and shown as INTERNAL.
fn leftover(error: ServerError) -> ServerError {
    if has_code(&error) {
        return error;
    }
    coded(error, |message| {
        if message.starts_with("Unknown operation named")
            || message.starts_with("Operation name required")
        {
            AppError::OperationResolution(format!(
                "{message} Send `operationName` naming one operation of the document."
            ))
        } else if message.starts_with("Variable ") && message.ends_with("is not defined.") {
            // A variable the operation declares without a default, left out of `variables`.
            AppError::BadUserInput {
                field: None,
                message: format!("{message} Give it a value in `variables`."),
            }
        } else if ["Failed to parse", "Invalid value", "Expected input type"]
            .iter()
            .any(|prefix| message.starts_with(prefix))
        {
            // async-graphql's validation lets a scalar stand for an input object; the
            // executor then refuses it here, on the field's path.
            AppError::BadUserInput {
                field: None,
                message: message.to_owned(),
            }
        } else if message.starts_with("Subscriptions are not supported") {
            AppError::BadRequest(
                "Subscriptions are served over a WebSocket at /graphql (graphql-transport-ws), \
                 not over HTTP POST or GET."
                    .to_owned(),
            )
        } else if message.starts_with("Schema is not configured") {
            AppError::ValidationFailed(message.to_owned())
        } else {
            AppError::Internal(anyhow::anyhow!("uncoded GraphQL error: {message}"))
        }
    })
}
