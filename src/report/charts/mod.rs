//! SVG charts for summary.md (as `charts/*.svg` files) and report.html
//! (inline): pure functions from plain data to a self-contained SVG string.
//!
//! Why hand-written SVG: the charts are simple shapes, and writing them
//! directly keeps them dependency-free, deterministic (byte-identical for the
//! same audit) and safe to inline — no script, no external reference, every
//! piece of client text XML-escaped. Each chart sits on an opaque rounded
//! card and carries an embedded `<style>` with a `prefers-color-scheme: dark`
//! variant, so it reads in light and dark Markdown previews alike.
//!
//! Class names are prefixed `ma-` so charts inlined into one HTML page do not
//! clash with the page's own CSS; element ids are unique per chart kind.

mod bars;
mod heat;
mod radar;

pub use bars::{LadderBar, ladder, spend_bars};
pub use heat::{CohortRow, cohorts, value_risk};
pub use radar::{RadarAxis, radar};

use std::fmt::Write as _;

/// Width of every chart, in SVG user units (pixels at 100%).
pub const WIDTH: f64 = 640.0;

/// Light and dark palettes, shared by all charts.
const STYLE: &str = "\
.ma-bg{fill:#ffffff;stroke:#d0d7de}\
.ma-t{font-family:system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif;fill:#1f2328;font-size:12px}\
.ma-h{font-size:15px;font-weight:600}\
.ma-m{fill:#57606a}\
.ma-s{font-size:11px}\
.ma-b{font-weight:600}\
.ma-grid{stroke:#d0d7de;fill:none}\
.ma-axis{stroke:#8c959f;fill:none}\
.ma-good{fill:#1a7f37}.ma-fair{fill:#bf8700}.ma-poor{fill:#cf222e}\
.ma-band-good{fill:#1a7f37;fill-opacity:.10}.ma-band-fair{fill:#bf8700;fill-opacity:.10}.ma-band-poor{fill:#cf222e;fill-opacity:.08}\
.ma-line{stroke:#0969da;fill:#0969da;fill-opacity:.18;stroke-width:2}\
.ma-dot{fill:#0969da}\
.ma-bar1{fill:#0969da}.ma-bar2{fill:#afb8c1}\
.ma-cell0{fill:#f6f8fa;stroke:#d0d7de}\
@media screen and (prefers-color-scheme: dark){\
.ma-bg{fill:#161b22;stroke:#30363d}\
.ma-t{fill:#e6edf3}\
.ma-m{fill:#9198a1}\
.ma-grid{stroke:#30363d}\
.ma-axis{stroke:#6e7681}\
.ma-good{fill:#3fb950}.ma-fair{fill:#d29922}.ma-poor{fill:#f85149}\
.ma-band-good{fill:#3fb950;fill-opacity:.14}.ma-band-fair{fill:#d29922;fill-opacity:.14}.ma-band-poor{fill:#f85149;fill-opacity:.12}\
.ma-line{stroke:#58a6ff;fill:#58a6ff;fill-opacity:.22}\
.ma-dot{fill:#58a6ff}\
.ma-bar1{fill:#58a6ff}.ma-bar2{fill:#484f58}\
.ma-cell0{fill:#0d1117;stroke:#30363d}\
}";

/// Escapes text for XML character data and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Control characters other than tab/newline are not allowed in XML 1.0.
            c if (c as u32) < 0x20 && c != '\t' && c != '\n' && c != '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Shortens `text` to at most `max` characters, ending in `…` when cut.
pub fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let mut s: String = text.chars().take(max.saturating_sub(1)).collect();
        s.push('…');
        s
    }
}

/// A number for an SVG attribute: finite, two decimals at most, no "-0".
fn n(x: f64) -> String {
    let x = if x.is_finite() { x } else { 0.0 };
    let s = format!("{x:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.to_string() }
}

/// An SVG document being written: the card, the title and the body.
struct Svg {
    out: String,
}

impl Svg {
    /// Starts a chart `height` tall with the accessible `title` (shown as the heading too).
    fn new(kind: &str, height: f64, title: &str) -> Svg {
        let mut out = String::with_capacity(8192);
        let t = escape(title);
        let _ = write!(
            out,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" \
             role=\"img\" aria-labelledby=\"ma-{kind}-title\" class=\"ma-chart\">\
             <title id=\"ma-{kind}-title\">{t}</title><style>{STYLE}</style>\
             <rect class=\"ma-bg\" x=\"0.5\" y=\"0.5\" width=\"{w1}\" height=\"{h1}\" rx=\"10\"/>\
             <text class=\"ma-t ma-h\" x=\"20\" y=\"30\">{t}</text>",
            w = n(WIDTH),
            h = n(height),
            w1 = n(WIDTH - 1.0),
            h1 = n(height - 1.0),
        );
        Svg { out }
    }

    /// Text at (x, y) with extra classes and anchor (`start`, `middle`, `end`).
    fn text(&mut self, x: f64, y: f64, class: &str, anchor: &str, text: &str) {
        let _ = write!(
            self.out,
            "<text class=\"ma-t {class}\" x=\"{}\" y=\"{}\" text-anchor=\"{anchor}\">{}</text>",
            n(x),
            n(y),
            escape(text)
        );
    }

    /// A rectangle with a class (and optional inline fill colour).
    fn rect(&mut self, x: f64, y: f64, w: f64, h: f64, class: &str, fill: Option<&str>) {
        let fill = fill.map(|f| format!(" fill=\"{f}\"")).unwrap_or_default();
        let _ = write!(
            self.out,
            "<rect class=\"{class}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"3\"{fill}/>",
            n(x),
            n(y),
            n(w.max(0.0)),
            n(h.max(0.0))
        );
    }

    /// Raw, already-safe markup (built only from numbers and escaped text).
    fn raw(&mut self, markup: &str) {
        self.out.push_str(markup);
    }

    /// Closes the document.
    fn finish(mut self) -> String {
        self.out.push_str("</svg>\n");
        self.out
    }
}

/// A sequential blue colour for a share 0–1, and a text colour readable on it.
fn scale(share: f64) -> (String, &'static str) {
    let t = share.clamp(0.0, 1.0);
    // From a pale blue-grey to a deep blue.
    let (a, b) = ((0xe8, 0xf0, 0xfe), (0x0b, 0x3d, 0x91));
    let mix = |x: u8, y: u8| (x as f64 + (y as f64 - x as f64) * t).round() as u8;
    let c = format!(
        "#{:02x}{:02x}{:02x}",
        mix(a.0, b.0),
        mix(a.1, b.1),
        mix(a.2, b.2)
    );
    (c, if t > 0.45 { "#ffffff" } else { "#1f2328" })
}

#[cfg(test)]
pub(crate) mod testing {
    //! Checks every chart test shares: parses as XML, has the furniture.

    /// Parses `svg` and checks the document-level requirements.
    pub fn check(svg: &str) -> roxmltree::Document<'_> {
        let doc = roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("{e}\n{svg}"));
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "svg");
        assert!(root.attribute("viewBox").is_some());
        assert!(root.attribute("width").is_some() && root.attribute("height").is_some());
        assert!(root.children().any(|c| c.has_tag_name("title")));
        assert!(!doc.descendants().any(|d| d.has_tag_name("script")));
        assert!(
            !svg.contains("NaN") && !svg.contains("\"inf") && !svg.contains("-inf"),
            "{svg}"
        );
        assert!(!svg.contains("href"), "no external references");
        doc
    }

    /// All text content of the chart, joined by newlines.
    pub fn texts(doc: &roxmltree::Document<'_>) -> String {
        doc.descendants()
            .filter(|d| d.has_tag_name("text") || d.has_tag_name("title"))
            .filter_map(|d| d.text())
            .collect::<Vec<_>>()
            .join("\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_control_characters() {
        assert_eq!(
            escape("<script>a&b\"'</script>\u{1}"),
            "&lt;script&gt;a&amp;b&quot;&apos;&lt;/script&gt; "
        );
        assert_eq!(clip("abcdef", 4), "abc…");
        assert_eq!(n(f64::NAN), "0");
        assert_eq!(n(-0.001), "0");
        assert_eq!(n(12.5), "12.5");
    }
}
