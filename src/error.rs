//! `AppError`: every failure a client can see, and its one mapping to `extensions.code`.
//!
//! Every error in a response carries `extensions.code`. Requests refused before any
//! resolver runs (the HTTP envelope, parsing, validation, variable values, the
//! request-shape limits) get the codes of the last block of variants; README.md
//! ("Errors") lists them all with the HTTP status each one gets.

use async_graphql::ErrorExtensions;

use crate::infra::db;

/// An error returned by a service or resolver. Each variant's doc says what the client sees.
///
/// It deliberately does not implement `Display`: async-graphql converts any `Display`
/// type into an error *without* extensions, so a `?` would silently drop the code. With
/// no `Display`, the only conversion is the one below, which always sets it.
#[derive(Debug)]
pub enum AppError {
    /// UNAUTHENTICATED: no valid credentials were presented.
    Unauthenticated(String),
    /// FORBIDDEN: authenticated, but the role may not do this.
    Forbidden,
    /// NOT_FOUND: the object does not exist or belongs to somebody else.
    NotFound(&'static str),
    /// VALIDATION: an input field is malformed; `extensions.field` names it.
    Validation {
        /// The input field, as the client spelled it (e.g. `input.email`).
        field: String,
        /// What is wrong with it.
        message: String,
    },
    /// CONFLICT: the change clashes with the current state (duplicate, stale version).
    Conflict(String),
    /// QUOTE_EXPIRED: the quote is past its validity.
    QuoteExpired,
    /// OFFER_EXPIRED: the job offer is no longer open.
    OfferExpired,
    /// ALREADY_ASSIGNED: another collector was faster.
    AlreadyAssigned,
    /// INVALID_STATE: the transition is not allowed from the current state.
    InvalidState(String),
    /// RATE_LIMITED: over budget; `extensions.retryAfter` says in how many seconds to retry.
    RateLimited {
        /// Seconds until the request would be accepted.
        retry_after_secs: f64,
    },
    /// IDEMPOTENCY_MISMATCH: the idempotency key was used with other input.
    IdempotencyMismatch,
    /// UNAVAILABLE: the database cannot be reached (or answers too slowly) right now; nothing
    /// was changed. `extensions.retryAfter` says in how many seconds to try again, and over
    /// HTTP the answer carries `Retry-After` (status 503 where GraphQL-over-HTTP allows one).
    /// The cause is logged, not shown.
    Unavailable(anyhow::Error),
    /// INTERNAL: anything unexpected. Logged with context; the client sees no details.
    Internal(anyhow::Error),

    // Requests refused before any resolver runs. With `Accept:
    // application/graphql-response+json` they answer 400 with no `data` member.
    /// BAD_REQUEST: the HTTP request is not a GraphQL request (body not JSON, no `query`,
    /// wrong content type, a mutation over GET); the message says how to send one.
    BadRequest(String),
    /// GRAPHQL_PARSE_FAILED: the document is not valid GraphQL syntax;
    /// `locations` points at the spot.
    ParseFailed(String),
    /// GRAPHQL_VALIDATION_FAILED: the document does not fit the schema (an unknown field,
    /// a missing argument, a fragment cycle, an undefined variable …).
    ValidationFailed(String),
    /// BAD_USER_INPUT: a value (in `variables` or written in the document) does not fit
    /// its type, e.g. an enum given as a number, `null` for a required field, `42` for an
    /// input object, a Decimal that is not a plain decimal string, or a required variable
    /// left out; `extensions.field` is its path (e.g. `input.items.0.weightKg`, from the
    /// variable's name) when known.
    BadUserInput {
        /// The value's path, as the client spelled it.
        field: Option<String>,
        /// What is wrong with it.
        message: String,
    },
    /// QUERY_LIMIT_EXCEEDED: the document is too deep, too complex (fields after fragment
    /// expansion, aliases and `__typename` included) or too large; `extensions.limit`
    /// names the limit and `extensions.max` its value.
    LimitExceeded {
        /// `depth`, `complexity`, `selections`, `introspectionLists` or `fragmentNesting`.
        limit: &'static str,
        /// The limit's value.
        max: u64,
        /// What was measured.
        message: String,
    },
    /// OPERATION_RESOLUTION_FAILURE: `operationName` names no operation of the document,
    /// or the document has several and none was named.
    OperationResolution(String),
}

/// Results of services and resolvers.
pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    /// A VALIDATION error for `field`.
    pub fn validation(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Validation {
            field: field.into(),
            message: message.into(),
        }
    }

    /// The message the client sees.
    pub fn message(&self) -> String {
        match self {
            Self::Unauthenticated(message)
            | Self::Conflict(message)
            | Self::InvalidState(message) => message.clone(),
            Self::Validation { message, .. } => message.clone(),
            Self::Forbidden => "you are not allowed to do this".to_owned(),
            Self::NotFound(what) => format!("{what} not found"),
            Self::QuoteExpired => "the quote has expired".to_owned(),
            Self::OfferExpired => "the job offer has expired".to_owned(),
            Self::AlreadyAssigned => "the order is already assigned".to_owned(),
            Self::RateLimited { .. } => "rate limit exceeded".to_owned(),
            Self::IdempotencyMismatch => {
                "the idempotency key was already used with different input".to_owned()
            }
            Self::Unavailable(_) => {
                "the service is temporarily unavailable; try again shortly".to_owned()
            }
            Self::Internal(_) => "internal error".to_owned(),
            Self::BadRequest(message)
            | Self::ParseFailed(message)
            | Self::ValidationFailed(message)
            | Self::BadUserInput { message, .. }
            | Self::LimitExceeded { message, .. }
            | Self::OperationResolution(message) => message.clone(),
        }
    }

    /// For callers outside GraphQL (the command line, start-up): an `anyhow` error with
    /// the code and message, or the internal cause itself.
    pub fn into_anyhow(self) -> anyhow::Error {
        match self {
            Self::Internal(cause) | Self::Unavailable(cause) => cause,
            other => anyhow::anyhow!("{}: {}", other.code(), other.message()),
        }
    }

    /// The stable `extensions.code` of this error.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Unauthenticated(_) => "UNAUTHENTICATED",
            Self::Forbidden => "FORBIDDEN",
            Self::NotFound(_) => "NOT_FOUND",
            Self::Validation { .. } => "VALIDATION",
            Self::Conflict(_) => "CONFLICT",
            Self::QuoteExpired => "QUOTE_EXPIRED",
            Self::OfferExpired => "OFFER_EXPIRED",
            Self::AlreadyAssigned => "ALREADY_ASSIGNED",
            Self::InvalidState(_) => "INVALID_STATE",
            Self::RateLimited { .. } => "RATE_LIMITED",
            Self::IdempotencyMismatch => "IDEMPOTENCY_MISMATCH",
            Self::Unavailable(_) => "UNAVAILABLE",
            Self::Internal(_) => "INTERNAL",
            Self::BadRequest(_) => "BAD_REQUEST",
            Self::ParseFailed(_) => "GRAPHQL_PARSE_FAILED",
            Self::ValidationFailed(_) => "GRAPHQL_VALIDATION_FAILED",
            Self::BadUserInput { .. } => "BAD_USER_INPUT",
            Self::LimitExceeded { .. } => "QUERY_LIMIT_EXCEEDED",
            Self::OperationResolution(_) => "OPERATION_RESOLUTION_FAILURE",
        }
    }
}

/// Seconds a client is told to wait before retrying an UNAVAILABLE request: about how long
/// the readiness probe caches its answer, so a retry meets a fresh verdict.
pub const UNAVAILABLE_RETRY_AFTER_SECS: u64 = 2;

impl From<anyhow::Error> for AppError {
    /// A database error anywhere in the chain decides: an unreachable database is
    /// UNAVAILABLE even when a caller wrapped it in context.
    fn from(err: anyhow::Error) -> Self {
        let unreachable = err
            .chain()
            .filter_map(|cause| cause.downcast_ref::<sea_orm::DbErr>())
            .any(db::is_unreachable);
        if unreachable {
            Self::Unavailable(err)
        } else {
            Self::Internal(err)
        }
    }
}

impl From<sea_orm::DbErr> for AppError {
    fn from(err: sea_orm::DbErr) -> Self {
        if db::is_unreachable(&err) {
            Self::Unavailable(anyhow::Error::new(err).context("database unreachable"))
        } else {
            Self::Internal(anyhow::Error::new(err).context("database"))
        }
    }
}

impl ErrorExtensions for AppError {
    fn extend(&self) -> async_graphql::Error {
        match self {
            // The only place internal errors are logged: with the whole context chain.
            Self::Internal(cause) => tracing::error!(error = ?cause, "internal error"),
            // Expected during an outage, and counted on /metrics; not an error of ours.
            Self::Unavailable(cause) => tracing::warn!(error = format!("{cause:#}"), "unavailable"),
            _ => {}
        }
        async_graphql::Error::new(self.message()).extend_with(|_, ext| {
            ext.set("code", self.code());
            match self {
                Self::Validation { field, .. } => ext.set("field", field.as_str()),
                Self::RateLimited { retry_after_secs } => {
                    ext.set("retryAfter", retry_after_secs.ceil())
                }
                Self::BadUserInput {
                    field: Some(field), ..
                } => ext.set("field", field.as_str()),
                Self::LimitExceeded { limit, max, .. } => {
                    ext.set("limit", *limit);
                    ext.set("max", *max);
                }
                Self::Unavailable(_) => ext.set("retryAfter", UNAVAILABLE_RETRY_AFTER_SECS),
                _ => {}
            }
        })
    }
}

impl AppError {
    /// This error as a request-level error at `locations` (none: the whole request).
    pub fn server_error(&self, locations: Vec<async_graphql::Pos>) -> async_graphql::ServerError {
        let mut error = async_graphql::ServerError::new(self.message(), None);
        error.locations = locations;
        error.extensions = self.extend().extensions;
        error
    }
}

impl From<AppError> for async_graphql::Error {
    fn from(err: AppError) -> Self {
        err.extend()
    }
}

#[cfg(test)]
mod tests {
    use sea_orm::{ConnAcquireErr, DbErr};

    use super::*;

    #[test]
    fn an_unreachable_database_is_unavailable_with_a_retry_hint() {
        let err = AppError::from(DbErr::ConnectionAcquire(ConnAcquireErr::Timeout));
        assert_eq!(err.code(), "UNAVAILABLE");
        let shown = err.extend();
        let ext = shown.extensions.expect("extensions");
        assert_eq!(
            ext.get("code"),
            Some(&async_graphql::Value::from("UNAVAILABLE"))
        );
        assert_eq!(
            ext.get("retryAfter"),
            Some(&async_graphql::Value::from(UNAVAILABLE_RETRY_AFTER_SECS))
        );
        assert!(
            !shown.message.contains("pool"),
            "no internals: {}",
            shown.message
        );
    }

    #[test]
    fn context_around_an_unreachable_database_keeps_it_unavailable() {
        let wrapped = anyhow::Error::new(DbErr::ConnectionAcquire(ConnAcquireErr::Timeout))
            .context("writing a quote");
        assert_eq!(AppError::from(wrapped).code(), "UNAVAILABLE");
    }

    #[test]
    fn other_database_errors_stay_internal() {
        assert_eq!(
            AppError::from(DbErr::Custom("bug".into())).code(),
            "INTERNAL"
        );
        assert_eq!(
            AppError::from(anyhow::anyhow!("not a database error")).code(),
            "INTERNAL"
        );
    }
}
