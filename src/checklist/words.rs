//! Checklist rules in words, for `mixaudit explain`: a marketing manager
//! reads "the touchpoint's objective is not “acquisition”", never
//! `touchpoint.objective != 'acquisition'`. Metrics are named by the reports'
//! labels.

use std::collections::BTreeMap;

use crate::analytics::METRICS;

/// snake_case → words.
fn spaced(name: &str) -> String {
    name.replace('_', " ")
}

/// A metric's label as it reads inside a sentence ("active rate"; "RFM
/// segments" keeps its capitals), or its name in words when it has none.
pub fn metric_label(name: &str) -> String {
    METRICS
        .iter()
        .find(|m| m.name == name)
        .map_or_else(|| spaced(name), |m| in_sentence(m.label()))
}

/// A label with its first letter lowercased, unless it is an abbreviation.
pub fn in_sentence(label: &str) -> String {
    let mut chars = label.chars();
    match (chars.next(), chars.next()) {
        (Some(a), Some(b)) if a.is_uppercase() && !b.is_uppercase() => {
            a.to_lowercase().chain(label.chars().skip(1)).collect()
        }
        _ => label.to_string(),
    }
}

/// A variable path in words.
fn variable(path: &str, params: &BTreeMap<String, f64>) -> String {
    let mut parts = path.split('.');
    let root = parts.next().unwrap_or("");
    let rest: Vec<&str> = parts.collect();
    match (root, rest.as_slice()) {
        ("touchpoint", ["p", ..]) => "the touchpoint's P".to_string(),
        ("touchpoint", [field, ..]) => format!("the touchpoint's {}", spaced(field)),
        ("metrics", [name]) => format!("the {}", metric_label(name)),
        ("metrics", [name, key, ..]) => {
            format!("the {} ({})", metric_label(name), spaced(key))
        }
        ("params", [name, ..]) => match params.get(*name) {
            Some(v) => format!("{} ({v})", spaced(name)),
            None => spaced(name),
        },
        _ => spaced(path),
    }
}

#[derive(Debug, PartialEq)]
enum Token {
    Name(String),
    Number(String),
    Text(String),
    Symbol(String),
}

fn tokens(src: &str) -> Vec<Token> {
    let chars: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let start = i;
        if c.is_whitespace() {
            i += 1;
        } else if c.is_ascii_alphabetic() || c == '_' {
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || "_.".contains(chars[i])) {
                i += 1;
            }
            out.push(Token::Name(chars[start..i].iter().collect()));
        } else if c.is_ascii_digit() {
            while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                i += 1;
            }
            out.push(Token::Number(chars[start..i].iter().collect()));
        } else if c == '\'' || c == '"' {
            i += 1;
            while i < chars.len() && chars[i] != c {
                i += 1;
            }
            out.push(Token::Text(
                chars[start + 1..i.min(chars.len())].iter().collect(),
            ));
            i += 1;
        } else {
            let two: String = chars[i..(i + 2).min(chars.len())].iter().collect();
            let sym = if ["==", "!=", "<=", ">="].contains(&two.as_str()) {
                two
            } else {
                c.to_string()
            };
            i += sym.chars().count();
            out.push(Token::Symbol(sym));
        }
    }
    out
}

/// A rule expression in words. Unknown constructs pass through with
/// underscores spaced, so the sentence is never empty.
pub fn rule_in_words(src: &str, params: &BTreeMap<String, f64>) -> String {
    let toks = tokens(src);
    if let [Token::Name(n)] = toks.as_slice()
        && let Some(field) = n.strip_prefix("touchpoint.")
    {
        return format!("the touchpoint is marked {}", spaced(field));
    }
    let mut words: Vec<String> = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let next_is = |s: &str| matches!(toks.get(i + 1), Some(Token::Symbol(x)) if x == s);
        match &toks[i] {
            Token::Name(n) => match n.as_str() {
                "and" | "or" => words.push(n.clone()),
                "not" if matches!(toks.get(i + 1), Some(Token::Name(x)) if x == "in") => {
                    words.push("is not in".into());
                    i += 1;
                }
                "not" => words.push("not".into()),
                "in" if next_is("[") => words.push("is one of".into()),
                "in" => words.push("is in".into()),
                "true" => words.push("yes".into()),
                "false" => words.push("no".into()),
                "length" => {}
                _ => words.push(variable(n, params)),
            },
            Token::Number(n) => words.push(n.clone()),
            Token::Text(t) => words.push(format!("“{}”", spaced(t))),
            Token::Symbol(s) => match s.as_str() {
                "|" => {
                    // `x|length`: the number of x.
                    if let Some(last) = words.pop() {
                        let bare = last.strip_prefix("the ").unwrap_or(&last).to_string();
                        words.push(format!("the number of {bare}"));
                    }
                }
                "==" => words.push("is".into()),
                "!=" => words.push("is not".into()),
                "<=" => words.push("is at most".into()),
                ">=" => words.push("is at least".into()),
                "<" => words.push("is less than".into()),
                ">" => words.push("is more than".into()),
                "*" => words.push("×".into()),
                "/" => words.push("÷".into()),
                "-" => words.push("−".into()),
                "[" | "]" => {}
                "," => {
                    if let Some(last) = words.last_mut() {
                        last.push(',');
                    }
                }
                other => words.push(other.to_string()),
            },
        }
        i += 1;
    }
    words.join(" ").replace("( ", "(").replace(" )", ")")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(src: &str) -> String {
        let params = BTreeMap::from([("max_contact_gap_days".to_string(), 90.0)]);
        rule_in_words(src, &params)
    }

    #[test]
    fn rules_read_as_sentences() {
        assert_eq!(
            words("touchpoint.objective != 'acquisition'"),
            "the touchpoint's objective is not “acquisition”"
        );
        assert_eq!(
            words("touchpoint.personalized"),
            "the touchpoint is marked personalized"
        );
        assert_eq!(
            words("touchpoint.objective in ['retention', 'both']"),
            "the touchpoint's objective is one of “retention”, “both”"
        );
        assert_eq!(
            words("touchpoint.cadence_days <= 2 * params.max_contact_gap_days"),
            "the touchpoint's cadence days is at most 2 × max contact gap days (90)"
        );
        assert_eq!(
            words("metrics.stages_without_touchpoint|length == 0"),
            "the number of ladder stages without a touchpoint is 0"
        );
        assert_eq!(
            words("'client' in metrics.stages_served and ('supporter' in touchpoint.stages)"),
            "“client” is in the ladder stages served and (“supporter” is in the touchpoint's stages)"
        );
    }
}
