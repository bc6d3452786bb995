//! The Findings sheet (ranked weaknesses with fixes) and the About sheet
//! (provenance: inputs with SHA-256, checklist, parameters, tool, run time).

use rust_xlsxwriter::{Worksheet, XlsxError};

use super::{Styles, print_setup};
use crate::audit::Audit;

/// Writes the Findings sheet.
pub fn write_findings(ws: &mut Worksheet, audit: &Audit, st: &Styles) -> Result<(), XlsxError> {
    ws.set_name("Findings")?;
    let headers = [
        "Rank",
        "Item",
        "Kind",
        "P",
        "Finding",
        "Touchpoints",
        "Spend affected",
        "Weight",
        "Impact",
        "Why it matters",
        "How to fix",
    ];
    for (c, h) in headers.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &st.header)?;
    }
    for (i, f) in audit.scores.findings.iter().enumerate() {
        let r = 1 + i as u32;
        ws.write_number(r, 0, (i + 1) as f64)?;
        ws.write_string(r, 1, f.item.as_deref().unwrap_or("—"))?;
        ws.write_string(r, 2, f.kind)?;
        ws.write_string(r, 3, f.p.title())?;
        ws.write_string_with_format(r, 4, &f.title, &st.wrap)?;
        ws.write_string_with_format(r, 5, f.touchpoints.join(", "), &st.wrap)?;
        ws.write_number_with_format(r, 6, f.spend_affected, &st.money)?;
        ws.write_number(r, 7, f.weight)?;
        ws.write_number_with_format(r, 8, f.impact, &st.money)?;
        ws.write_string_with_format(r, 9, &f.why, &st.wrap)?;
        ws.write_string_with_format(r, 10, &f.fix, &st.wrap)?;
    }
    if audit.scores.findings.is_empty() {
        ws.write_string(1, 0, "No findings: every applicable check passed.")?;
    }
    for (c, w) in [
        (0, 6.0),
        (1, 9.0),
        (2, 10.0),
        (3, 16.0),
        (4, 40.0),
        (5, 30.0),
        (6, 13.0),
        (7, 8.0),
        (8, 13.0),
        (9, 50.0),
        (10, 50.0),
    ] {
        ws.set_column_width(c, w)?;
    }
    ws.set_freeze_panes(1, 0)?;
    ws.autofilter(0, 0, audit.scores.findings.len().max(1) as u32, 10)?;
    print_setup(ws, Some(0))?;
    Ok(())
}

/// Writes the About sheet.
pub fn write_about(ws: &mut Worksheet, audit: &Audit, st: &Styles) -> Result<(), XlsxError> {
    ws.set_name("About")?;
    ws.write_string_with_format(0, 0, "About this audit", &st.title)?;
    let mut r = 2;
    let mut kv = |ws: &mut Worksheet, k: &str, v: String| -> Result<(), XlsxError> {
        ws.write_string_with_format(r, 0, k, &st.bold)?;
        ws.write_string(r, 1, v)?;
        r += 1;
        Ok(())
    };
    kv(
        ws,
        "Tool",
        format!("mixaudit {}", env!("CARGO_PKG_VERSION")),
    )?;
    kv(
        ws,
        "Generated",
        chrono::Local::now()
            .format("%Y-%m-%d %H:%M:%S %z")
            .to_string(),
    )?;
    kv(ws, "Client", audit.client.clone())?;
    kv(ws, "Period", audit.period.clone())?;
    kv(
        ws,
        "As of",
        format!(
            "{} (from {})",
            audit.analysis.as_of,
            match audit.analysis.as_of_source {
                crate::analytics::AsOfSource::CommandLine => "--as-of",
                crate::analytics::AsOfSource::Config => "audit.yaml",
                crate::analytics::AsOfSource::Data => "the latest purchase in the data",
            }
        ),
    )?;
    kv(
        ws,
        "Checklist",
        format!(
            "{} — version {}",
            audit.checklist.name, audit.checklist.version
        ),
    )?;
    kv(ws, "Checklist file", audit.checklist.origin.clone())?;
    kv(
        ws,
        "Config",
        audit
            .config
            .path
            .as_ref()
            .map_or("none (defaults)".into(), |p| p.display().to_string()),
    )?;
    r += 1;
    for (c, h) in ["Input", "File", "Sheet", "Rows", "SHA-256"]
        .iter()
        .enumerate()
    {
        ws.write_string_with_format(r, c as u16, *h, &st.header)?;
    }
    r += 1;
    for f in &audit.dataset.inputs {
        ws.write_string(r, 0, &f.role)?;
        ws.write_string(r, 1, &f.path)?;
        ws.write_string(r, 2, &f.sheet)?;
        ws.write_number_with_format(r, 3, f.rows as f64, &st.int)?;
        ws.write_string(r, 4, &f.sha256)?;
        r += 1;
    }
    r += 1;
    ws.write_string_with_format(r, 0, "Parameter", &st.header)?;
    ws.write_string_with_format(r, 1, "Value", &st.header)?;
    r += 1;
    for (k, v) in &audit.analysis.params.all() {
        ws.write_string(r, 0, k)?;
        ws.write_number(r, 1, *v)?;
        r += 1;
    }
    if !audit.scores.waivers.is_empty() {
        r += 1;
        for (c, h) in ["Waived item", "Touchpoint", "Reason", "Expires"]
            .iter()
            .enumerate()
        {
            ws.write_string_with_format(r, c as u16, *h, &st.header)?;
        }
        r += 1;
        for w in &audit.scores.waivers {
            ws.write_string(r, 0, &w.item)?;
            ws.write_string(r, 1, w.touchpoint.as_deref().unwrap_or("(whole client)"))?;
            ws.write_string(r, 2, &w.reason)?;
            ws.write_string(r, 3, w.expires.as_deref().unwrap_or(""))?;
            r += 1;
        }
    }
    if !audit.warnings.is_empty() {
        r += 1;
        ws.write_string_with_format(r, 0, "Warnings", &st.header)?;
        r += 1;
        for w in &audit.warnings {
            ws.write_string(r, 0, w)?;
            r += 1;
        }
    }
    ws.set_column_width(0, 24)?;
    ws.set_column_width(1, 60)?;
    ws.set_column_width(2, 14)?;
    ws.set_column_width(4, 66)?;
    print_setup(ws, None)?;
    Ok(())
}
