//! Number formatting shared by every human-facing text (summary.md,
//! report.html, the SVG charts), so a figure reads the same everywhere.
//!
//! Missing values (`None`, NaN, infinities) format as an em dash rather than
//! leaking "NaN" into a client deliverable.

/// The placeholder shown for a value that cannot be computed.
pub const MISSING: &str = "—";

/// `n` with thousands separators (`,`) and `decimals` decimals; a real minus sign.
pub fn group(n: f64, decimals: usize) -> String {
    if !n.is_finite() {
        return MISSING.into();
    }
    let s = format!("{:.*}", decimals, n.abs());
    let (int, frac) = s
        .split_once('.')
        .map_or((s.as_str(), None), |(a, b)| (a, Some(b)));
    let mut out = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    let negative = n < 0.0 && out.chars().any(|c| c.is_ascii_digit() && c != '0');
    if negative { format!("−{out}") } else { out }
}

fn finite(v: Option<f64>) -> Option<f64> {
    v.filter(|x| x.is_finite())
}

/// A money amount, whole units, with the currency (if any) after it.
pub fn money(v: Option<f64>, currency: &str) -> String {
    match finite(v) {
        None => MISSING.into(),
        Some(x) if currency.is_empty() => group(x, 0),
        Some(x) => format!("{} {currency}", group(x, 0)),
    }
}

/// The text with its first letter in upper case, for a label or a cell
/// that starts a sentence ("an Orders sheet" → "An Orders sheet").
pub fn capitalised(text: &str) -> String {
    let mut c = text.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

/// A share 0–1 as a percentage with one decimal.
pub fn pct(v: Option<f64>) -> String {
    finite(v).map_or(MISSING.into(), |x| format!("{:.1}%", 100.0 * x))
}

/// A count or figure: whole numbers plain, others with one decimal.
pub fn num(v: Option<f64>) -> String {
    finite(v).map_or(MISSING.into(), |x| {
        if x.fract() == 0.0 {
            group(x, 0)
        } else {
            group(x, 1)
        }
    })
}

/// A 0–100 score, rounded.
pub fn score(v: Option<f64>) -> String {
    finite(v).map_or(MISSING.into(), |x| format!("{x:.0}"))
}

/// A signed change of a score or figure, one decimal (`±0` when negligible).
pub fn delta(v: Option<f64>) -> String {
    finite(v).map_or(MISSING.into(), |x| {
        if x.abs() < 0.05 {
            "±0".into()
        } else if x > 0.0 {
            format!("+{x:.1}")
        } else {
            format!("−{:.1}", -x)
        }
    })
}

/// A signed change of a rate, in percentage points.
pub fn pp(v: Option<f64>) -> String {
    finite(v).map_or(MISSING.into(), |x| {
        let pp = 100.0 * x;
        if pp.abs() < 0.05 {
            "±0 pp".into()
        } else if pp > 0.0 {
            format!("+{pp:.1} pp")
        } else {
            format!("−{:.1} pp", -pp)
        }
    })
}

/// What fixing a finding is worth: "+2.3 points if fixed" (one decimal,
/// "under 0.1" rather than a misleading "+0.0").
pub fn points_if_fixed(gain: Option<f64>) -> String {
    match finite(gain) {
        None => MISSING.into(),
        Some(g) if g < 0.05 => "under 0.1 points if fixed".into(),
        Some(g) => format!("+{g:.1} points if fixed"),
    }
}

/// A ten-character text bar for a 0–100 score (dots when missing).
pub fn bar(v: Option<f64>) -> String {
    finite(v).map_or("·".repeat(10), |x| {
        let full = ((x / 10.0).round().max(0.0) as usize).min(10);
        format!("{}{}", "█".repeat(full), "░".repeat(10 - full))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_never_says_nan() {
        assert_eq!(group(1234567.891, 1), "1,234,567.9");
        assert_eq!(group(-950.0, 0), "−950");
        assert_eq!(group(-0.2, 0), "0");
        assert_eq!(money(Some(12500.0), "DKK"), "12,500 DKK");
        assert_eq!(money(Some(f64::NAN), "DKK"), MISSING);
        assert_eq!(pct(Some(0.2346)), "23.5%");
        assert_eq!(num(Some(3.0)), "3");
        assert_eq!(score(None), MISSING);
        assert_eq!(delta(Some(-2.25)), "−2.2");
        assert_eq!(pp(Some(0.0)), "±0 pp");
        assert_eq!(bar(Some(55.0)), "██████░░░░");
        assert_eq!(points_if_fixed(Some(2.345)), "+2.3 points if fixed");
        assert_eq!(points_if_fixed(Some(0.01)), "under 0.1 points if fixed");
    }
}
