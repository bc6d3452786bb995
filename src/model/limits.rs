//! The output formats' limits, enforced on the model before anything is
//! written: a text Excel cannot hold (over 32,767 characters) is cut with a
//! warning when the inputs load, and lists joined into one cell are capped
//! ("… and 1,950 more"), so a valid input never fails at write time.

use std::collections::HashSet;

use super::{Customer, Dataset, Extra, Label, Touchpoint};
use crate::error::{Code, Diagnostic};

/// Characters one Excel cell holds.
pub const MAX_CELL_CHARS: usize = 32_767;
/// Names listed in one cell before the rest are counted instead.
pub const MAX_LISTED: usize = 50;

/// `items` joined with `sep`, at most [`MAX_LISTED`] of them and never more
/// than a cell holds; the rest are counted ("… and 12 more").
pub fn join_capped<'a>(items: impl IntoIterator<Item = &'a str>, sep: &str) -> String {
    let items: Vec<&str> = items.into_iter().collect();
    let mut out = String::new();
    let mut shown = 0;
    for item in &items {
        if shown == MAX_LISTED || out.len() + sep.len() + item.len() > MAX_CELL_CHARS - 40 {
            break;
        }
        if shown > 0 {
            out.push_str(sep);
        }
        out.push_str(item);
        shown += 1;
    }
    if shown < items.len() {
        out.push_str(&format!("{sep}… and {} more", items.len() - shown));
    }
    out
}

/// Cuts `text` to what a cell holds (on a character boundary); true when cut.
pub fn clamp(text: &mut String) -> bool {
    if text.chars().count() <= MAX_CELL_CHARS {
        return false;
    }
    let end = text
        .char_indices()
        .nth(MAX_CELL_CHARS - 1)
        .map_or(text.len(), |(i, _)| i);
    text.truncate(end);
    text.push('…');
    true
}

fn clamp_compact(text: &mut compact_str::CompactString) -> bool {
    let mut s = text.to_string();
    let cut = clamp(&mut s);
    if cut {
        *text = s.into();
    }
    cut
}

fn clamp_extra(e: &mut Extra) -> bool {
    if let Extra::Text(t) = e {
        let mut s = t.to_string();
        if clamp(&mut s) {
            *t = s.into_boxed_str();
            return true;
        }
    }
    false
}

/// Cuts a customer's own texts; `cut` marks the shared labels already cut,
/// so every customer showing one counts.
fn clamp_customer(c: &mut Customer, cut: &HashSet<Label>) -> usize {
    let mut n = usize::from(clamp_compact(&mut c.id));
    if let Some(t) = &mut c.name {
        n += usize::from(clamp_compact(t));
    }
    n += [c.segment, c.status_text, c.churn_reason]
        .into_iter()
        .flatten()
        .filter(|l| cut.contains(l))
        .count();
    n + c
        .extras
        .iter_mut()
        .map(clamp_extra)
        .filter(|cut| *cut)
        .count()
}

fn clamp_touchpoint(t: &mut Touchpoint) -> usize {
    let mut n = usize::from(clamp(&mut t.name));
    for s in [&mut t.channel, &mut t.owner].into_iter().flatten() {
        n += usize::from(clamp(s));
    }
    n + t
        .extras
        .iter_mut()
        .map(clamp_extra)
        .filter(|cut| *cut)
        .count()
}

/// Cuts every text the dataset holds to what a cell holds; the warning says
/// how many were cut.
pub fn clamp_texts(ds: &mut Dataset) -> Option<Diagnostic> {
    let cut_labels: HashSet<Label> = ds
        .labels
        .texts_mut()
        .filter_map(|(l, t)| clamp_compact(t).then_some(l))
        .collect();
    let cut: usize = ds
        .customers
        .iter_mut()
        .map(|c| clamp_customer(c, &cut_labels))
        .sum::<usize>()
        + ds.touchpoints
            .iter_mut()
            .map(clamp_touchpoint)
            .sum::<usize>();
    (cut > 0).then(|| {
        Diagnostic::new(
            Code::TextCut,
            format!(
                "{cut} text value(s) longer than Excel's {MAX_CELL_CHARS} characters per cell were cut to that length"
            ),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lists_are_counted_not_listed() {
        let names: Vec<String> = (0..2000).map(|i| format!("Touchpoint {i}")).collect();
        let s = join_capped(names.iter().map(String::as_str), ", ");
        assert!(s.ends_with(", … and 1950 more"), "{s}");
        assert!(s.chars().count() <= MAX_CELL_CHARS);
        assert_eq!(join_capped(["a", "b"], "; "), "a; b");
    }

    #[test]
    fn long_texts_are_cut_to_a_cell() {
        let mut s = "é".repeat(40_000);
        assert!(clamp(&mut s));
        assert_eq!(s.chars().count(), MAX_CELL_CHARS);
        let mut short = "ok".to_string();
        assert!(!clamp(&mut short));
    }
}
