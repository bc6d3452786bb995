//! The layout stays as designed: the top-level modules of `src/` depend on
//! each other one way only (no import cycle), no source file passes 600 lines
//! and no function passes 120. Read from the sources, so a change that breaks
//! the shape fails here with the offending names.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

fn sources() -> Vec<(PathBuf, String)> {
    let src = common::root().join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            (p.strip_prefix(&src).unwrap().to_path_buf(), text)
        })
        .collect()
}

/// The top-level module a file belongs to (`input/table.rs` → `input`).
fn top_module(rel: &Path) -> Option<String> {
    let first = rel
        .components()
        .next()?
        .as_os_str()
        .to_string_lossy()
        .into_owned();
    let name = first.trim_end_matches(".rs").to_string();
    (name != "lib" && name != "main").then_some(name)
}

/// Every top-level module named by a `crate::` path, including grouped
/// imports such as `use crate::{audit::Audit, model::P};`.
fn crate_refs(text: &str) -> BTreeSet<String> {
    let mut refs = BTreeSet::new();
    let code: String = text
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    let mut rest = code.as_str();
    while let Some(i) = rest.find("crate::") {
        rest = &rest[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            for part in group[..end].split(',') {
                let name: String = part
                    .trim()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    refs.insert(name);
                }
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                refs.insert(name);
            }
        }
    }
    refs
}

#[test]
fn top_level_modules_have_no_import_cycle() {
    let mut deps: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (rel, text) in sources() {
        let Some(m) = top_module(&rel) else { continue };
        let entry = deps.entry(m.clone()).or_default();
        for r in crate_refs(&text) {
            if r != m {
                entry.insert(r);
            }
        }
    }
    let modules: BTreeSet<String> = deps.keys().cloned().collect();
    for d in deps.values_mut() {
        d.retain(|r| modules.contains(r));
    }
    assert!(modules.len() >= 8, "modules found: {modules:?}");
    // Depth-first search for a back edge; report the cycle it closes.
    fn visit(
        m: &str,
        deps: &BTreeMap<String, BTreeSet<String>>,
        stack: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(i) = stack.iter().position(|s| s == m) {
            let mut cycle = stack[i..].to_vec();
            cycle.push(m.to_string());
            return Some(cycle);
        }
        if done.contains(m) {
            return None;
        }
        stack.push(m.to_string());
        for d in &deps[m] {
            if let Some(c) = visit(d, deps, stack, done) {
                return Some(c);
            }
        }
        stack.pop();
        done.insert(m.to_string());
        None
    }
    let mut done = BTreeSet::new();
    for m in &modules {
        if let Some(cycle) = visit(m, &deps, &mut Vec::new(), &mut done) {
            panic!(
                "import cycle between top-level modules: {}\nall dependencies: {deps:#?}",
                cycle.join(" → ")
            );
        }
    }
}

#[test]
fn the_cycle_check_sees_grouped_imports() {
    let refs = crate_refs(
        "use crate::{audit::Audit, model::P};\nlet x = crate::report::json::render(a);\n// crate::batch in a comment\n",
    );
    assert_eq!(
        refs.into_iter().collect::<Vec<_>>(),
        ["audit", "model", "report"]
    );
}

#[test]
fn no_source_file_passes_600_lines() {
    let long: Vec<String> = sources()
        .into_iter()
        .map(|(rel, text)| (rel, text.lines().count()))
        .filter(|(_, n)| *n > 600)
        .map(|(rel, n)| format!("{} ({n} lines)", rel.display()))
        .collect();
    assert!(long.is_empty(), "files over 600 lines: {long:?}");
}

/// Functions as (file, name, lines): from a `fn` line to the closing brace at
/// the same indentation.
fn functions() -> Vec<(String, String, usize)> {
    let mut out = Vec::new();
    for (rel, text) in sources() {
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let trimmed = line.trim_start();
            let indent = line.len() - trimmed.len();
            let after_vis = trimmed
                .strip_prefix("pub(crate) ")
                .or_else(|| trimmed.strip_prefix("pub(super) "))
                .or_else(|| trimmed.strip_prefix("pub "))
                .unwrap_or(trimmed);
            let after_const = after_vis.strip_prefix("const ").unwrap_or(after_vis);
            let Some(sig) = after_const.strip_prefix("fn ") else {
                continue;
            };
            if line.trim_end().ends_with(';') {
                continue; // a trait method without a body
            }
            let name: String = sig
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            let close = format!("{}}}", " ".repeat(indent));
            let end = lines[i + 1..]
                .iter()
                .position(|l| l.trim_end() == close)
                .map_or(1, |k| k + 2);
            out.push((rel.display().to_string(), name, end));
        }
    }
    out
}

#[test]
fn no_function_passes_120_lines() {
    let fns = functions();
    assert!(fns.len() > 300, "functions found: {}", fns.len());
    let long: Vec<String> = fns
        .into_iter()
        .filter(|(_, _, n)| *n > 120)
        .map(|(f, name, n)| format!("{f}::{name} ({n} lines)"))
        .collect();
    assert!(long.is_empty(), "functions over 120 lines: {long:?}");
}
