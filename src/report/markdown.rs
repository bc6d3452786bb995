//! summary.md, rendered from a minijinja template (built in, or `--template`).
//!
//! Templates are sandboxed: no loader (so no file-system access beyond the
//! template given), and fuel bounds the work a template may do.

use minijinja::{Environment, Value};
use serde_json::json;

use crate::audit::Audit;
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

fn group(n: f64, decimals: usize) -> String {
    let s = format!("{:.*}", decimals, n.abs());
    let (int, frac) = s
        .split_once('.')
        .map_or((s.as_str(), None), |(a, b)| (a, Some(b)));
    let mut out = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    if n < 0.0 { format!("−{out}") } else { out }
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
    env.add_filter("pct", |v: Value| {
        as_f64(&v).map_or("—".into(), |x| format!("{:.1}%", 100.0 * x))
    });
    env.add_filter("money", |v: Value| {
        as_f64(&v).map_or("—".into(), |x| group(x, 0))
    });
    env.add_filter("num", |v: Value| {
        as_f64(&v).map_or("—".into(), |x| {
            if x.fract() == 0.0 {
                group(x, 0)
            } else {
                group(x, 1)
            }
        })
    });
    env.add_filter("score", |v: Value| {
        as_f64(&v).map_or("—".into(), |x| format!("{x:.0}"))
    });
    env.add_filter("delta", |v: Value| {
        as_f64(&v).map_or("—".into(), |x| {
            if x.abs() < 0.05 {
                "±0".into()
            } else if x > 0.0 {
                format!("+{:.1}", x)
            } else {
                format!("−{:.1}", -x)
            }
        })
    });
    env.add_filter("pp", |v: Value| {
        as_f64(&v).map_or("—".into(), |x| {
            let pp = 100.0 * x;
            if pp.abs() < 0.05 {
                "±0 pp".into()
            } else if pp > 0.0 {
                format!("+{pp:.1} pp")
            } else {
                format!("−{:.1} pp", -pp)
            }
        })
    });
    env.add_filter("bar", |v: Value| {
        as_f64(&v).map_or("·".repeat(10), |x| {
            let full = ((x / 10.0).round() as usize).min(10);
            format!("{}{}", "█".repeat(full), "░".repeat(10 - full))
        })
    });
    env
}

/// The template context: audit.json plus a few ready-made lists.
pub fn context(audit: &Audit) -> serde_json::Value {
    let mut ctx = crate::report::json::to_value(audit);
    let total = audit.analysis.metrics.spend_total;
    let p_rows: Vec<_> = audit
        .scores
        .ps
        .iter()
        .map(|p| json!({"p": p.p.key(), "title": p.title, "score": p.score, "rating": p.rating, "spend": p.spend, "share": if total > 0.0 { Some(p.spend / total) } else { None }}))
        .collect();
    let top: Vec<_> = audit.scores.findings.iter().take(10).collect();
    ctx["p_rows"] = json!(p_rows);
    ctx["top_findings"] = json!(top);
    ctx["at_risk"] = json!(crate::report::at_risk(audit, 15));
    if let Some(changes) = ctx.get("changes").filter(|c| !c.is_null()).cloned() {
        let tps = changes["touchpoints"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let mut moved: Vec<&serde_json::Value> = tps
            .iter()
            .filter(|t| t["change"].as_f64().is_some_and(|c| c.abs() >= 0.05))
            .collect();
        moved.sort_by(|a, b| {
            let (x, y) = (
                a["change"].as_f64().unwrap_or(0.0).abs(),
                b["change"].as_f64().unwrap_or(0.0).abs(),
            );
            y.total_cmp(&x)
                .then_with(|| a["name"].as_str().cmp(&b["name"].as_str()))
        });
        moved.truncate(10);
        let new: Vec<&serde_json::Value> = tps
            .iter()
            .filter(|t| t["new"] == true)
            .map(|t| &t["name"])
            .collect();
        ctx["moved_touchpoints"] = json!(moved);
        let metric_changes: Vec<serde_json::Value> = crate::report::json::KEY_METRICS
            .iter()
            .map(|k| {
                let d = &changes["metrics"][*k];
                json!({"name": k, "rate": k.ends_with("_rate") || k.ends_with("_share"), "before": d["before"], "now": d["now"], "change": d["change"]})
            })
            .collect();
        ctx["metric_changes"] = json!(metric_changes);
        ctx["new_touchpoints"] = json!(new);
    }
    ctx
}

/// Renders summary.md with the built-in or the given template.
pub fn render(audit: &Audit, template: Option<&std::path::Path>) -> Result<String> {
    let source = match template {
        Some(p) => {
            let text = crate::input::guard::read_text_capped(p, MAX_TEMPLATE_BYTES as u64)
                .map_err(|e| Error::Usage(format!("template {e}")))?;
            crate::checklist::nesting::template_depth(&text)
                .map_err(|e| Error::Usage(format!("{}:{e}", p.display())))?;
            text
        }
        None => DEFAULT_TEMPLATE.to_string(),
    };
    let name = template
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| "summary.md.j2".into());
    let ctx = Value::from(minijinja::value::Serde(context(audit)));
    let out = super::bounded::render(environment(), source, &name, ctx)?;
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
