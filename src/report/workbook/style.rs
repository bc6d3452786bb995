//! Cell formats used across the workbook, made once.

use rust_xlsxwriter::{
    Color, ConditionalFormatFormula, Format, FormatAlign, FormatBorder, Worksheet, XlsxError,
};

/// The workbook's formats.
pub struct Styles {
    /// Column headers.
    pub header: Format,
    /// Sheet titles.
    pub title: Format,
    /// Subtitles.
    pub subtitle: Format,
    /// Bold labels.
    pub bold: Format,
    /// Money: whole units, thousands separated, with the currency code
    /// when known — the one money format of every sheet.
    pub money: Format,
    /// Percentages.
    pub pct: Format,
    /// Dates.
    pub date: Format,
    /// Whole numbers.
    pub int: Format,
    /// One decimal.
    pub dec1: Format,
    /// Three decimals (model parameters).
    pub dec3: Format,
    /// Scores (0 decimals shown).
    pub score: Format,
    /// The big overall score.
    pub big_score: Format,
    /// Wrapped text.
    pub wrap: Format,
    /// Wrapped bold text.
    pub wrap_bold: Format,
    /// Grey note text.
    pub helper_text: Format,
    /// Matrix marks.
    pub mark: Format,
    /// Calculation helper cells (grey).
    pub helper: Format,
    /// Green / amber / red fills for conditional formats.
    pub green: Format,
    /// Amber fill.
    pub amber: Format,
    /// Red fill.
    pub red: Format,
}

impl Styles {
    /// Makes the formats.
    pub fn new() -> Styles {
        let navy = Color::RGB(0x1F3864);
        Styles {
            header: Format::new()
                .set_bold()
                .set_font_color(Color::White)
                .set_background_color(navy)
                .set_text_wrap()
                .set_align(FormatAlign::VerticalCenter)
                .set_border_bottom(FormatBorder::Thin),
            title: Format::new()
                .set_bold()
                .set_font_size(18)
                .set_font_color(navy),
            subtitle: Format::new()
                .set_bold()
                .set_font_size(12)
                .set_font_color(navy),
            bold: Format::new().set_bold(),
            money: Format::new().set_num_format(money_format(None)),
            pct: Format::new().set_num_format("0.0%"),
            date: Format::new().set_num_format("yyyy-mm-dd"),
            int: Format::new().set_num_format("#,##0"),
            dec1: Format::new().set_num_format("0.0"),
            dec3: Format::new().set_num_format("#,##0.000"),
            score: Format::new()
                .set_num_format("0")
                .set_align(FormatAlign::Center),
            big_score: Format::new()
                .set_num_format("0")
                .set_bold()
                .set_font_size(28)
                .set_font_color(navy)
                .set_align(FormatAlign::Left),
            wrap: Format::new().set_text_wrap().set_align(FormatAlign::Top),
            wrap_bold: Format::new()
                .set_text_wrap()
                .set_bold()
                .set_align(FormatAlign::Top),
            helper_text: Format::new()
                .set_font_color(Color::Gray)
                .set_align(FormatAlign::Top),
            mark: Format::new()
                .set_align(FormatAlign::Center)
                .set_font_size(12),
            helper: Format::new()
                .set_font_color(Color::Gray)
                .set_num_format("0.##"),
            green: Format::new()
                .set_background_color(Color::RGB(0xC6EFCE))
                .set_font_color(Color::RGB(0x006100)),
            amber: Format::new()
                .set_background_color(Color::RGB(0xFFEB9C))
                .set_font_color(Color::RGB(0x9C5700)),
            red: Format::new()
                .set_background_color(Color::RGB(0xFFC7CE))
                .set_font_color(Color::RGB(0x9C0006)),
        }
    }
}

impl Styles {
    /// The formats, with amounts in `currency` (an ISO code) when known.
    pub fn for_currency(currency: Option<&str>) -> Styles {
        Styles {
            money: Format::new().set_num_format(money_format(currency)),
            ..Styles::new()
        }
    }
}

/// The number format of amounts: `#,##0 "DKK"`, or `#,##0` with no
/// currency known. A quoted suffix renders the same in Excel and
/// LibreOffice whatever the reader's locale (a `[$kr.-406]` locale tag does
/// not: it also switches separators in some versions).
pub fn money_format(currency: Option<&str>) -> String {
    match currency {
        Some(code) => format!("#,##0 \"{code}\""),
        None => "#,##0".into(),
    }
}

impl Default for Styles {
    fn default() -> Self {
        Styles::new()
    }
}

/// Green, amber and red fills on the 0–100 scores in rows `r0..=r1`,
/// columns `c0..=c1`, by the rating bands held in the cells `green` and
/// `amber` (absolute references such as `Checklist!$B$30`): the colours
/// follow the same bands as the rating words, and editing a band in Excel or
/// LibreOffice recolours every score. Cells without a number stay unfilled.
pub fn band_colours(
    ws: &mut Worksheet,
    (r0, c0, r1, c1): (u32, u16, u32, u16),
    (green, amber): (&str, &str),
    st: &Styles,
) -> Result<(), XlsxError> {
    let x = rust_xlsxwriter::utility::row_col_to_cell(r0, c0);
    let rules = [
        (format!("=AND(ISNUMBER({x}),{x}>={green})"), &st.green),
        (
            format!("=AND(ISNUMBER({x}),{x}>={amber},{x}<{green})"),
            &st.amber,
        ),
        (format!("=AND(ISNUMBER({x}),{x}<{amber})"), &st.red),
    ];
    for (rule, fmt) in rules {
        let cf = ConditionalFormatFormula::new()
            .set_rule(rule.as_str())
            .set_format(fmt);
        ws.add_conditional_format(r0, c0, r1, c1, &cf)?;
    }
    Ok(())
}
