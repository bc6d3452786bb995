//! Report stage: three renderers of one [`Audit`] — the workbook, Markdown and
//! JSON — which agree by construction. [`write_outputs`] writes all three
//! atomically: each to a temporary file in the output folder, then renamed.

pub mod bounded;
pub mod json;
pub mod markdown;
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
    /// summary.md
    pub summary: PathBuf,
    /// audit.json
    pub json: PathBuf,
}

/// A temporary name unique to this process and call, next to the final file
/// (so the rename is atomic and parallel writers never share one).
fn tmp_path(out: &Path, name: &str) -> PathBuf {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    out.join(format!(".{name}.{}.{n}.tmp", std::process::id()))
}

/// Renders and writes audit.xlsx, summary.md and audit.json into `out`.
/// Everything is rendered before anything is renamed into place, so a
/// failure leaves no half-written output.
pub fn write_outputs(audit: &Audit, out: &Path, template: Option<&Path>) -> Result<Written> {
    std::fs::create_dir_all(out).map_err(|e| Error::io(out, e))?;
    let markdown = markdown::render(audit, template)?;
    let json_text = json::render(audit);
    let files = [
        ("audit.xlsx", None),
        ("summary.md", Some(markdown.into_bytes())),
        ("audit.json", Some(json_text.into_bytes())),
    ];
    let mut temps = Vec::new();
    let result = (|| -> Result<()> {
        for (name, bytes) in &files {
            let tmp = tmp_path(out, name);
            temps.push((tmp.clone(), out.join(name)));
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
        summary: out.join("summary.md"),
        json: out.join("audit.json"),
    })
}
