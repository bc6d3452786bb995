//! The Findings sheet (ranked weaknesses with fixes) and the About sheet
//! (provenance: inputs with SHA-256, checklist, parameters, tool, run time).

use rust_xlsxwriter::{Format, FormatAlign, Worksheet, XlsxError};

use super::Styles;
use super::print::Print;
use crate::analytics::AsOfSource;
use crate::audit::Audit;
use crate::model::limits::join_capped;

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
        "Points if fixed",
        "Why it matters",
        "How to fix",
    ];
    for (c, h) in headers.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &st.header)?;
    }
    let mut pr = Print::new(true);
    for (c, w) in [
        (0, 6.0),
        (1, 9.0),
        (2, 10.0),
        (3, 17.0),
        (4, 32.0),
        (5, 24.0),
        (6, 10.0),
        (7, 8.0),
        (8, 10.0),
        (9, 40.0),
        (10, 40.0),
    ] {
        pr.width(ws, c, c, w)?;
    }
    pr.height(ws, 0, 32.0)?;
    // Top-aligned like the wrapped text, so a tall row reads as one line.
    let top = Format::new().set_align(FormatAlign::Top);
    let money = st.money.clone().set_align(FormatAlign::Top);
    let centred = top.clone().set_align(FormatAlign::Center);
    let gain = centred.clone().set_num_format("+0.0");
    for (i, f) in audit.scores.findings.iter().enumerate() {
        let r = 1 + i as u32;
        ws.write_number_with_format(r, 0, (i + 1) as f64, &top)?;
        ws.write_string_with_format(r, 1, f.item.as_deref().unwrap_or("—"), &top)?;
        ws.write_string_with_format(r, 2, f.kind_label(), &top)?;
        ws.write_string_with_format(r, 3, f.p.title(), &top)?;
        ws.write_string_with_format(r, 4, &f.title, &st.wrap)?;
        let tps = join_capped(f.touchpoints.iter().map(String::as_str), ", ");
        ws.write_string_with_format(r, 5, &tps, &st.wrap)?;
        match f.spend_affected {
            Some(v) => ws.write_number_with_format(r, 6, v, &money)?,
            None => ws.write_string_with_format(r, 6, "whole client", &top)?,
        };
        ws.write_number_with_format(r, 7, f.weight, &centred)?;
        match f.score_gain {
            Some(g) => ws.write_number_with_format(r, 8, g, &gain)?,
            None => ws.write_string_with_format(r, 8, "—", &centred)?,
        };
        ws.write_string_with_format(r, 9, &f.why, &st.wrap)?;
        ws.write_string_with_format(r, 10, &f.fix, &st.wrap)?;
        pr.fit_row(
            ws,
            r,
            &[(&f.title, 4), (&tps, 5), (&f.why, 9), (&f.fix, 10)],
        )?;
    }
    if audit.scores.findings.is_empty() {
        ws.write_string(1, 0, "No findings: every applicable check passed.")?;
    }
    ws.set_freeze_panes(1, 0)?;
    ws.autofilter(0, 0, audit.scores.findings.len().max(1) as u32, 10)?;
    pr.repeat_rows(0, 0);
    pr.finish(ws, &super::page_title(audit), 10)
}

/// Writes the About sheet.
pub fn write_about(ws: &mut Worksheet, audit: &Audit, st: &Styles) -> Result<(), XlsxError> {
    ws.set_name("About")?;
    ws.write_string_with_format(0, 0, "About this audit", &st.title)?;
    let r = write_run(ws, audit, st, 2)?;
    let r = write_inputs(ws, audit, st, r + 1)?;
    let mut r = write_params(ws, audit, st, r + 1)?;
    if !audit.scores.waivers.is_empty() {
        r = write_waivers(ws, audit, st, r + 1)?;
    }
    let mut pr = Print::new(true);
    for (c, w) in [(0, 24.0), (1, 60.0), (2, 14.0), (3, 8.43), (4, 66.0)] {
        pr.width(ws, c, c, w)?;
    }
    if !audit.warnings.is_empty() {
        r += 1;
        ws.write_string_with_format(r, 0, "Warnings", &st.header)?;
        r += 1;
        // Each warning wraps across the printed width, so none runs off the page.
        let across: f64 = (0..=4).map(|c| pr.col_width(c)).sum();
        for w in &audit.warnings {
            let w = w.to_string();
            ws.merge_range(r, 0, r, 4, &w, &st.wrap)?;
            pr.height(ws, r, super::print::row_height(&[(&w, across)]))?;
            r += 1;
        }
    }
    pr.finish(ws, &super::page_title(audit), 4)
}

/// The run's key-value lines from row `r` (tool, run time, client, period,
/// audit date and its source, checklist, config); returns the row after them.
fn write_run(ws: &mut Worksheet, audit: &Audit, st: &Styles, r: u32) -> Result<u32, XlsxError> {
    let lines = [
        ("Tool", format!("mixaudit {}", env!("CARGO_PKG_VERSION"))),
        (
            "Generated",
            chrono::Local::now()
                .format("%Y-%m-%d %H:%M:%S %z")
                .to_string(),
        ),
        ("Client", audit.client.clone()),
        ("Period", audit.period.clone()),
        (
            "As of",
            format!(
                "{} (from {})",
                audit.analysis.as_of,
                as_of_source(audit.analysis.as_of_source)
            ),
        ),
        (
            "Checklist",
            format!(
                "{} — version {}",
                audit.checklist.name, audit.checklist.version
            ),
        ),
        ("Checklist file", audit.checklist.origin.clone()),
        (
            "Config",
            audit
                .config
                .path
                .as_ref()
                .map_or("none (defaults)".into(), |p| p.display().to_string()),
        ),
    ];
    let mut r = r;
    for (k, v) in lines {
        ws.write_string_with_format(r, 0, k, &st.bold)?;
        ws.write_string(r, 1, v)?;
        r += 1;
    }
    Ok(r)
}

/// Where the audit date came from, in the words a reader knows it by.
fn as_of_source(source: AsOfSource) -> &'static str {
    match source {
        AsOfSource::CommandLine => "--as-of",
        AsOfSource::Config => "audit.yaml",
        AsOfSource::Data => "the latest purchase in the data",
    }
}

/// The input files table from row `r` (role, path, sheet, rows, SHA-256), so
/// a result can be traced to the exact data; returns the row after it.
fn write_inputs(ws: &mut Worksheet, audit: &Audit, st: &Styles, r: u32) -> Result<u32, XlsxError> {
    let mut r = r;
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
    Ok(r)
}

/// The analysis parameters in force from row `r`; returns the row after them.
fn write_params(ws: &mut Worksheet, audit: &Audit, st: &Styles, r: u32) -> Result<u32, XlsxError> {
    let mut r = r;
    ws.write_string_with_format(r, 0, "Parameter", &st.header)?;
    ws.write_string_with_format(r, 1, "Value", &st.header)?;
    r += 1;
    for (k, v) in &audit.analysis.params.all() {
        ws.write_string(r, 0, k)?;
        ws.write_number(r, 1, *v)?;
        r += 1;
    }
    Ok(r)
}

/// The waivers applied from row `r` (item, touchpoint, reason, expiry);
/// returns the row after them.
fn write_waivers(ws: &mut Worksheet, audit: &Audit, st: &Styles, r: u32) -> Result<u32, XlsxError> {
    let mut r = r;
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
    Ok(r)
}
