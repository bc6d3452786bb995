//! The Data gaps sheet: each column the inputs lack, the checks it left
//! unjudged and what to ask the client for — the list a consultant sends back.

use rust_xlsxwriter::{Worksheet, XlsxError};

use super::Styles;
use super::print::Print;
use crate::audit::Audit;

/// Writes the Data gaps sheet.
pub fn write_data_gaps(ws: &mut Worksheet, audit: &Audit, st: &Styles) -> Result<(), XlsxError> {
    ws.set_name("Data gaps")?;
    let headers = [
        "Missing",
        "Belongs in",
        "Checks left unjudged",
        "Checks",
        "Ask the client for",
    ];
    for (c, h) in headers.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &st.header)?;
    }
    let mut pr = Print::new(true);
    for (c, w) in [(0, 34.0), (1, 18.0), (2, 30.0), (3, 8.0), (4, 60.0)] {
        pr.width(ws, c, c, w)?;
    }
    let gaps = &audit.scores.data_gaps;
    let top = rust_xlsxwriter::Format::new().set_align(rust_xlsxwriter::FormatAlign::Top);
    for (i, g) in gaps.iter().enumerate() {
        let r = 1 + i as u32;
        let checks = g.checks.join(", ");
        let what = crate::model::format::capitalised(g.what);
        ws.write_string_with_format(r, 0, &what, &st.wrap)?;
        ws.write_string_with_format(r, 1, &g.file, &st.wrap)?;
        ws.write_string_with_format(r, 2, &checks, &st.wrap)?;
        ws.write_number_with_format(r, 3, g.checks.len() as f64, &top)?;
        ws.write_string_with_format(r, 4, g.ask, &st.wrap)?;
        pr.fit_row(ws, r, &[(&what, 0), (&checks, 2), (g.ask, 4)])?;
    }
    if gaps.is_empty() {
        ws.write_string(
            1,
            0,
            "No gaps: every check that applies could be judged from the columns given.",
        )?;
    }
    ws.set_freeze_panes(1, 0)?;
    pr.repeat_rows(0, 0);
    pr.finish(ws, &super::page_title(audit), 4)
}
