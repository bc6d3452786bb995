//! Report stage: renderers of one [`Audit`] — the workbook, JSON, and the
//! human-facing Markdown summary, HTML report and SVG charts (those three
//! from one [`view::View`]) — which agree by construction. [`write_outputs`]
//! writes them all atomically: each to a temporary file next to its final
//! name, then renamed.

pub mod bounded;
pub mod charts;
pub use crate::model::format;
pub mod figures;
pub mod html;
pub mod interrupt;
pub mod json;
pub mod markdown;
pub mod outputs;
pub mod pdf;
pub mod portfolio;
pub mod view;
pub mod workbook;

use crate::analytics::days_since;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::analytics::{Risk, ValueTier};
use crate::audit::Audit;
use crate::error::Result;

/// A valuable customer at risk, for the summary's watch list.
#[derive(Debug, Clone, Serialize)]
pub struct AtRisk {
    /// Customer id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Revenue.
    pub revenue: f64,
    /// How many warning signs.
    pub risk_points: u8,
    /// The warning signs, named.
    pub signs: String,
    /// Days since last purchase.
    pub days_since_purchase: Option<i32>,
    /// Days since last contact.
    pub days_since_contact: Option<i32>,
}

/// The `limit` most valuable active customers at high risk, by revenue.
pub fn at_risk(audit: &Audit, limit: usize) -> Vec<AtRisk> {
    let mut list: Vec<AtRisk> = audit
        .dataset
        .customers
        .iter()
        .zip(&audit.analysis.customers)
        .filter(|(_, f)| f.active && f.value == Some(ValueTier::High) && f.risk == Some(Risk::High))
        .map(|(c, f)| AtRisk {
            id: c.id.to_string(),
            name: c.name.as_deref().unwrap_or("").to_string(),
            revenue: c.revenue,
            risk_points: f.risk_points.unwrap_or(0),
            signs: f.warning_signs(),
            days_since_purchase: days_since(audit.analysis.as_of, c.last_purchase),
            days_since_contact: days_since(audit.analysis.as_of, c.last_contact),
        })
        .collect();
    list.sort_by(|a, b| {
        b.revenue
            .total_cmp(&a.revenue)
            .then_with(|| a.id.cmp(&b.id))
    });
    list.truncate(limit);
    list
}

/// Where an audit's outputs went.
#[derive(Debug, Clone)]
pub struct Written {
    /// audit.xlsx
    pub workbook: PathBuf,
    /// report.html
    pub html: PathBuf,
}

/// Template overrides for the rendered outputs.
#[derive(Debug, Clone, Default)]
pub struct Templates {
    /// summary.md template (`--template`).
    pub markdown: Option<PathBuf>,
    /// report.html template (`--html-template`).
    pub html: Option<PathBuf>,
}

/// The fixed output names of one audit (charts are added per chart).
const OUTPUT_NAMES: &[&str] = &[
    "audit.xlsx",
    "summary.md",
    "audit.json",
    "report.html",
    "report.pdf",
    "charts",
];

/// Renders and writes audit.xlsx, summary.md, report.html, charts/*.svg and
/// audit.json into `out` as one set (see [`outputs`]): everything is rendered
/// first, written to a staging folder, then moved in with audit.json last.
pub fn write_outputs(audit: &Audit, out: &Path, templates: &Templates) -> Result<Written> {
    let inputs: Vec<PathBuf> = audit
        .dataset
        .inputs
        .iter()
        .map(|i| PathBuf::from(&i.path))
        .collect();
    outputs::refuse_overwriting_inputs(out, OUTPUT_NAMES, &inputs)?;
    let view = view::View::build(audit);
    let audit_json = json::to_value(audit);
    let charts = view.render_charts();
    let markdown = markdown::render(&view, &audit_json, templates.markdown.as_deref())?;
    let html = html::render(&view, &audit_json, &charts, templates.html.as_deref())?;
    let json_text = json::render(audit);
    let lock = outputs::OutLock::acquire(out)?;
    let mut set = outputs::Staging::begin(&lock)?;
    let xlsx = set.path("audit.xlsx")?;
    workbook::write(audit, &xlsx, set.scratch())?;
    set.write("summary.md", markdown.as_bytes())?;
    set.write("report.html", html.as_bytes())?;
    for c in &charts {
        set.write(&c.at.file, c.svg.as_bytes())?;
    }
    set.write("audit.json", json_text.as_bytes())?;
    set.commit("audit.json")?;
    Ok(Written {
        workbook: out.join("audit.xlsx"),
        html: out.join("report.html"),
    })
}
