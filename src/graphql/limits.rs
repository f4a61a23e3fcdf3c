//! The request-shape limits, checked on the parsed document before async-graphql
//! validates or executes it, on every transport (HTTP and WebSocket): fields after
//! fragment expansion (the complexity, `__typename` and aliases included), depth, the
//! validator's total work, and nested introspection lists. Introspection-only operations
//! have limits of their own, sized for the standard introspection query of graphql-js.
//!
//! The measured complexity is left in the request data as [`QueryCost`] for the cost
//! rate limiter.

use std::sync::Arc;

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextPrepareRequest,
};
use async_graphql::{Request, ServerError, ServerResult};

use super::shape::{self, DocumentShape, OperationShape, ShapeError};
use crate::config::GraphqlSettings;
use crate::error::AppError;

/// Deepest field nesting of an introspection-only operation: graphql-js's
/// `getIntrospectionQuery()` reaches 15 (`__schema types fields args type` and nine `ofType`).
pub const INTROSPECTION_MAX_DEPTH: u32 = 16;
/// Most fields of an introspection-only operation (the standard query has about 220).
pub const INTROSPECTION_MAX_FIELDS: u64 = 1_000;
/// Deepest nesting of introspection lists (`types { fields { args } }` is 3): each level
/// multiplies the answer, and the standard query needs 3.
pub const INTROSPECTION_MAX_LISTS: u32 = 3;
/// Most selections the validator may walk over the whole document, each operation and
/// fragment definition expanded (the standard introspection document needs about 500).
pub const MAX_DOCUMENT_SELECTIONS: u64 = 4_000;

/// Request data: the complexity of the operation that will run (fields after expansion).
#[derive(Clone, Copy, Debug)]
pub struct QueryCost(pub u64);

/// The extension factory to register on the schema.
pub struct RequestLimits {
    /// Deepest ordinary operation.
    pub max_depth: u32,
    /// Most complex ordinary operation.
    pub max_complexity: u64,
}

impl RequestLimits {
    /// The limits configured in `settings`.
    pub fn new(settings: &GraphqlSettings) -> Self {
        Self {
            max_depth: u32::try_from(settings.max_depth).unwrap_or(u32::MAX),
            max_complexity: settings.max_complexity as u64,
        }
    }
}

impl ExtensionFactory for RequestLimits {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(RequestLimitsExtension {
            max_depth: self.max_depth,
            max_complexity: self.max_complexity,
        })
    }
}

struct RequestLimitsExtension {
    max_depth: u32,
    max_complexity: u64,
}

#[async_trait::async_trait]
impl Extension for RequestLimitsExtension {
    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        mut request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        let document = request
            .parsed_query()
            .map_err(|err| AppError::ParseFailed(err.message).server_error(err.locations))?;
        let measured = shape::measure(document).map_err(|err| refuse(&shape_error(err)))?;
        self.check(&measured).map_err(|err| refuse(&err))?;
        if let Some(cost) = selected(&measured, request.operation_name.as_deref()) {
            request.data.insert(QueryCost(cost.extent.fields));
        }
        next.run(ctx, request).await
    }
}

impl RequestLimitsExtension {
    /// Every operation is checked, not only the one that will run: the validator walks
    /// them all.
    fn check(&self, measured: &DocumentShape) -> Result<(), AppError> {
        for operation in &measured.operations {
            self.check_operation(operation)?;
        }
        if measured.selections > MAX_DOCUMENT_SELECTIONS {
            return Err(AppError::LimitExceeded {
                limit: "selections",
                max: MAX_DOCUMENT_SELECTIONS,
                message: format!(
                    "Query is too large: {} selections once its fragments are expanded \
                     (limit {MAX_DOCUMENT_SELECTIONS}).",
                    measured.selections
                ),
            });
        }
        Ok(())
    }

    fn check_operation(&self, operation: &OperationShape) -> Result<(), AppError> {
        let extent = operation.extent;
        let (max_depth, max_fields) = if operation.introspection_only {
            (INTROSPECTION_MAX_DEPTH, INTROSPECTION_MAX_FIELDS)
        } else {
            (self.max_depth, self.max_complexity)
        };
        if extent.introspection_lists > INTROSPECTION_MAX_LISTS {
            return Err(AppError::LimitExceeded {
                limit: "introspectionLists",
                max: u64::from(INTROSPECTION_MAX_LISTS),
                message: format!(
                    "Query is nested too deep: introspection lists nested {} deep \
                     (limit {INTROSPECTION_MAX_LISTS}).",
                    extent.introspection_lists
                ),
            });
        }
        if extent.depth > max_depth {
            return Err(AppError::LimitExceeded {
                limit: "depth",
                max: u64::from(max_depth),
                message: format!(
                    "Query is nested too deep: depth {} (limit {max_depth}).",
                    extent.depth
                ),
            });
        }
        if extent.fields > max_fields {
            return Err(AppError::LimitExceeded {
                limit: "complexity",
                max: max_fields,
                message: format!(
                    "Query is too complex: {} fields once fragments are expanded, aliases and \
                     `__typename` included (limit {max_fields}).",
                    extent.fields
                ),
            });
        }
        Ok(())
    }
}

/// The operation that will run: the named one, or the only one.
fn selected<'s>(measured: &'s DocumentShape, name: Option<&str>) -> Option<&'s OperationShape> {
    match name {
        Some(name) => measured
            .operations
            .iter()
            .find(|op| op.name.as_deref() == Some(name)),
        None => match measured.operations.as_slice() {
            [only] => Some(only),
            _ => None,
        },
    }
}

fn shape_error(err: ShapeError) -> AppError {
    match err {
        ShapeError::FragmentCycle(name) => {
            AppError::ValidationFailed(format!("Cannot spread fragment \"{name}\" within itself."))
        }
        ShapeError::NestedTooDeep => AppError::LimitExceeded {
            limit: "fragmentNesting",
            max: shape::MAX_FRAGMENT_NESTING as u64,
            message: format!(
                "Query is nested too deep: fragments spread inside fragments more than {} deep.",
                shape::MAX_FRAGMENT_NESTING
            ),
        },
    }
}

/// A request-level error: no location, the whole request is refused.
fn refuse(error: &AppError) -> ServerError {
    error.server_error(Vec::new())
}
