//! The shape of a GraphQL document after its fragments are expanded — fields, selections,
//! depth and nested introspection lists — measured in time linear in the document's size.
//!
//! async-graphql's validator (and its depth and complexity counters) walks every fragment
//! spread inline, so a document of a few dozen fragments that each spread the previous
//! one twice costs 2^n steps before any limit is checked. Here each fragment is measured
//! once per context and its result reused wherever it is spread, so the measure stays
//! cheap whatever the expansion would be; [`super::limits`] refuses the document before
//! validation when the expanded figures are too large.

use std::collections::{HashMap, HashSet};

use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};

/// Fragments spread inside fragments deeper than this are refused (it also bounds the
/// recursion of the measure itself).
pub const MAX_FRAGMENT_NESTING: usize = 32;

/// Introspection fields that return lists: nesting them multiplies the answer's size
/// (types × fields × args …), so their nesting is measured on its own.
const INTROSPECTION_LISTS: [&str; 8] = [
    "types",
    "fields",
    "args",
    "inputFields",
    "interfaces",
    "enumValues",
    "possibleTypes",
    "directives",
];

/// Fields whose answers describe the schema.
const INTROSPECTION_ROOTS: [&str; 2] = ["__schema", "__type"];

/// What a selection set (or a whole operation) selects once fragments are expanded.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Extent {
    /// Fields, counting every alias and `__typename`: the operation's complexity.
    pub fields: u64,
    /// Fields, fragment spreads and inline fragments: the validator's work.
    pub selections: u64,
    /// Deepest field nesting (`{ a { b } }` is 2).
    pub depth: u32,
    /// Deepest nesting of introspection list fields (`types { fields { args } }` is 3).
    pub introspection_lists: u32,
}

impl Extent {
    /// The extent of two selections side by side.
    fn beside(self, other: Self) -> Self {
        Self {
            fields: self.fields.saturating_add(other.fields),
            selections: self.selections.saturating_add(other.selections),
            depth: self.depth.max(other.depth),
            introspection_lists: self.introspection_lists.max(other.introspection_lists),
        }
    }
}

/// One operation's measure.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OperationShape {
    /// The operation's name, if it has one.
    pub name: Option<String>,
    /// What it selects after expansion.
    pub extent: Extent,
    /// It reads only the schema: its root fields are `__schema` or `__type` (and
    /// `__typename`).
    pub introspection_only: bool,
}

/// The whole document's measure.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocumentShape {
    /// Each operation, in no particular order.
    pub operations: Vec<OperationShape>,
    /// Selections the validator walks: every operation and every fragment definition,
    /// each expanded (it visits fragment definitions on their own too).
    pub selections: u64,
}

/// Why a document cannot be measured.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ShapeError {
    /// The fragment spreads itself, directly or through others.
    FragmentCycle(String),
    /// Fragments spread inside fragments more than [`MAX_FRAGMENT_NESTING`] deep.
    NestedTooDeep,
}

/// Measures `doc`.
pub fn measure(doc: &ExecutableDocument) -> Result<DocumentShape, ShapeError> {
    let mut measurer = Measurer {
        doc,
        memo: HashMap::new(),
        in_progress: HashSet::new(),
    };
    let mut operations = Vec::new();
    let mut selections = 0u64;
    for (name, operation) in doc.operations.iter() {
        let set = &operation.node.selection_set.node;
        let extent = measurer.selection_set(set, false, 0)?;
        selections = selections.saturating_add(extent.selections);
        operations.push(OperationShape {
            name: name.map(ToString::to_string),
            extent,
            introspection_only: introspection_only(set),
        });
    }
    for name in doc.fragments.keys() {
        let extent = measurer.fragment(name.as_str(), false, 0)?;
        selections = selections.saturating_add(extent.selections);
    }
    Ok(DocumentShape {
        operations,
        selections,
    })
}

/// At least one `__schema` or `__type`, and nothing but them and `__typename`: a page of
/// `__typename` aliases is an ordinary query.
fn introspection_only(set: &SelectionSet) -> bool {
    let mut reads_schema = false;
    for item in &set.items {
        let Selection::Field(field) = &item.node else {
            return false;
        };
        match field.node.name.node.as_str() {
            "__schema" | "__type" => reads_schema = true,
            "__typename" => {}
            _ => return false,
        }
    }
    reads_schema
}

/// Whether a type condition names an introspection type (`__Type`, `__Schema` …).
fn is_introspection_type(name: &str) -> bool {
    name.starts_with("__")
}

struct Measurer<'d> {
    doc: &'d ExecutableDocument,
    /// A fragment's extent depends on whether it is spread inside introspection.
    memo: HashMap<(&'d str, bool), Extent>,
    in_progress: HashSet<&'d str>,
}

impl<'d> Measurer<'d> {
    fn selection_set(
        &mut self,
        set: &'d SelectionSet,
        introspection: bool,
        nesting: usize,
    ) -> Result<Extent, ShapeError> {
        let mut total = Extent::default();
        for item in &set.items {
            let extent = match &item.node {
                Selection::Field(field) => {
                    let name = field.node.name.node.as_str();
                    let inside = introspection || INTROSPECTION_ROOTS.contains(&name);
                    let children =
                        self.selection_set(&field.node.selection_set.node, inside, nesting)?;
                    let list = u32::from(introspection && INTROSPECTION_LISTS.contains(&name));
                    Extent {
                        fields: children.fields.saturating_add(1),
                        selections: children.selections.saturating_add(1),
                        depth: children.depth.saturating_add(1),
                        introspection_lists: children.introspection_lists.saturating_add(list),
                    }
                }
                Selection::FragmentSpread(spread) => {
                    let name = spread.node.fragment_name.node.as_str();
                    let inner = self.fragment(name, introspection, nesting + 1)?;
                    Extent {
                        selections: inner.selections.saturating_add(1),
                        ..inner
                    }
                }
                Selection::InlineFragment(inline) => {
                    let inside = introspection
                        || inline
                            .node
                            .type_condition
                            .as_ref()
                            .is_some_and(|c| is_introspection_type(c.node.on.node.as_str()));
                    let inner =
                        self.selection_set(&inline.node.selection_set.node, inside, nesting)?;
                    Extent {
                        selections: inner.selections.saturating_add(1),
                        ..inner
                    }
                }
            };
            total = total.beside(extent);
        }
        Ok(total)
    }

    /// A fragment's extent, measured once per context; an unknown fragment selects
    /// nothing here (validation reports it).
    fn fragment(
        &mut self,
        name: &'d str,
        introspection: bool,
        nesting: usize,
    ) -> Result<Extent, ShapeError> {
        let Some((key, fragment)) = self.doc.fragments.get_key_value(name) else {
            return Ok(Extent::default());
        };
        let name = key.as_str();
        let inside = introspection
            || is_introspection_type(fragment.node.type_condition.node.on.node.as_str());
        if let Some(extent) = self.memo.get(&(name, inside)) {
            return Ok(*extent);
        }
        if nesting > MAX_FRAGMENT_NESTING {
            return Err(ShapeError::NestedTooDeep);
        }
        if !self.in_progress.insert(name) {
            return Err(ShapeError::FragmentCycle(name.to_owned()));
        }
        let extent = self.selection_set(&fragment.node.selection_set.node, inside, nesting)?;
        self.in_progress.remove(name);
        self.memo.insert((name, inside), extent);
        Ok(extent)
    }
}

#[cfg(test)]
mod tests {
    use std::fmt::Write;

    use async_graphql::parser::parse_query;

    use super::*;

    fn shape(text: &str) -> Result<DocumentShape, ShapeError> {
        measure(&parse_query(text).expect("the test document parses"))
    }

    /// `fragment F{n} on Query { ...F{n-1} ...F{n-1} }`: 2^n fields after expansion.
    fn fan_out(levels: usize) -> String {
        let mut text = String::from("query { ...F0 }\nfragment F0 on Query { __typename }\n");
        for level in 1..=levels {
            let previous = level - 1;
            let _ = writeln!(
                text,
                "fragment F{level} on Query {{ ...F{previous} ...F{previous} }}"
            );
        }
        text.replace("query { ...F0 }", &format!("query {{ ...F{levels} }}"))
    }

    #[test]
    fn fields_are_counted_after_expansion_with_every_alias_and_typename() {
        let measured = shape("{ a: __typename b: __typename me { id ...U } } fragment U on User { email __typename }")
            .expect("measured");
        let op = &measured.operations[0];
        assert_eq!(op.extent.fields, 6);
        assert_eq!(op.extent.depth, 2);
        assert!(!op.introspection_only);
    }

    #[test]
    fn a_fragment_fan_out_is_measured_without_expanding_it() {
        let started = std::time::Instant::now();
        let measured = shape(&fan_out(MAX_FRAGMENT_NESTING - 1)).expect("measured");
        assert!(started.elapsed() < std::time::Duration::from_millis(200));
        assert_eq!(measured.operations[0].extent.fields, 1 << 31);
        assert!(measured.selections > 1 << 31);
    }

    #[test]
    fn a_fragment_cycle_is_refused() {
        let measured = shape("{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }");
        assert!(matches!(measured, Err(ShapeError::FragmentCycle(_))));
    }

    #[test]
    fn fragments_nested_past_the_limit_are_refused() {
        let mut text = String::from("{ ...F0 } ");
        for level in 0..=MAX_FRAGMENT_NESTING + 1 {
            let _ = write!(text, "fragment F{level} on Query {{ ...F{} }} ", level + 1);
        }
        let _ = write!(
            text,
            "fragment F{} on Query {{ __typename }}",
            MAX_FRAGMENT_NESTING + 2
        );
        assert_eq!(shape(&text), Err(ShapeError::NestedTooDeep));
    }

    #[test]
    fn introspection_lists_are_counted_inside_introspection_only() {
        let measured = shape(
            "{ __schema { types { ...T } } } fragment T on __Type { fields { args { name } } }",
        )
        .expect("measured");
        let op = &measured.operations[0];
        assert!(op.introspection_only);
        assert_eq!(op.extent.introspection_lists, 3);
        let ordinary = shape("{ types { fields { args } } }").expect("measured");
        assert_eq!(ordinary.operations[0].extent.introspection_lists, 0);
    }
}
