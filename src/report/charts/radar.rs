//! The 7-P radar: one axis per P, the score as a filled polygon, and the
//! checklist's rating bands (red / amber / green) as tinted rings behind it,
//! so a reader sees at a glance which Ps fall short and by how much.
//!
//! A P that was not assessed has no point: the polygon joins only the
//! assessed axes and the missing axis is labelled "not assessed" instead of
//! pretending the score is zero.

use std::fmt::Write as _;

use super::{Svg, WIDTH, clip, n};

/// One axis of the radar.
#[derive(Debug, Clone)]
pub struct RadarAxis {
    /// The P's title, e.g. "Physical evidence".
    pub label: String,
    /// Score 0–100, or `None` when the P was not assessed.
    pub score: Option<f64>,
}

const HEIGHT: f64 = 440.0;
const RADIUS: f64 = 150.0;

fn point(i: usize, count: usize, r: f64) -> (f64, f64) {
    let (cx, cy) = (WIDTH / 2.0, 60.0 + RADIUS + 20.0);
    let angle = -std::f64::consts::FRAC_PI_2 + i as f64 * std::f64::consts::TAU / count as f64;
    (cx + r * angle.cos(), cy + r * angle.sin())
}

fn polygon(count: usize, r: impl Fn(usize) -> f64) -> String {
    (0..count)
        .map(|i| {
            let (x, y) = point(i, count, r(i));
            format!("{},{}", n(x), n(y))
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The radar of `axes` (drawn clockwise from the top) with bands from the
/// checklist's `amber` and `green` thresholds (0–100).
pub fn radar(title: &str, axes: &[RadarAxis], amber: f64, green: f64) -> String {
    let mut svg = Svg::new("radar", HEIGHT, title);
    let count = axes.len().max(3);
    let scaled = |s: f64| RADIUS * s.clamp(0.0, 100.0) / 100.0;
    let (amber, green) = (amber.clamp(0.0, 100.0), green.clamp(0.0, 100.0));
    // Bands, outermost first so the inner ones paint over them.
    for (limit, class) in [
        (100.0, "ma-band-good"),
        (green, "ma-band-fair"),
        (amber, "ma-band-poor"),
    ] {
        if limit > 0.0 {
            let pts = polygon(count, |_| scaled(limit));
            svg.raw(&format!("<polygon class=\"{class}\" points=\"{pts}\"/>"));
        }
    }
    for ring in [25.0, 50.0, 75.0, 100.0] {
        let pts = polygon(count, |_| scaled(ring));
        svg.raw(&format!("<polygon class=\"ma-grid\" points=\"{pts}\"/>"));
    }
    for i in 0..count {
        let (x, y) = point(i, count, RADIUS);
        let (cx, cy) = point(i, count, 0.0);
        svg.raw(&format!(
            "<line class=\"ma-axis\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>",
            n(cx),
            n(cy),
            n(x),
            n(y)
        ));
    }
    for ring in [50.0, 100.0] {
        let (x, y) = point(0, count, scaled(ring));
        svg.text(
            x + 4.0,
            y - 3.0,
            "ma-m ma-s",
            "start",
            &format!("{ring:.0}"),
        );
    }
    let assessed: Vec<(usize, f64)> = axes
        .iter()
        .enumerate()
        .filter_map(|(i, a)| a.score.filter(|s| s.is_finite()).map(|s| (i, s)))
        .collect();
    if assessed.len() >= 2 {
        let pts = assessed
            .iter()
            .map(|&(i, s)| {
                let (x, y) = point(i, count, scaled(s));
                format!("{},{}", n(x), n(y))
            })
            .collect::<Vec<_>>()
            .join(" ");
        svg.raw(&format!(
            "<polygon class=\"ma-line\" stroke-linejoin=\"round\" points=\"{pts}\"/>"
        ));
    }
    let mut dots = String::new();
    for &(i, s) in &assessed {
        let (x, y) = point(i, count, scaled(s));
        let _ = write!(
            dots,
            "<circle class=\"ma-dot\" cx=\"{}\" cy=\"{}\" r=\"4\"/>",
            n(x),
            n(y)
        );
    }
    svg.raw(&dots);
    for (i, axis) in axes.iter().enumerate() {
        label(&mut svg, i, count, axis, amber, green);
    }
    legend(&mut svg, amber, green);
    svg.finish()
}

/// The P's name and its score (or "not assessed") just outside the axis end.
fn label(svg: &mut Svg, i: usize, count: usize, axis: &RadarAxis, amber: f64, green: f64) {
    let (x, y) = point(i, count, RADIUS + 18.0);
    let cx = WIDTH / 2.0;
    let anchor = if (x - cx).abs() < 8.0 {
        "middle"
    } else if x > cx {
        "start"
    } else {
        "end"
    };
    let y = if y < 100.0 { y - 10.0 } else { y };
    svg.text(x, y, "ma-b", anchor, &clip(&axis.label, 22));
    match axis.score.filter(|s| s.is_finite()) {
        Some(s) => {
            let class = if s >= green {
                "ma-good"
            } else if s >= amber {
                "ma-fair"
            } else {
                "ma-poor"
            };
            svg.text(
                x,
                y + 15.0,
                &format!("{class} ma-b"),
                anchor,
                &format!("{s:.0}"),
            );
        }
        None => svg.text(x, y + 15.0, "ma-m ma-s", anchor, "not assessed"),
    }
}

fn legend(svg: &mut Svg, amber: f64, green: f64) {
    let y = HEIGHT - 24.0;
    let items = [
        ("ma-poor", format!("below {amber:.0}")),
        ("ma-fair", format!("{amber:.0}–{green:.0}")),
        ("ma-good", format!("{green:.0} and above")),
    ];
    let mut x = 20.0;
    for (class, text) in items {
        svg.rect(x, y - 10.0, 12.0, 12.0, class, None);
        svg.text(x + 18.0, y, "ma-m ma-s", "start", &text);
        x += 30.0 + 7.0 * text.chars().count() as f64;
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{check, texts};
    use super::*;

    fn axes(scores: &[Option<f64>]) -> Vec<RadarAxis> {
        scores
            .iter()
            .enumerate()
            .map(|(i, s)| RadarAxis {
                label: format!("P{i}"),
                score: *s,
            })
            .collect()
    }

    #[test]
    fn draws_assessed_axes_and_marks_missing_ones() {
        let a = axes(&[
            Some(80.0),
            None,
            Some(40.0),
            Some(f64::NAN),
            Some(100.0),
            Some(0.0),
            Some(65.0),
        ]);
        let svg = radar("7-P scores", &a, 50.0, 75.0);
        let doc = check(&svg);
        let t = texts(&doc);
        assert_eq!(t.matches("not assessed").count(), 2, "{t}");
        assert!(t.contains("80") && t.contains("P6"));
        assert_eq!(
            doc.descendants()
                .filter(|d| d.has_tag_name("circle"))
                .count(),
            5
        );
    }

    #[test]
    fn labels_are_escaped_text() {
        let mut a = axes(&[Some(10.0); 7]);
        a[0].label = "<script>alert(1)</script>".into();
        let svg = radar("a & b", &a, 50.0, 75.0);
        let doc = check(&svg);
        assert!(texts(&doc).contains("<script>alert"));
        assert!(texts(&doc).contains("a & b"));
    }

    #[test]
    fn nothing_assessed_still_renders() {
        let svg = radar("none", &axes(&[None; 7]), 50.0, 75.0);
        check(&svg);
        assert!(!svg.contains("class=\"ma-line\""));
    }
}
