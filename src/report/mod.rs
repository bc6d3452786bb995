//! Report stage: renderers of one [`Audit`] — the workbook, JSON, and the
//! human-facing Markdown summary, HTML report and SVG charts (those three
//! from one [`view::View`]) — which agree by construction. [`write_outputs`]
//! writes them all atomically: each to a temporary file next to its final
//! name, then renamed.

pub mod bounded;
pub mod charts;
pub mod format;
pub mod html;
pub mod json;
pub mod markdown;
pub mod pdf;
pub mod portfolio;
pub mod view;
pub mod workbook;

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::analytics::{Risk, ValueTier};
use crate::audit::Audit;
use crate::error::{Error, Result};

/// A valuable customer at risk, for the summary's watch list.
#[derive(Debug, Clone, Serialize)]
pub struct AtRisk {
    /// Customer id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Revenue.
    pub revenue: f64,
    /// Warning signs.
    pub risk_points: u8,
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
            days_since_purchase: f.days_since_purchase,
            days_since_contact: f.days_since_contact,
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

/// A temporary name unique to this process and call, next to the final file
/// (so the rename is atomic and parallel writers never share one).
fn tmp_path(dest: &Path) -> PathBuf {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let name = dest
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    dest.with_file_name(format!(".{name}.{}.{n}.tmp", std::process::id()))
}

/// Renders and writes audit.xlsx, summary.md, audit.json, report.html and
/// charts/*.svg into `out`. Everything is rendered before anything is renamed
/// into place, so a failure leaves no half-written output.
pub fn write_outputs(audit: &Audit, out: &Path, templates: &Templates) -> Result<Written> {
    let view = view::View::build(audit);
    let audit_json = json::to_value(audit);
    let charts = view.render_charts();
    let markdown = markdown::render(&view, &audit_json, templates.markdown.as_deref())?;
    let html = html::render(&view, &audit_json, &charts, templates.html.as_deref())?;
    let json_text = json::render(audit);
    let charts_dir = out.join("charts");
    std::fs::create_dir_all(&charts_dir).map_err(|e| Error::io(&charts_dir, e))?;
    let mut files: Vec<(PathBuf, Option<Vec<u8>>)> = vec![
        (out.join("audit.xlsx"), None),
        (out.join("summary.md"), Some(markdown.into_bytes())),
        (out.join("audit.json"), Some(json_text.into_bytes())),
        (out.join("report.html"), Some(html.into_bytes())),
    ];
    for c in &charts {
        files.push((out.join(&c.at.file), Some(c.svg.clone().into_bytes())));
    }
    let mut temps = Vec::new();
    let result = (|| -> Result<()> {
        for (dest, bytes) in &files {
            let tmp = tmp_path(dest);
            temps.push((tmp.clone(), dest.clone()));
            match bytes {
                Some(b) => std::fs::write(&tmp, b).map_err(|e| Error::io(&tmp, e))?,
                None => workbook::write(audit, &tmp)?,
            }
        }
        Ok(())
    })();
    if let Err(e) = result {
        for (tmp, _) in &temps {
            let _ = std::fs::remove_file(tmp);
        }
        return Err(e);
    }
    for (k, (tmp, dest)) in temps.iter().enumerate() {
        if let Err(e) = std::fs::rename(tmp, dest) {
            for (left, _) in &temps[k..] {
                let _ = std::fs::remove_file(left);
            }
            return Err(Error::io(dest, e));
        }
    }
    Ok(Written {
        workbook: out.join("audit.xlsx"),
        html: out.join("report.html"),
    })
}
