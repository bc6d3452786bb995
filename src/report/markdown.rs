//! summary.md, rendered from a minijinja template (built in, or `--template`).
//!
//! Templates are sandboxed: no loader (so no file-system access beyond the
//! template given), and fuel bounds the work a template may do.

use minijinja::AutoEscape;
use minijinja::{Environment, Value};
use serde_json::json;

use super::format;
use super::view::View;
use crate::error::{Error, Result};

/// The built-in template.
pub const DEFAULT_TEMPLATE: &str = include_str!("../../templates/summary.md.j2");
const TEMPLATE_FUEL: u64 = 5_000_000;
const MAX_TEMPLATE_BYTES: usize = 1024 * 1024;

fn as_f64(v: &Value) -> Option<f64> {
    if v.is_none() || v.is_undefined() {
        return None;
    }
    f64::try_from(v.clone()).ok()
}

/// Sets up the sandboxed template environment with mixaudit's filters.
pub fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_fuel(Some(TEMPLATE_FUEL));
    // each macro call recurses natively; keep it well inside a thread's stack
    env.set_recursion_limit(64);
    env.set_syntax(
        minijinja::syntax::SyntaxConfig::builder()
            .trim_blocks(true)
            .lstrip_blocks(true)
            .keep_trailing_newline(true)
            .build()
            .expect("default delimiters are valid"),
    );
    // Every value a Markdown template prints is escaped as Markdown (client
    // text must not become HTML, links, headings or table cells); the HTML
    // report replaces the callback with HTML escaping.
    env.set_auto_escape_callback(|_| AutoEscape::Custom("markdown".into()));
    env.set_formatter(|out, state, value| {
        if matches!(state.auto_escape(), AutoEscape::Custom(k) if k == "markdown")
            && !value.is_safe()
        {
            let text = match value.as_str() {
                Some(s) => escape_markdown(s),
                None if value.is_none() || value.is_undefined() => String::new(),
                None => escape_markdown(&value.to_string()),
            };
            return out
                .write_str(&text)
                .map_err(|_| minijinja::Error::new(minijinja::ErrorKind::WriteFailure, "write"));
        }
        minijinja::escape_formatter(out, state, value)
    });
    env.add_filter("pct", |v: Value| format::pct(as_f64(&v)));
    // `{{ x | money }}` shows the audit's currency (audit.json `currency`);
    // `money("EUR")` names another.
    env.add_filter(
        "money",
        |state: &minijinja::State, v: Value, currency: Option<String>| {
            let code = currency.or_else(|| {
                state
                    .lookup("currency")
                    .and_then(|c| c.as_str().map(str::to_owned))
            });
            format::money(as_f64(&v), code.as_deref().unwrap_or(""))
        },
    );
    env.add_filter("num", |v: Value| format::num(as_f64(&v)));
    env.add_filter("score", |v: Value| format::score(as_f64(&v)));
    env.add_filter("delta", |v: Value| format::delta(as_f64(&v)));
    env.add_filter("pp", |v: Value| format::pp(as_f64(&v)));
    env.add_filter("bar", |v: Value| format::bar(as_f64(&v)));
    env
}

/// Client-supplied text made inert in Markdown: one line (newlines become
/// spaces, control characters go), no raw HTML (`<` `>` `&` as entities), and
/// the characters that start links, emphasis, code, headings or table cells
/// backslash-escaped, so a touchpoint named `[x](javascript:…)` or `| a |`
/// prints as itself.
pub fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() => {}
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '#' | '!' | '~' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// The template context: everything in audit.json, the [`View`] under
/// `view` (what the built-in templates render), and the ready-made lists
/// older custom templates read (`p_rows`, `top_findings`, `at_risk`, and with
/// a previous audit `moved_touchpoints`, `metric_changes`, `new_touchpoints`).
pub fn context(view: &View, audit_json: &serde_json::Value) -> serde_json::Value {
    let mut ctx = audit_json.clone();
    let total = ctx["metrics"]["spend_total"].as_f64().unwrap_or(0.0);
    let p_rows: Vec<_> = ctx["ps"]
        .as_array()
        .map(|ps| {
            ps.iter()
                .map(|p| {
                    let spend = p["spend"].as_f64().unwrap_or(0.0);
                    json!({"p": p["p"], "title": p["title"], "score": p["score"], "rating": p["rating"], "spend": spend, "share": if total > 0.0 { Some(spend / total) } else { None }})
                })
                .collect()
        })
        .unwrap_or_default();
    let top: Vec<_> = ctx["findings"]
        .as_array()
        .map(|f| f.iter().take(10).cloned().collect())
        .unwrap_or_default();
    ctx["p_rows"] = json!(p_rows);
    ctx["top_findings"] = json!(top);
    ctx["at_risk"] = json!(view.at_risk);
    if let Some(changes) = ctx.get("changes").filter(|c| !c.is_null()).cloned() {
        let tps = changes["touchpoints"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        // The order is the view's (largest moves first); the rows are audit.json's.
        let moved: Vec<&serde_json::Value> = view
            .changes
            .iter()
            .flat_map(|c| &c.moved)
            .filter_map(|d| {
                tps.iter()
                    .find(|t| t["name"].as_str() == Some(d.name.as_str()))
            })
            .collect();
        let new: Vec<&serde_json::Value> = tps
            .iter()
            .filter(|t| t["new"] == true)
            .map(|t| &t["name"])
            .collect();
        ctx["moved_touchpoints"] = json!(moved);
        let metric_changes: Vec<serde_json::Value> = crate::audit::KEY_METRICS
            .iter()
            .map(|k| {
                let d = &changes["metrics"][*k];
                json!({"name": k, "rate": k.ends_with("_rate") || k.ends_with("_share"), "before": d["before"], "now": d["now"], "change": d["change"]})
            })
            .collect();
        ctx["metric_changes"] = json!(metric_changes);
        ctx["new_touchpoints"] = json!(new);
    }
    ctx["view"] = serde_json::to_value(view).unwrap_or_default();
    ctx
}

/// Renders summary.md with the built-in or the given template.
pub fn render(
    view: &View,
    audit_json: &serde_json::Value,
    template: Option<&std::path::Path>,
) -> Result<String> {
    let ctx = context(view, audit_json);
    render_with(
        &environment(),
        ("summary.md.j2", DEFAULT_TEMPLATE),
        template,
        &ctx,
    )
}

/// Renders `ctx` with the template file given, else the built-in one
/// (`builtin`: its name for messages and its source), in `env`.
pub(crate) fn render_with(
    env: &Environment<'static>,
    builtin: (&str, &str),
    template: Option<&std::path::Path>,
    ctx: &serde_json::Value,
) -> Result<String> {
    let source = match template {
        Some(p) => {
            let text = crate::input::guard::read_text_capped(p, MAX_TEMPLATE_BYTES as u64)
                .map_err(|e| Error::Failed(format!("template {e}")))?;
            crate::input::nesting::template_depth(&text)
                .map_err(|e| Error::Failed(format!("{}:{e}", p.display())))?;
            text
        }
        None => builtin.1.to_string(),
    };
    let name = template
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| builtin.0.into());
    let ctx = Value::from(minijinja::value::Serde(ctx));
    let out = super::bounded::render(env.clone(), source, &name, ctx)?;
    Ok(tidy(&out))
}

/// Collapses runs of blank lines left by template tags.
fn tidy(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut blank = 0;
    for line in s.lines() {
        if line.trim().is_empty() {
            blank += 1;
            if blank > 1 {
                continue;
            }
        } else {
            blank = 0;
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}
