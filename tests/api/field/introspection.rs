//! The schema's root fields read through introspection, each turned into a call with
//! well-typed placeholder arguments, so a test can send every field the API has.

use std::collections::HashMap;

use serde_json::{Value, json};

use crate::helpers::TestApp;

const TYPE_REF: &str = "kind name ofType { kind name ofType { kind name ofType { kind name } } }";

/// One root field, ready to be called.
pub struct RootField {
    /// `query` or `mutation`.
    pub operation: &'static str,
    /// The field's name.
    pub name: String,
    /// Its required arguments, as GraphQL literals.
    arguments: Vec<(String, String)>,
    /// Whether its result needs a selection set.
    object: bool,
}

impl RootField {
    /// The document that calls the field with placeholder arguments.
    pub fn call(&self) -> String {
        let arguments = if self.arguments.is_empty() {
            String::new()
        } else {
            let list: Vec<String> = self
                .arguments
                .iter()
                .map(|(name, value)| format!("{name}: {value}"))
                .collect();
            format!("({})", list.join(", "))
        };
        let selection = if self.object { " { __typename }" } else { "" };
        format!(
            "{} {{ {}{arguments}{selection} }}",
            self.operation, self.name
        )
    }
}

/// Every root query and mutation field, read by `token` (an operator's).
pub async fn root_fields(app: &TestApp, token: &str) -> Vec<RootField> {
    let query = format!(
        "{{ __schema {{
            queryType {{ fields {{ name type {{ {TYPE_REF} }} args {{ name defaultValue type {{ {TYPE_REF} }} }} }} }}
            mutationType {{ fields {{ name type {{ {TYPE_REF} }} args {{ name defaultValue type {{ {TYPE_REF} }} }} }} }}
            types {{ name kind enumValues {{ name }} inputFields {{ name defaultValue type {{ {TYPE_REF} }} }} }}
        }} }}"
    );
    let response = app.gql(Some(token), &query, json!({})).await;
    let schema = &response["data"]["__schema"];
    assert!(schema.is_object(), "introspection: {response}");
    let types: HashMap<String, Value> = schema["types"]
        .as_array()
        .expect("types")
        .iter()
        .map(|t| (t["name"].as_str().unwrap_or_default().to_owned(), t.clone()))
        .collect();
    let mut fields = Vec::new();
    for (operation, root) in [("query", "queryType"), ("mutation", "mutationType")] {
        for field in schema[root]["fields"].as_array().expect("fields") {
            let arguments = field["args"]
                .as_array()
                .expect("args")
                .iter()
                .filter(|arg| arg["type"]["kind"] == "NON_NULL" && arg["defaultValue"].is_null())
                .map(|arg| {
                    let name = arg["name"].as_str().expect("name").to_owned();
                    (name, placeholder(&arg["type"], &types))
                })
                .collect();
            let named = named_type(&field["type"]);
            let object = matches!(
                types[named]["kind"].as_str(),
                Some("OBJECT" | "INTERFACE" | "UNION")
            );
            fields.push(RootField {
                operation,
                name: field["name"].as_str().expect("name").to_owned(),
                arguments,
                object,
            });
        }
    }
    fields
}

/// The named type under NON_NULL and LIST wrappers.
fn named_type(reference: &Value) -> &str {
    match reference["name"].as_str() {
        Some(name) => name,
        None => named_type(&reference["ofType"]),
    }
}

/// A literal of the type `reference`: the smallest value that passes validation.
fn placeholder(reference: &Value, types: &HashMap<String, Value>) -> String {
    match reference["kind"].as_str() {
        Some("NON_NULL") => placeholder(&reference["ofType"], types),
        Some("LIST") => "[]".to_owned(),
        _ => {
            let name = named_type(reference);
            let described = &types[name];
            match (described["kind"].as_str(), name) {
                (Some("ENUM"), _) => described["enumValues"][0]["name"]
                    .as_str()
                    .expect("an enum value")
                    .to_owned(),
                (Some("INPUT_OBJECT"), _) => {
                    let members: Vec<String> = described["inputFields"]
                        .as_array()
                        .expect("input fields")
                        .iter()
                        .filter(|f| f["type"]["kind"] == "NON_NULL" && f["defaultValue"].is_null())
                        .map(|f| {
                            let member = f["name"].as_str().expect("name");
                            format!("{member}: {}", placeholder(&f["type"], types))
                        })
                        .collect();
                    format!("{{{}}}", members.join(", "))
                }
                (_, "ID") => "\"00000000-0000-4000-8000-000000000000\"".to_owned(),
                (_, "Int") => "1".to_owned(),
                (_, "Float") => "1.5".to_owned(),
                (_, "Boolean") => "true".to_owned(),
                (_, "Decimal") => "\"1\"".to_owned(),
                (_, "DateTime") => "\"2030-01-01T00:00:00Z\"".to_owned(),
                _ => "\"x\"".to_owned(),
            }
        }
    }
}
