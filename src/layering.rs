//! The dependency rules of the crate's layers, checked against the source text.
//!
//! A request travels http → graphql → services → domain, with adapters from infra; nothing
//! lower may import anything higher, the application state holds adapters only, and the
//! service areas (orders, dispatch, quotes, …) depend on each other without a circle. The
//! check reads every `crate::…` path in the sources, so a new import that breaks a rule
//! fails this test with the file that made it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Every `.rs` file below `dir`.
fn sources(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(next) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&next) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

/// The `crate::a::b` paths a file names outside comments, as (a, b) with b possibly
/// empty.
fn crate_paths(text: &str) -> BTreeSet<(String, String)> {
    let mut paths = BTreeSet::new();
    for line in text.lines() {
        let code = line.split("//").next().unwrap_or_default();
        for (at, _) in code.match_indices("crate::") {
            let rest = &code[at + "crate::".len()..];
            let mut segments = rest.split("::").map(|s| {
                s.chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect::<String>()
            });
            let first = segments.next().unwrap_or_default();
            let second = segments.next().unwrap_or_default();
            paths.insert((first, second));
        }
    }
    paths
}

/// (layer or file, the crate paths it names) for every source file; the layer of
/// `src/services/orders/booking.rs` is `services/orders`.
fn imports() -> Vec<(String, BTreeSet<(String, String)>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    sources(&root)
        .into_iter()
        .map(|path| {
            let relative = path.strip_prefix(&root).unwrap_or(&path).with_extension("");
            let parts: Vec<String> = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            let unit = match parts.as_slice() {
                [services, area, ..] if services == "services" => format!("services/{area}"),
                [top, ..] => top.clone(),
                [] => String::new(),
            };
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            (unit, crate_paths(&text))
        })
        .collect()
}

fn breaches(unit_prefix: &str, forbidden: &[&str]) -> Vec<String> {
    imports()
        .into_iter()
        .filter(|(unit, _)| unit == unit_prefix || unit.starts_with(&format!("{unit_prefix}/")))
        .flat_map(|(unit, paths)| {
            paths
                .into_iter()
                .filter(|(first, _)| forbidden.contains(&first.as_str()))
                .map(move |(first, second)| format!("{unit} imports crate::{first}::{second}"))
        })
        .collect()
}

#[test]
fn lower_layers_never_import_higher_ones() {
    let higher = [
        "services", "graphql", "http", "startup", "cli", "state", "demo",
    ];
    assert_eq!(
        breaches("domain", &[&higher[..], &["infra", "config"]].concat()),
        Vec::<String>::new()
    );
    assert_eq!(breaches("infra", &higher), Vec::<String>::new());
    assert_eq!(
        breaches(
            "state",
            &["services", "graphql", "http", "startup", "cli", "demo"]
        ),
        Vec::<String>::new()
    );
    assert_eq!(
        breaches("services", &["graphql", "http", "startup", "cli", "demo"]),
        Vec::<String>::new()
    );
    assert_eq!(
        breaches("graphql", &["http", "startup", "cli", "demo"]),
        Vec::<String>::new()
    );
    // The demo is a client of the public API: it may start the server and create the
    // operator as the CLI does, but never call into the schema or the HTTP layer.
    assert_eq!(
        breaches("demo", &["graphql", "http", "cli"]),
        Vec::<String>::new()
    );
}

#[test]
fn service_areas_depend_on_each_other_without_a_circle() {
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (unit, paths) in imports() {
        let Some(area) = unit.strip_prefix("services/") else {
            continue;
        };
        let uses = graph.entry(area.to_owned()).or_default();
        for (first, second) in paths {
            if first == "services" && !second.is_empty() && second != area {
                uses.insert(second);
            }
        }
    }
    // Depth-first search for a back edge; reports the circle it closes.
    fn visit(
        area: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(start) = path.iter().position(|a| a == area) {
            let mut circle = path[start..].to_vec();
            circle.push(area.to_owned());
            return Some(circle);
        }
        if done.contains(area) {
            return None;
        }
        path.push(area.to_owned());
        for next in graph.get(area).into_iter().flatten() {
            if let Some(circle) = visit(next, graph, path, done) {
                return Some(circle);
            }
        }
        path.pop();
        done.insert(area.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    for area in graph.keys() {
        let circle = visit(area, &graph, &mut Vec::new(), &mut done);
        assert_eq!(circle, None, "service areas import each other in a circle");
    }
}

#[test]
fn the_check_sees_imports_and_ignores_comments() {
    let paths = crate_paths("use crate::services::orders::Party; // crate::http::x\n");
    assert!(paths.contains(&("services".to_owned(), "orders".to_owned())));
    assert!(!paths.iter().any(|(first, _)| first == "http"));
}
