//! Print layout shared by the sheet writers: page orientation and scale
//! worked out from the column widths, row heights for wrapped text (the
//! writer cannot autofit them), and manual page breaks that keep a heading
//! with its table or chart and a finding in one piece.
//!
//! Everything here estimates what a spreadsheet will render: widths in
//! Excel character units (the width of a "0" in Calibri 11, 7 px plus 5 px
//! of padding per column) and heights in points (15 pt a line of 11 pt text).

use std::collections::BTreeMap;

use rust_xlsxwriter::{Worksheet, XlsxError};

/// Height of one line of 11 pt text, in points.
pub const LINE_PT: f64 = 15.0;

/// Default row height, in points (what rust_xlsxwriter writes for Calibri 11).
const DEFAULT_ROW_PT: f64 = 15.0;

/// Default column width, in characters.
const DEFAULT_COL: f64 = 8.43;

/// Printable width and height of an A4 page at 100 %, in pixels (96 dpi) and
/// points, with the margins [`page_setup`] sets (0.5" left and right, 0.6"
/// top and bottom, less the header and footer lines).
const A4_PORTRAIT: (f64, f64) = ((8.27 - 1.0) * 96.0, (11.69 - 1.2) * 72.0 - 24.0);
const A4_LANDSCAPE: (f64, f64) = ((11.69 - 1.0) * 96.0, (8.27 - 1.2) * 72.0 - 24.0);

/// The smallest scale a sheet prints at: below it text is too small to read,
/// so a wider sheet goes onto more pages across instead.
const MIN_SCALE: f64 = 0.6;

/// Pixels a column of `chars` characters takes on screen and paper.
fn col_px(chars: f64) -> f64 {
    if chars <= 0.0 {
        0.0
    } else {
        (chars * 7.0 + 5.0).round()
    }
}

/// Lines `text` wraps to in a column `chars` characters wide: greedy word
/// wrap with hard line breaks kept. Proportional text averages a little
/// narrower than a "0", which the 1.2 allows for.
pub fn wrapped_lines(text: &str, chars: f64) -> usize {
    let per_line = ((chars * 1.2).floor() as usize).max(1);
    text.split('\n')
        .map(|para| {
            let (mut lines, mut used) = (1usize, 0usize);
            for word in para.split_whitespace() {
                let n = word.chars().count();
                if used > 0 && used + 1 + n <= per_line {
                    used += 1 + n;
                    continue;
                }
                if used > 0 {
                    lines += 1;
                }
                // A word longer than a line breaks across lines of its own.
                let extra = n.saturating_sub(1) / per_line;
                lines += extra;
                used = n - extra * per_line;
            }
            lines
        })
        .sum::<usize>()
        .max(1)
}

/// Row height in points for wrapped cells: the tallest of the `(text,
/// column width in characters)` pairs, never below one line.
pub fn row_height(cells: &[(&str, f64)]) -> f64 {
    let lines = cells
        .iter()
        .map(|(t, w)| wrapped_lines(t, *w))
        .max()
        .unwrap_or(1);
    LINE_PT * lines as f64 + 3.0
}

/// One sheet's print layout, collected while the sheet is written and
/// applied by [`Print::finish`]: the column widths (for the scale), the row
/// heights and the row blocks that must not be split across pages.
pub struct Print {
    /// Landscape (wide tables) or portrait (headings with tables and charts).
    landscape: bool,
    /// Column widths set through [`Print::width`], in characters.
    widths: BTreeMap<u16, f64>,
    /// Row heights set through [`Print::height`], in points.
    heights: BTreeMap<u32, f64>,
    /// Blocks `[first, end)` of rows to keep on one page, in row order.
    blocks: Vec<(u32, u32)>,
    /// Header rows repeated on every page.
    repeat_rows: Option<(u32, u32)>,
    /// Label columns repeated on every page across.
    repeat_cols: Option<(u16, u16)>,
    /// Extra width beyond the last column (a chart that sticks out), in pixels.
    extra_px: f64,
}

impl Print {
    /// A layout for a landscape or portrait sheet.
    pub fn new(landscape: bool) -> Print {
        Print {
            landscape,
            widths: BTreeMap::new(),
            heights: BTreeMap::new(),
            blocks: Vec::new(),
            repeat_rows: None,
            repeat_cols: None,
            extra_px: 0.0,
        }
    }

    /// Sets columns `first..=last` to `chars` wide and remembers it.
    pub fn width(
        &mut self,
        ws: &mut Worksheet,
        first: u16,
        last: u16,
        chars: f64,
    ) -> Result<(), XlsxError> {
        ws.set_column_range_width(first, last, chars)?;
        for c in first..=last {
            self.widths.insert(c, chars);
        }
        Ok(())
    }

    /// Width of column `c` in characters, as set or the default.
    pub fn col_width(&self, c: u16) -> f64 {
        self.widths.get(&c).copied().unwrap_or(DEFAULT_COL)
    }

    /// Sets row `row` to `pt` points high and remembers it.
    pub fn height(&mut self, ws: &mut Worksheet, row: u32, pt: f64) -> Result<(), XlsxError> {
        ws.set_row_height(row, pt)?;
        self.heights.insert(row, pt);
        Ok(())
    }

    /// Sets row `row`'s height to fit wrapped `cells` (text, column).
    pub fn fit_row(
        &mut self,
        ws: &mut Worksheet,
        row: u32,
        cells: &[(&str, u16)],
    ) -> Result<(), XlsxError> {
        let sized: Vec<(&str, f64)> = cells
            .iter()
            .map(|(t, c)| (*t, self.col_width(*c)))
            .collect();
        self.height(ws, row, row_height(&sized))
    }

    /// Keeps rows `first..end` together on one page (a heading with its
    /// table and the chart beside it, or one finding).
    pub fn keep(&mut self, first: u32, end: u32) {
        self.blocks.push((first, end.max(first + 1)));
    }

    /// Repeats rows `first..=last` at the top of every page.
    pub fn repeat_rows(&mut self, first: u32, last: u32) {
        self.repeat_rows = Some((first, last));
    }

    /// Repeats columns `first..=last` at the left of every page across.
    pub fn repeat_cols(&mut self, first: u16, last: u16) {
        self.repeat_cols = Some((first, last));
    }

    /// Counts `px` pixels right of the last column (a chart that sticks out).
    pub fn extra_width(&mut self, px: f64) {
        self.extra_px = self.extra_px.max(px);
    }

    /// Pixels of columns `first..=last`.
    fn px(&self, first: u16, last: u16) -> f64 {
        (first..=last).map(|c| col_px(self.col_width(c))).sum()
    }

    /// Points of rows `first..end`.
    fn pt(&self, first: u32, end: u32) -> f64 {
        (first..end)
            .map(|r| self.heights.get(&r).copied().unwrap_or(DEFAULT_ROW_PT))
            .sum()
    }

    /// Pages across and the scale for content `last_col` columns wide: one
    /// page at up to 100 % if that is at least [`MIN_SCALE`], else as few
    /// pages across as keep the scale there (the repeated columns printing
    /// on each of them).
    fn fit(&self, last_col: u16) -> (u16, f64) {
        let page = if self.landscape {
            A4_LANDSCAPE.0
        } else {
            A4_PORTRAIT.0
        };
        let total = self.px(0, last_col) + self.extra_px;
        let repeat = self.repeat_cols.map_or(0.0, |(a, b)| self.px(a, b));
        for n in 1u16..=20 {
            let need = total + f64::from(n - 1) * repeat;
            let scale = (f64::from(n) * page / need).min(1.0);
            if scale >= MIN_SCALE {
                return (n, scale);
            }
        }
        (20, MIN_SCALE)
    }

    /// Page breaks before every block that would not fit on the page it
    /// starts on, at `scale`.
    fn breaks(&self, scale: f64) -> Vec<u32> {
        let page_pt = if self.landscape {
            A4_LANDSCAPE.1
        } else {
            A4_PORTRAIT.1
        } / scale;
        let repeat = self.repeat_rows.map_or(0.0, |(a, b)| self.pt(a, b + 1));
        let mut breaks = Vec::new();
        let mut page_start = 0u32;
        for &(first, end) in &self.blocks {
            let head = if page_start == 0 { 0.0 } else { repeat };
            if first > page_start && head + self.pt(page_start, end) > page_pt * 0.92 {
                breaks.push(first);
                page_start = first;
            }
        }
        breaks
    }

    /// Applies the layout to the sheet printing columns `0..=last_col`:
    /// orientation, A4, margins, scale or pages across, print titles, page
    /// breaks, and the header and footer naming the sheet and the page.
    pub fn finish(self, ws: &mut Worksheet, title: &str, last_col: u16) -> Result<(), XlsxError> {
        if self.landscape {
            ws.set_landscape();
        } else {
            ws.set_portrait();
        }
        ws.set_paper_size(9);
        ws.set_margins(0.5, 0.5, 0.6, 0.6, 0.3, 0.3);
        page_titles(ws, title);
        // Fit to width rather than a fixed scale: the spreadsheet measures
        // the columns exactly (LibreOffice also ignores a fixed scale on
        // import); the estimate only picks the pages across and the breaks.
        let (across, scale) = self.fit(last_col);
        ws.set_print_fit_to_pages(across, 0);
        if let Some((a, b)) = self.repeat_rows {
            ws.set_repeat_rows(a, b)?;
        }
        if let Some((a, b)) = self.repeat_cols {
            ws.set_repeat_columns(a, b)?;
        }
        let breaks = self.breaks(scale);
        if !breaks.is_empty() {
            ws.set_page_breaks(&breaks)?;
        }
        Ok(())
    }
}

/// The header (the workbook's title — client, never the file name — left,
/// the sheet's name right) and the footer (sheet name, page of pages) every
/// printed page carries; an "&" in the title is escaped.
fn page_titles(ws: &mut Worksheet, title: &str) {
    ws.set_header(format!("&L{}&R&A", title.replace('&', "&&")));
    ws.set_footer("&L&A&RPage &P of &N");
}
