//! Which currency the amounts are in: `currency:` in audit.yaml, else what
//! the inputs show — currency marks in money cells (`1.234 kr.`, `€ 12`,
//! `$1,200`) today, header marks (`Revenue (DKK)`) when the header reader
//! reports them as [`Evidence`] too. Every source feeds one decision,
//! [`detect_currency`], so the reports carry one currency or none, never a
//! guess: a mark that fits several currencies (`kr.`: Danish, Norwegian or
//! Swedish kroner) or marks that disagree leave it unknown, with a warning
//! saying what to put in audit.yaml.

/// One currency mark as it appears in the inputs, with the ISO codes it can
/// mean (one for `€`, several for `kr.`) and where it was first seen.
#[derive(Debug, Clone, PartialEq)]
pub struct Evidence {
    /// The mark as the reports name it: `kr.`, `€`, `DKK`.
    pub mark: &'static str,
    /// The ISO 4217 codes it can mean.
    pub codes: &'static [&'static str],
    /// Where it was first seen (file › sheet › cell).
    pub at: String,
    /// How many cells show it.
    pub count: usize,
}

/// The outcome: the currency, if one is known, and a warning when the
/// inputs were ambiguous, mixed or contradicted audit.yaml.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Detected {
    /// ISO code (`DKK`), or `None` when unknown.
    pub code: Option<String>,
    /// What to tell the user, if anything.
    pub warning: Option<String>,
}

/// Marks recognised, after lower-casing and dropping a trailing point, with
/// the mark shown in messages and the codes each can mean.
const MARKS: &[(&str, &str, &[&str])] = &[
    ("€", "€", &["EUR"]),
    ("eur", "EUR", &["EUR"]),
    ("euro", "EUR", &["EUR"]),
    ("$", "$", &["USD"]),
    ("us$", "$", &["USD"]),
    ("usd", "USD", &["USD"]),
    ("£", "£", &["GBP"]),
    ("gbp", "GBP", &["GBP"]),
    ("kr", "kr.", &["DKK", "NOK", "SEK"]),
    ("dkk", "DKK", &["DKK"]),
    ("dkr", "DKK", &["DKK"]),
    ("sek", "SEK", &["SEK"]),
    ("nok", "NOK", &["NOK"]),
    ("chf", "CHF", &["CHF"]),
    ("fr", "CHF", &["CHF"]),
    ("sfr", "CHF", &["CHF"]),
];

/// The currency mark in a money text such as `1.234,50 kr.` or `€ 12`: the
/// characters before the first and after the last digit, without signs,
/// brackets and spaces. `None` when there is no mark or it is not a currency.
pub fn mark_in(text: &str) -> Option<(&'static str, &'static [&'static str])> {
    let first = text.find(|c: char| c.is_ascii_digit())?;
    let last = text.rfind(|c: char| c.is_ascii_digit())?;
    let outside = [&text[..first], &text[last + 1..]];
    let mut found = None;
    for part in outside {
        let mark: String = part
            .chars()
            .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '−' | '+' | '(' | ')'))
            .flat_map(char::to_lowercase)
            .collect();
        let mark = mark.trim_end_matches(['.', ',']);
        if mark.is_empty() {
            continue;
        }
        let (_, shown, codes) = MARKS.iter().find(|(m, _, _)| *m == mark)?;
        if found.is_some_and(|(s, _)| s != *shown) {
            return None;
        }
        found = Some((*shown, *codes));
    }
    found
}

/// Counts the currency marks of one column's money cells.
#[derive(Debug, Clone, Default)]
pub struct Tally {
    seen: Vec<Evidence>,
}

impl Tally {
    /// Notes the mark of one money text, if it has one; `at` says where the
    /// cell is and is only built for the first cell with a given mark.
    pub fn note(&mut self, text: &str, at: impl FnOnce() -> String) {
        let Some((mark, codes)) = mark_in(text) else {
            return;
        };
        match self.seen.iter_mut().find(|e| e.mark == mark) {
            Some(e) => e.count += 1,
            None => self.seen.push(Evidence {
                mark,
                codes,
                at: at(),
                count: 1,
            }),
        }
    }

    /// What was seen, in the order first seen.
    pub fn into_evidence(self) -> Vec<Evidence> {
        self.seen
    }
}

fn describe(e: &Evidence) -> String {
    format!("{} ({} cell(s), first {})", e.mark, e.count, e.at)
}

/// The currency of the audit: `configured` (audit.yaml `currency:`, an ISO
/// code already checked) wins, with a warning when the inputs show another;
/// else the one currency every mark in `evidence` can mean. Marks that fit
/// several currencies, or disagree, leave it unknown with a warning; no marks
/// at all leave it unknown quietly (amounts then show without a code).
pub fn detect_currency(configured: Option<&str>, evidence: &[Evidence]) -> Detected {
    // One entry per mark, whichever columns showed it.
    let mut merged: Vec<Evidence> = Vec::new();
    for e in evidence {
        match merged.iter_mut().find(|m| m.mark == e.mark) {
            Some(m) => m.count += e.count,
            None => merged.push(e.clone()),
        }
    }
    let evidence = merged.as_slice();
    if let Some(code) = configured {
        let against: Vec<String> = evidence
            .iter()
            .filter(|e| !e.codes.contains(&code))
            .map(describe)
            .collect();
        return Detected {
            code: Some(code.to_string()),
            warning: (!against.is_empty()).then(|| {
                format!(
                    "audit.yaml gives the currency as {code}, but amounts in the inputs show {}; amounts are shown in {code}",
                    against.join(", ")
                )
            }),
        };
    }
    let Some(first) = evidence.first() else {
        return Detected::default();
    };
    let common: Vec<&str> = first
        .codes
        .iter()
        .copied()
        .filter(|c| evidence.iter().all(|e| e.codes.contains(c)))
        .collect();
    let seen = evidence.iter().map(describe).collect::<Vec<_>>().join(", ");
    match common.as_slice() {
        [one] => Detected {
            code: Some((*one).to_string()),
            warning: None,
        },
        [] => Detected {
            code: None,
            warning: Some(format!(
                "amounts in the inputs show different currencies: {seen}; amounts are shown without a currency (put `currency:` with its code, e.g. DKK, in audit.yaml)"
            )),
        },
        several => Detected {
            code: None,
            warning: Some(format!(
                "amounts in the inputs show {seen}, which may be {}; amounts are shown without a currency (put `currency:` with its code in audit.yaml)",
                or_list(several)
            )),
        },
    }
}

fn or_list(codes: &[&str]) -> String {
    match codes.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => codes.join(""),
    }
}

/// Checks an audit.yaml `currency:` value: a three-letter ISO 4217 code,
/// returned in capitals.
pub fn parse_code(text: &str) -> Option<String> {
    let t = text.trim();
    (t.len() == 3 && t.chars().all(|c| c.is_ascii_alphabetic())).then(|| t.to_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seen(text: &str) -> Evidence {
        let (mark, codes) = mark_in(text).expect("a mark");
        Evidence {
            mark,
            codes,
            at: "E2".into(),
            count: 1,
        }
    }

    #[test]
    fn marks_in_money_texts() {
        assert_eq!(mark_in("1.234,50 kr.").map(|m| m.0), Some("kr."));
        assert_eq!(mark_in("kr 99").map(|m| m.0), Some("kr."));
        assert_eq!(mark_in("€ 1 234,50").map(|m| m.1), Some(&["EUR"][..]));
        assert_eq!(mark_in("($120)").map(|m| m.1), Some(&["USD"][..]));
        assert_eq!(mark_in("1,234.50 DKK").map(|m| m.1), Some(&["DKK"][..]));
        assert_eq!(mark_in("-12 EUR").map(|m| m.0), Some("EUR"));
        assert_eq!(mark_in("1234.50"), None);
        assert_eq!(mark_in("12 apples"), None);
        assert_eq!(mark_in("€12 $"), None);
    }

    #[test]
    fn one_currency_or_a_warning() {
        let d = detect_currency(None, &[seen("12 kr."), seen("DKK 3")]);
        assert_eq!(d.code.as_deref(), Some("DKK"));
        assert_eq!(d.warning, None);
        let d = detect_currency(None, &[seen("12 kr.")]);
        assert_eq!(d.code, None);
        assert!(d.warning.unwrap().contains("DKK, NOK or SEK"));
        let d = detect_currency(None, &[seen("€12"), seen("$3")]);
        assert_eq!(d.code, None);
        assert!(d.warning.unwrap().contains("different currencies"));
        assert_eq!(detect_currency(None, &[]), Detected::default());
        let d = detect_currency(Some("SEK"), &[seen("12 kr.")]);
        assert_eq!((d.code.as_deref(), d.warning), (Some("SEK"), None));
        let d = detect_currency(Some("EUR"), &[seen("12 kr.")]);
        assert!(d.warning.unwrap().contains("gives the currency as EUR"));
        assert_eq!(parse_code(" dkk "), Some("DKK".into()));
        assert_eq!(parse_code("kr."), None);
    }
}
