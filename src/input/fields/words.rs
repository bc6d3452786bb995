//! Headers read as words, the way a person reads them: `Total revenue (USD)`
//! is "total revenue", in dollars; `Cust. No.` is "customer number";
//! `Kd.-Nr.` is "Kunde number"; `Revenue, €` is "revenue", in euros.
//!
//! A unit or currency in parentheses (or brackets), after a comma, or as a
//! trailing code or symbol is set aside and remembered; common abbreviations
//! are spelt out and filler words (`of`, `the`) dropped; what is left is
//! compared as one key with the field names, which are read the same way.
//! The same words rank the "nearest match" for a missing column by meaning.

use crate::input::currency::{currency_mark, mark_in};

/// Abbreviations in headers and what they stand for (English, Danish, German).
const ABBREVIATIONS: &[(&str, &str)] = &[
    ("cust", "customer"),
    ("no", "number"),
    ("nr", "number"),
    ("num", "number"),
    ("#", "number"),
    ("qty", "quantity"),
    ("amt", "amount"),
    ("kd", "kunde"),
    ("tot", "total"),
];

/// Words that carry no meaning in a header (`No. of orders`, `the P`).
const FILLER: &[&str] = &["of", "the", "af", "der", "die", "das", "des", "in"];

/// Units that may follow a comma or sit in parentheses besides currencies.
const UNITS: &[&str] = &[
    "days", "dage", "tage", "day", "%", "pct", "percent", "count", "stk", "pcs", "qty", "0-10",
    "1-10", "yes/no", "ja/nej", "ja/nein", "total", "i alt", "gesamt",
];

/// A header read as words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderWords {
    /// The meaningful words, abbreviations spelt out, lower case.
    pub tokens: Vec<String>,
    /// The currency mark the header names (`(USD)`, `, €`, `(kr.)`), if any.
    pub currency: Option<&'static str>,
}

impl HeaderWords {
    /// The words joined: what two headers must share to mean one field.
    pub fn key(&self) -> String {
        self.tokens.concat()
    }
}

/// Reads a header (or a field name or synonym) as words.
pub fn header_words(text: &str) -> HeaderWords {
    let mut currency = None;
    let mut main = String::with_capacity(text.len());
    // Parenthesised and bracketed parts are units or remarks: set aside.
    let mut depth = 0usize;
    let mut aside = String::new();
    for c in text.chars() {
        match c {
            '(' | '[' => {
                depth += 1;
                main.push(' ');
            }
            ')' | ']' if depth > 0 => {
                depth -= 1;
                if depth == 0 {
                    currency = currency.or(mark_in(&aside));
                    aside.clear();
                }
            }
            _ if depth > 0 => aside.push(c),
            _ => main.push(c),
        }
    }
    // A unit after the last comma: `Revenue, €`, `Cadence, days`.
    if let Some((head, tail)) = main.rsplit_once(',') {
        let t = tail.trim().to_lowercase();
        if let Some(code) = mark_in(&t) {
            currency = currency.or(Some(code));
            main = head.to_string();
        } else if UNITS.contains(&t.as_str()) {
            main = head.to_string();
        }
    }
    let mut tokens: Vec<String> = Vec::new();
    let mut word = String::new();
    for c in main.chars().chain(std::iter::once(' ')) {
        if c.is_alphanumeric() {
            word.extend(c.to_lowercase());
            continue;
        }
        if !word.is_empty() {
            tokens.push(std::mem::take(&mut word));
        }
        if c == '#' {
            tokens.push("#".into());
        } else if !c.is_whitespace() && !c.is_ascii_punctuation() {
            // A currency symbol standing alone: `Revenue €`.
            let mut buf = [0u8; 4];
            if let Some(code) = currency_mark(c.encode_utf8(&mut buf)) {
                currency = currency.or(Some(code));
            }
        } else if c == '$' {
            currency = currency.or(Some("$"));
        }
    }
    // A trailing currency code: `Spend DKK`, `Omsætning kr.` (not `us`, `fr`:
    // too often plain words).
    if tokens.len() >= 2
        && let Some(last) = tokens.last()
        && !matches!(last.as_str(), "us" | "fr")
        && let Some(code) = currency_mark(last)
    {
        currency = currency.or(Some(code));
        tokens.pop();
    }
    let tokens = tokens
        .into_iter()
        .map(|t| {
            ABBREVIATIONS
                .iter()
                .find(|(a, _)| *a == t)
                .map_or(t, |(_, full)| full.to_string())
        })
        .filter(|t| !FILLER.contains(&t.as_str()))
        .collect();
    HeaderWords { tokens, currency }
}

/// How much two headers share in meaning, 0–1: the share of their words in
/// common (plurals folded), so `Client ref.` is near `client id` and far from
/// `customer name`.
pub fn overlap(a: &[String], b: &[String]) -> f64 {
    let stem = |t: &String| -> String {
        if t.len() > 3 && t.ends_with('s') {
            t[..t.len() - 1].to_string()
        } else {
            t.clone()
        }
    };
    let a: std::collections::BTreeSet<String> = a.iter().map(stem).collect();
    let b: std::collections::BTreeSet<String> = b.iter().map(stem).collect();
    let union = a.union(&b).count();
    if union == 0 {
        return 0.0;
    }
    a.intersection(&b).count() as f64 / union as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(t: &str) -> String {
        header_words(t).key()
    }

    #[test]
    fn units_and_abbreviations() {
        assert_eq!(key("Cust. No."), key("customer number"));
        assert_eq!(key("Kd.-Nr."), key("kd nr"));
        assert_eq!(key("# Orders"), key("number of orders"));
        assert_eq!(key("No. of orders"), key("number of orders"));
        assert_eq!(key("Total revenue (USD)"), "totalrevenue");
        assert_eq!(key("Revenue, €"), "revenue");
        assert_eq!(key("Omsætning (kr.)"), "omsætning");
        assert_eq!(key("Spend DKK"), "spend");
        assert_eq!(key("Contact us"), "contactus");
    }

    #[test]
    fn currencies_are_remembered() {
        let cur = |t: &str| header_words(t).currency;
        assert_eq!(cur("Total revenue (USD)"), Some("USD"));
        assert_eq!(cur("Revenue, €"), Some("€"));
        assert_eq!(cur("Spend (DKK)"), Some("DKK"));
        assert_eq!(cur("Omsætning (kr.)"), Some("kr."));
        assert_eq!(cur("Umsatz €"), Some("€"));
        assert_eq!(cur("Revenue $"), Some("$"));
        assert_eq!(cur("Spend SEK"), Some("SEK"));
        assert_eq!(cur("Revenue"), None);
        assert_eq!(cur("Kundenr. (intern)"), None);
    }

    #[test]
    fn meaning_not_spelling() {
        let w = |t: &str| header_words(t).tokens;
        assert!(overlap(&w("Client ref."), &w("client id")) > 0.0);
        assert_eq!(overlap(&w("Revenue"), &w("customer id")), 0.0);
    }
}
