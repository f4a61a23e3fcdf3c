//! `schema.graphql` matches the code, and every type and field is described.

use async_graphql::parser::parse_schema;
use async_graphql::parser::types::{TypeKind, TypeSystemDefinition};

fn committed_schema() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql"))
        .expect("schema.graphql exists")
}

#[test]
fn the_committed_schema_matches_the_code() {
    let current = reloop::graphql::sdl();
    assert!(
        committed_schema() == current,
        "schema.graphql is stale: run `cargo run -- print-schema > schema.graphql`"
    );
}

#[test]
fn every_type_field_argument_and_enum_value_is_described() {
    let document = parse_schema(reloop::graphql::sdl()).expect("the SDL parses");
    let mut missing = Vec::new();
    for definition in &document.definitions {
        let TypeSystemDefinition::Type(ty) = definition else {
            continue;
        };
        let ty = &ty.node;
        let name = ty.name.node.as_str();
        if ty.description.is_none() {
            missing.push(name.to_owned());
        }
        match &ty.kind {
            TypeKind::Object(object) => {
                for field in &object.fields {
                    let field = &field.node;
                    if field.description.is_none() {
                        missing.push(format!("{name}.{}", field.name.node));
                    }
                }
            }
            TypeKind::Interface(interface) => {
                for field in &interface.fields {
                    if field.node.description.is_none() {
                        missing.push(format!("{name}.{}", field.node.name.node));
                    }
                }
            }
            TypeKind::InputObject(input) => {
                for field in &input.fields {
                    if field.node.description.is_none() {
                        missing.push(format!("{name}.{}", field.node.name.node));
                    }
                }
            }
            TypeKind::Enum(values) => {
                for value in &values.values {
                    if value.node.description.is_none() {
                        missing.push(format!("{name}.{}", value.node.value.node));
                    }
                }
            }
            TypeKind::Scalar | TypeKind::Union(_) => {}
        }
    }
    assert!(missing.is_empty(), "undescribed: {missing:?}");
}

/// One type's members as the contract or the schema declares them: name → type, with
/// (for fields) their arguments and (for inputs and arguments) whether a default exists.
#[derive(Default)]
struct Members {
    is_input: bool,
    fields: std::collections::BTreeMap<String, Member>,
    enum_values: std::collections::BTreeSet<String>,
}

struct Member {
    ty: String,
    has_default: bool,
    arguments: std::collections::BTreeMap<String, (String, bool)>,
}

/// Every named type of an SDL document with its members; `extend type` merges in.
fn members_by_type(sdl: &str) -> std::collections::BTreeMap<String, Members> {
    let document = parse_schema(sdl).expect("the SDL parses");
    let mut types: std::collections::BTreeMap<String, Members> = Default::default();
    for definition in document.definitions {
        let TypeSystemDefinition::Type(ty) = definition else {
            continue;
        };
        let ty = ty.node;
        let entry = types.entry(ty.name.node.to_string()).or_default();
        match ty.kind {
            TypeKind::Object(object) => {
                for field in object.fields {
                    let field = field.node;
                    let arguments = field
                        .arguments
                        .into_iter()
                        .map(|a| {
                            let a = a.node;
                            (
                                a.name.node.to_string(),
                                (a.ty.node.to_string(), a.default_value.is_some()),
                            )
                        })
                        .collect();
                    entry.fields.insert(
                        field.name.node.to_string(),
                        Member {
                            ty: field.ty.node.to_string(),
                            has_default: false,
                            arguments,
                        },
                    );
                }
            }
            TypeKind::InputObject(input) => {
                entry.is_input = true;
                for field in input.fields {
                    let field = field.node;
                    entry.fields.insert(
                        field.name.node.to_string(),
                        Member {
                            ty: field.ty.node.to_string(),
                            has_default: field.default_value.is_some(),
                            arguments: Default::default(),
                        },
                    );
                }
            }
            TypeKind::Enum(values) => {
                entry.enum_values.extend(
                    values
                        .values
                        .into_iter()
                        .map(|v| v.node.value.node.to_string()),
                );
            }
            _ => {}
        }
    }
    types
}

/// DESIGN.md §8 (copied in `tests/contract/`) is what apps and partners code against:
/// every type, field, argument and enum value it names exists with the same type, and
/// the schema asks for nothing more (no extra required argument or input field).
#[test]
fn the_schema_keeps_every_binding_signature() {
    let contract = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/contract/design_signatures.graphql"
    ))
    .expect("the contract exists");
    let contract = members_by_type(&contract);
    let schema = members_by_type(&reloop::graphql::sdl());
    let required = |ty: &str, has_default: bool| ty.ends_with('!') && !has_default;
    let mut broken = Vec::new();
    for (name, wanted) in &contract {
        let Some(ours) = schema.get(name) else {
            broken.push(format!("type {name} is missing"));
            continue;
        };
        for value in wanted.enum_values.difference(&ours.enum_values) {
            broken.push(format!("{name}.{value} is missing"));
        }
        for (field, want) in &wanted.fields {
            let Some(have) = ours.fields.get(field) else {
                broken.push(format!("{name}.{field} is missing"));
                continue;
            };
            if have.ty != want.ty || have.has_default != want.has_default {
                broken.push(format!(
                    "{name}.{field}: {}{} instead of {}{}",
                    have.ty,
                    if have.has_default { " (defaulted)" } else { "" },
                    want.ty,
                    if want.has_default { " (defaulted)" } else { "" },
                ));
            }
            for (argument, (ty, _)) in &want.arguments {
                match have.arguments.get(argument) {
                    None => broken.push(format!("{name}.{field}({argument}) is missing")),
                    Some((have_ty, _)) if have_ty != ty => broken.push(format!(
                        "{name}.{field}({argument}): {have_ty} instead of {ty}"
                    )),
                    Some(_) => {}
                }
            }
            for (argument, (ty, has_default)) in &have.arguments {
                if !want.arguments.contains_key(argument) && required(ty, *has_default) {
                    broken.push(format!(
                        "{name}.{field}({argument}) is required but not in §8"
                    ));
                }
            }
        }
        if ours.is_input {
            for (field, have) in &ours.fields {
                if !wanted.fields.contains_key(field) && required(&have.ty, have.has_default) {
                    broken.push(format!("{name}.{field} is required but not in §8"));
                }
            }
        }
    }
    assert!(
        broken.is_empty(),
        "§8 signatures broken:\n{}",
        broken.join("\n")
    );
}
