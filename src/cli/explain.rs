//! `mixaudit explain ID`, `mixaudit checklist` and `mixaudit metrics`: what
//! an item checks, what a diagnostic code means, which metrics exist. All of
//! it is read from the same tables the audit runs on (the compiled checklist,
//! the code table, the metric glossary), so the explanations cannot drift.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use super::docs::print;
use super::{exit, fail, say};
use crate::analytics::{METRICS, Params};
use crate::checklist::words::{in_sentence, rule_in_words};
use crate::checklist::{Checklist, Item, Scope};
use crate::error::{Code, Error};

fn load(path: Option<&Path>) -> Result<Checklist, Error> {
    match path {
        Some(p) => Checklist::load(p),
        None => Checklist::builtin(),
    }
}

/// Every parameter's value in force by default (the checklist's own, else
/// mixaudit's), so rules in words show numbers rather than names alone.
fn param_values(c: &Checklist) -> BTreeMap<String, f64> {
    Params::resolve(&c.params, &[])
        .map(|p| p.all())
        .unwrap_or_else(|_| c.params.clone())
}

fn scope_words(s: Scope) -> &'static str {
    match s {
        Scope::Touchpoint => "each touchpoint",
        Scope::Portfolio => "once for the whole client",
    }
}

/// What an item reads, in words: touchpoint fields, then metrics with the
/// data they need.
fn reads(item: &Item) -> Vec<String> {
    let mut fields: Vec<String> = Vec::new();
    let mut metrics: Vec<String> = Vec::new();
    for rule in item.rules() {
        for (root, field) in &rule.vars {
            let Some(field) = field else { continue };
            let line = match root.as_str() {
                "touchpoint" => {
                    format!("the touchpoint's {} (spend sheet)", field.replace('_', " "))
                }
                "metrics" => match METRICS.iter().find(|m| m.name == field) {
                    Some(m) => format!("the {} (from {})", in_sentence(m.label()), m.needs),
                    None => continue,
                },
                _ => continue,
            };
            let list = if root == "touchpoint" {
                &mut fields
            } else {
                &mut metrics
            };
            if !list.contains(&line) {
                list.push(line);
            }
        }
    }
    fields.into_iter().chain(metrics).collect()
}

/// The full explanation of one item.
fn item_text(item: &Item, params: &BTreeMap<String, f64>) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "{}  {}\n", item.id, item.title);
    let _ = writeln!(s, "P:        {}", item.p.title());
    let _ = writeln!(s, "Scope:    {}", scope_words(item.scope));
    let _ = writeln!(s, "Weight:   {}", item.weight);
    let _ = writeln!(s, "Why:      {}", item.why.trim());
    let _ = writeln!(s, "Fix:      {}", item.fix.trim());
    if let Some(src) = &item.source {
        let _ = writeln!(s, "Source:   {src}");
    }
    let _ = writeln!(s, "\nRules");
    if let Some(w) = &item.when {
        let _ = writeln!(s, "  Applies when:    {}", rule_in_words(&w.source, params));
    }
    let _ = writeln!(
        s,
        "  Passes when:     {}",
        rule_in_words(&item.pass.source, params)
    );
    if let Some(p) = &item.partial {
        let _ = writeln!(s, "  Half marks when: {}", rule_in_words(&p.source, params));
    }
    let _ = writeln!(s, "\nReads");
    for r in reads(item) {
        let _ = writeln!(s, "  {r}");
    }
    s
}

/// The explanation of a diagnostic code.
fn code_text(code: Code) -> String {
    let i = code.info();
    format!(
        "{} {} ({})\n\n{}\n",
        i.id,
        i.slug,
        i.severity.as_str(),
        i.help
    )
}

/// Runs `mixaudit explain ID`: a checklist item, else a diagnostic code.
pub fn cmd_explain(id: &str, checklist: Option<&Path>) -> u8 {
    if let Some(code) = Code::lookup(id) {
        return print(&code_text(code));
    }
    let c = match load(checklist) {
        Ok(c) => c,
        Err(e) => return fail(&e),
    };
    match c.items().find(|i| i.id.eq_ignore_ascii_case(id)) {
        Some(item) => print(&item_text(item, &param_values(&c))),
        None => {
            let ids: Vec<&str> = c.items().map(|i| i.id.as_str()).collect();
            say!(
                "mixaudit: `{id}` is neither an item of checklist {} nor a diagnostic code{}",
                c.name,
                crate::error::suggest(id, &ids)
            );
            exit::USAGE
        }
    }
}

/// Runs `mixaudit checklist`: the items as a table.
pub fn cmd_checklist(checklist: Option<&Path>) -> u8 {
    let c = match load(checklist) {
        Ok(c) => c,
        Err(e) => return fail(&e),
    };
    let mut s = format!("{} {} — {} items\n\n", c.name, c.version, c.items().count());
    let _ = writeln!(
        s,
        "{:<8} {:<18} {:<11} {:>6}  title",
        "id", "P", "scope", "weight"
    );
    for item in c.items() {
        let scope = match item.scope {
            Scope::Touchpoint => "touchpoint",
            Scope::Portfolio => "client",
        };
        let _ = writeln!(
            s,
            "{:<8} {:<18} {:<11} {:>6}  {}",
            item.id,
            item.p.title(),
            scope,
            item.weight,
            item.title
        );
    }
    s.push_str("\nmixaudit explain ID tells what an item checks and why.\n");
    print(&s)
}

/// Runs `mixaudit metrics`: every metric with its definition and data.
pub fn cmd_metrics() -> u8 {
    let mut s = String::new();
    for m in METRICS {
        let _ = writeln!(
            s,
            "{} — {}\n    {}\n    needs: {}\n",
            m.name,
            m.label(),
            m.definition,
            m.needs
        );
    }
    print(&s)
}
