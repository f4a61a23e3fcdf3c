//! Variable values checked against the types the operation declares, before anything
//! runs, as the GraphQL-over-HTTP spec asks: a value that cannot be coerced is a request
//! error (BAD_USER_INPUT naming the variable's path), not an execution error.
//!
//! async-graphql checks a variable only where it is substituted into an argument, against
//! the argument's type and with the argument's path; a missing variable, or a scalar given
//! for an input object, is only found while executing. This fills those gaps with the
//! spec's input coercion rules (a single value stands for a list of one), read from the
//! schema's registry. Types the registry does not know are left to validation.

use std::sync::{Arc, Mutex};

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextPrepareRequest, NextValidation,
};
use async_graphql::indexmap::IndexMap;
use async_graphql::parser::types::{BaseType, OperationDefinition, Type};
use async_graphql::registry::{MetaInputValue, MetaType, Registry};
use async_graphql::{Name, Request, ServerError, ServerResult, ValidationResult, Value, Variables};

use super::types::decimal::DECIMAL_FORMAT;
use crate::error::AppError;

/// How async-graphql's validation starts the message of a value that does not fit an
/// argument.
const ARGUMENT_VALUE: &str = "Invalid value for argument ";

/// The extension factory to register on the schema (last, so the request's cost is not
/// drawn for a request refused here).
pub struct VariableValues;

impl ExtensionFactory for VariableValues {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(VariableValuesExtension::default())
    }
}

/// One request's refusals, found while preparing it and reported after validation, so a
/// document that is itself invalid is reported as such first.
#[derive(Default)]
struct VariableValuesExtension {
    refused: Mutex<Vec<ServerError>>,
}

#[async_trait::async_trait]
impl Extension for VariableValuesExtension {
    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        mut request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        let name = request.operation_name.clone();
        let variables = request.variables.clone();
        if let Ok(document) = request.parsed_query() {
            // The operation that will run: the named one, or the only one (choosing is
            // async-graphql's to refuse otherwise).
            let mut operations = document.operations.iter();
            let operation = match name.as_deref() {
                Some(name) => operations.find(|(n, _)| n.map(Name::as_str) == Some(name)),
                None => operations
                    .next()
                    .filter(|_| document.operations.iter().nth(1).is_none()),
            };
            if let Some((_, operation)) = operation {
                let refused = check(&ctx.schema_env.registry, &operation.node, &variables);
                *self.refused.lock().unwrap_or_else(|p| p.into_inner()) = refused;
            }
        }
        next.run(ctx, request).await
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        let validated = next.run(ctx).await;
        let mut refused =
            std::mem::take(&mut *self.refused.lock().unwrap_or_else(|p| p.into_inner()));
        match validated {
            Ok(result) if refused.is_empty() => Ok(result),
            Ok(_) => Err(refused),
            Err(errors) if refused.is_empty() => Err(errors),
            // async-graphql's validation also checks variable values where they stand for
            // an argument, with the argument's path; the variable's own refusal says more.
            Err(errors) => {
                let about_the_document = errors
                    .into_iter()
                    .filter(|e| !e.message.starts_with(ARGUMENT_VALUE));
                refused.splice(0..0, about_the_document);
                Err(refused)
            }
        }
    }
}

/// The refusals for `variables` given to `operation`: at most one per variable.
fn check(
    registry: &Registry,
    operation: &OperationDefinition,
    variables: &Variables,
) -> Vec<ServerError> {
    let coercion = Coercion { registry };
    operation
        .variable_definitions
        .iter()
        .filter_map(|definition| {
            let name = definition.node.name.node.as_str();
            let ty = &definition.node.var_type.node;
            let (field, message) = match variables.get(name) {
                None if !ty.nullable && definition.node.default_value.is_none() => (
                    name.to_owned(),
                    format!(
                        "Variable \"${name}\" of required type \"{ty}\" was not provided. Give \
                         it a value in `variables`."
                    ),
                ),
                None => return None,
                Some(value) => {
                    let (path, reason) = coercion.problem(ty, value, name)?;
                    let message = format!("Invalid value for variable \"{path}\", {reason}");
                    (path, message)
                }
            };
            let refusal = AppError::BadUserInput {
                field: Some(field),
                message,
            };
            Some(refusal.server_error(vec![definition.pos]))
        })
        .collect()
}

/// Input coercion of variable values against the registry's types.
struct Coercion<'r> {
    registry: &'r Registry,
}

/// What is wrong with a value: its path and why.
type Problem = Option<(String, String)>;

/// `expected type "name"` at `path` (with the format, for a Decimal).
fn expected(path: &str, name: &str) -> Problem {
    let hint = if name == "Decimal" {
        format!(": {DECIMAL_FORMAT}")
    } else {
        String::new()
    };
    Some((path.to_owned(), format!("expected type \"{name}\"{hint}")))
}

impl Coercion<'_> {
    /// The first value under `path` that `ty` refuses, and why.
    fn problem(&self, ty: &Type, value: &Value, path: &str) -> Problem {
        if *value == Value::Null {
            return if ty.nullable {
                None
            } else {
                expected(path, &ty.to_string())
            };
        }
        match &ty.base {
            BaseType::List(item) => match value {
                Value::List(items) => items
                    .iter()
                    .enumerate()
                    .find_map(|(i, v)| self.problem(item, v, &format!("{path}.{i}"))),
                // A single value stands for a list of one.
                single => self.problem(item, single, path),
            },
            BaseType::Named(name) => self.named(name, value, path),
        }
    }

    fn named(&self, name: &str, value: &Value, path: &str) -> Problem {
        match self.registry.types.get(name)? {
            MetaType::Scalar { is_valid, .. } => {
                let fits = is_valid.as_ref().is_none_or(|is_valid| is_valid(value));
                // `Int` is 32 bits; the registry's check only asks for an integer.
                let in_range = name != "Int"
                    || matches!(value, Value::Number(n) if n.as_i64().is_some_and(|i| i32::try_from(i).is_ok()));
                if fits && in_range {
                    None
                } else {
                    expected(path, name)
                }
            }
            MetaType::Enum { enum_values, .. } => {
                let given = match value {
                    Value::String(v) => Some(v.as_str()),
                    Value::Enum(v) => Some(v.as_str()),
                    _ => None,
                };
                match given {
                    Some(v) if enum_values.contains_key(v) => None,
                    _ => expected(path, name),
                }
            }
            MetaType::InputObject {
                input_fields,
                oneof,
                ..
            } => self.input_object(name, input_fields, *oneof, value, path),
            // Output types as variables: validation reports them.
            _ => None,
        }
    }

    fn input_object(
        &self,
        name: &str,
        input_fields: &IndexMap<String, MetaInputValue>,
        oneof: bool,
        value: &Value,
        path: &str,
    ) -> Problem {
        let Value::Object(fields) = value else {
            return expected(path, name);
        };
        if oneof && (fields.len() != 1 || fields.values().any(|v| *v == Value::Null)) {
            let reason = format!("exactly one field of \"{name}\" must be given, and not null");
            return Some((path.to_owned(), reason));
        }
        if let Some(unknown) = fields
            .keys()
            .find(|k| !input_fields.contains_key(k.as_str()))
        {
            let reason = format!("\"{name}\" has no field \"{unknown}\"");
            return Some((format!("{path}.{unknown}"), reason));
        }
        input_fields.values().find_map(|field| {
            let ty = Type::new(&field.ty)?;
            let at = format!("{path}.{}", field.name);
            match fields.get(field.name.as_str()) {
                Some(v) => self.problem(&ty, v, &at),
                None if !ty.nullable && field.default_value.is_none() => {
                    let reason = format!("required field of type \"{}\" not provided", field.ty);
                    Some((at, reason))
                }
                None => None,
            }
        })
    }
}
