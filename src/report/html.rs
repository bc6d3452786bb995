//! report.html: the client deliverable as one self-contained page — inline
//! CSS and inline SVG charts, no script, no external fonts, images or
//! requests — rendered by minijinja from `templates/report.html.j2` (built
//! in; `--html-template` overrides) over the same context as summary.md.
//!
//! Every value is HTML-escaped by minijinja's auto-escaping; only the charts,
//! which [`super::charts`] builds from escaped text, are inserted as markup.

use std::path::Path;

use minijinja::AutoEscape;
use serde_json::json;

use super::markdown;
use super::view::{Chart, View};
use crate::error::Result;

/// The built-in template.
pub const DEFAULT_TEMPLATE: &str = include_str!("../../templates/report.html.j2");

/// `text` as a quoted CSS string (for `content:` in the print CSS): every
/// character but ASCII letters, digits and spaces becomes a six-digit
/// escape, so no client text can end the string, the rule or the `<style>`.
pub fn css_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        if c.is_ascii_alphanumeric() || c == ' ' {
            out.push(c);
        } else {
            // The space ends the escape and is consumed by the CSS parser.
            out.push_str(&format!("\\{:06x} ", c as u32));
        }
    }
    out.push('"');
    out
}

/// Renders report.html: the summary context plus `svg.<chart name>` (the
/// chart markup, for `{{ svg.radar | safe }}`).
pub fn render(
    view: &View,
    audit_json: &serde_json::Value,
    charts: &[Chart],
    template: Option<&Path>,
) -> Result<String> {
    let mut env = markdown::environment();
    env.set_auto_escape_callback(|_| AutoEscape::Html);
    // Safe as HTML too: only letters, digits, spaces, backslashes and the quotes.
    env.add_filter("css_string", |v: String| {
        minijinja::Value::from_safe_string(css_string(&v))
    });
    let mut ctx = markdown::context(view, audit_json);
    let svg: serde_json::Map<String, serde_json::Value> = charts
        .iter()
        .map(|c| (c.at.name.replace('-', "_"), json!(c.svg)))
        .collect();
    ctx["svg"] = serde_json::Value::Object(svg);
    markdown::render_with(&env, ("report.html.j2", DEFAULT_TEMPLATE), template, &ctx)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn css_strings_cannot_escape() {
        assert_eq!(css_string("A&B"), "\"A\\000026 B\"");
        let hostile = css_string("x\"; } </style><script>");
        assert!(!hostile[1..hostile.len() - 1].contains(['"', '<', '>', ';', '}']));
    }
}
