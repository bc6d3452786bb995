//! Cheap nesting pre-scans, run before a parser that recurses sees the text.
//!
//! Why: the YAML parser slows down quadratically on deep nesting, and
//! minijinja's parser and code generator recurse once per unary operator
//! (`not not not …`, `- - - …`), per chained operator or filter, and per
//! `elif`, without a limit of their own — 20,000 of them overflow the stack,
//! which aborts the process. So the text is measured first, in one linear
//! pass, and refused with the line (YAML), the checklist item (rules) or the
//! template line concerned.

use std::path::Path;

use crate::error::{Code, Location, Problem};

/// Deepest YAML nesting accepted (indentation, `- ` entries and flow brackets together).
pub const MAX_YAML_DEPTH: usize = 64;
/// Longest rule expression (real ones are under 200 characters).
pub const MAX_EXPRESSION_BYTES: usize = 2_000;
/// Deepest bracket nesting in an expression.
pub const MAX_BRACKET_DEPTH: usize = 32;
/// Longest run of prefix operators (`not`, `-`, `+`) in an expression.
pub const MAX_UNARY_RUN: usize = 32;
/// Most tokens in one expression or template tag: minijinja's syntax tree
/// gets one level deeper per chained operator, filter or attribute.
pub const MAX_TOKENS: usize = 512;
/// Most items in a checklist (the built-in one has a few dozen; the workbook
/// gives each item a column, and Excel stops at 16,384).
pub const MAX_ITEMS: usize = 1_000;
/// Deepest block nesting in a template (`if`/`elif`/`for`/`macro`/… ).
pub const MAX_BLOCK_DEPTH: usize = 64;

/// Measures a YAML text's nesting; refuses it past [`MAX_YAML_DEPTH`].
pub fn yaml_depth(text: &str, path: &Path) -> Result<(), Problem> {
    let mut indents: Vec<usize> = Vec::new();
    let mut flow = 0usize;
    let mut quote: Option<char> = None;
    let mut block_scalar: Option<usize> = None;
    for (i, line) in text.lines().enumerate() {
        let indent = line.len() - line.trim_start_matches(' ').len();
        let body = &line[indent..];
        if let Some(parent) = block_scalar {
            if body.is_empty() || indent > parent {
                continue;
            }
            block_scalar = None;
        }
        if quote.is_none() && flow == 0 && (body.is_empty() || body.starts_with('#')) {
            continue;
        }
        if quote.is_none() && flow == 0 {
            while indents.last().is_some_and(|&top| top > indent) {
                indents.pop();
            }
            if indents.last().is_none_or(|&top| top < indent) {
                indents.push(indent);
            }
        }
        let mut dashes = 0usize;
        let mut rest = body;
        while quote.is_none() && flow == 0 && (rest.starts_with("- ") || rest == "-") {
            dashes += 1;
            rest = rest[1..].trim_start_matches(' ');
        }
        let mut deepest = flow;
        let mut prev = ' ';
        for c in rest.chars() {
            match quote {
                Some('\'') if c == '\'' => quote = None,
                Some('"') if c == '"' && prev != '\\' => quote = None,
                Some(_) => {}
                None => match c {
                    '#' if prev == ' ' || prev == '\t' => break,
                    '\'' | '"' if matches!(prev, ' ' | '[' | '{' | ',' | ':') => quote = Some(c),
                    '[' | '{' => {
                        flow += 1;
                        deepest = deepest.max(flow);
                    }
                    ']' | '}' => flow = flow.saturating_sub(1),
                    _ => {}
                },
            }
            prev = if prev == '\\' && c == '\\' { ' ' } else { c };
        }
        let depth = indents.len() + dashes + deepest;
        if depth > MAX_YAML_DEPTH {
            return Err(Problem::new(
                Code::InputLimit,
                Location::file(path).at_line(Some(i + 1)),
                format!("nests {depth} levels deep, which exceeds the limit of {MAX_YAML_DEPTH}"),
                "a checklist or audit.yaml as mixaudit writes them (a few levels deep)",
            ));
        }
        let trimmed = rest.trim_end();
        if quote.is_none()
            && flow == 0
            && (trimmed.ends_with('|')
                || trimmed.ends_with('>')
                || trimmed.ends_with("|-")
                || trimmed.ends_with(">-")
                || trimmed.ends_with("|+")
                || trimmed.ends_with(">+"))
        {
            block_scalar = Some(indent);
        }
    }
    Ok(())
}

/// Refuses a checklist with more than [`MAX_ITEMS`] items.
pub fn item_count(n: usize, path: &Path) -> Result<(), Problem> {
    if n > MAX_ITEMS {
        return Err(Problem::new(
            Code::InputLimit,
            Location::file(path),
            format!("its {n} items exceed the limit of {MAX_ITEMS}"),
            "a checklist of at most 1,000 items",
        ));
    }
    Ok(())
}

/// Tokens of an expression, as far as nesting goes: words, numbers, string
/// literals, and single punctuation characters.
fn tokens(src: &str) -> impl Iterator<Item = &str> {
    let bytes = src.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        if i >= bytes.len() {
            return None;
        }
        let start = i;
        let b = bytes[i];
        if b == b'"' || b == b'\'' {
            i += 1;
            while i < bytes.len() && bytes[i] != b {
                i += if bytes[i] == b'\\' { 2 } else { 1 };
            }
            i = (i + 1).min(bytes.len());
        } else if b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80 {
            while i < bytes.len()
                && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_' || bytes[i] >= 0x80)
            {
                i += 1;
            }
        } else {
            i += 1;
        }
        src.get(start..i).or(Some("?"))
    })
}

/// Measures one expression: bracket depth, runs of prefix operators and
/// token count. The message says which limit was exceeded.
fn measure(src: &str) -> Result<(), String> {
    let (mut depth, mut run, mut count) = (0usize, 0usize, 0usize);
    for t in tokens(src) {
        count += 1;
        if count > MAX_TOKENS {
            return Err(format!(
                "has more than {MAX_TOKENS} tokens, which exceeds the limit of {MAX_TOKENS}"
            ));
        }
        match t {
            "(" | "[" | "{" => {
                depth += 1;
                if depth > MAX_BRACKET_DEPTH {
                    return Err(format!(
                        "nests brackets {depth} deep, which exceeds the limit of {MAX_BRACKET_DEPTH}"
                    ));
                }
            }
            ")" | "]" | "}" => depth = depth.saturating_sub(1),
            _ => {}
        }
        if matches!(t, "not" | "-" | "+") {
            run += 1;
            if run > MAX_UNARY_RUN {
                return Err(format!(
                    "chains more than {MAX_UNARY_RUN} `not`/`-`/`+` operators, which exceeds the limit of {MAX_UNARY_RUN}"
                ));
            }
        } else {
            run = 0;
        }
    }
    Ok(())
}

/// Refuses a rule expression minijinja's parser could not handle safely.
pub fn expression(src: &str) -> Result<(), String> {
    if src.len() > MAX_EXPRESSION_BYTES {
        return Err(format!(
            "the expression is {} bytes long, which exceeds the limit of {MAX_EXPRESSION_BYTES}",
            src.len()
        ));
    }
    measure(src).map_err(|e| format!("the expression {e}"))
}

/// Refuses a template whose tags or block structure nest too deeply; the
/// error starts with the one-based line.
pub fn template_depth(src: &str) -> Result<(), String> {
    let mut open_blocks: Vec<(&str, usize)> = Vec::new();
    let mut rest = src;
    let mut offset = 0usize;
    let line_at = |pos: usize| src[..pos].matches('\n').count() + 1;
    while let Some(open) = rest.find(['{']) {
        let after = &rest[open + 1..];
        let close = match after.as_bytes().first() {
            Some(b'{') => "}}",
            Some(b'%') => "%}",
            Some(b'#') => "#}",
            _ => {
                offset += open + 1;
                rest = after;
                continue;
            }
        };
        let kind = after.as_bytes()[0];
        let inner_start = open + 2;
        let end = rest[inner_start..]
            .find(close)
            .map_or(rest.len(), |e| inner_start + e);
        let inner = &rest[inner_start..end];
        let pos = offset + open;
        if kind != b'#' {
            let inner = inner.trim_matches(['-', '+', '~']);
            measure(inner).map_err(|e| format!("{}: a template tag {e}", line_at(pos)))?;
        }
        if kind == b'%' {
            let word = tokens(inner.trim_start_matches(['-', '+']))
                .next()
                .unwrap_or("");
            match word {
                "if" | "for" | "macro" | "call" | "filter" | "with" | "block" | "autoescape" => {
                    open_blocks.push((word, 1))
                }
                // minijinja nests every `elif` one level deeper until the `endif`
                "elif" => {
                    if let Some(top) = open_blocks.last_mut() {
                        top.1 += 1;
                    }
                }
                w if w.starts_with("end")
                    && open_blocks.last().is_some_and(|(open, _)| *open == &w[3..]) =>
                {
                    open_blocks.pop();
                }
                _ => {}
            }
            let blocks: usize = open_blocks.iter().map(|(_, n)| n).sum();
            if blocks > MAX_BLOCK_DEPTH {
                return Err(format!(
                    "{}: blocks (if/elif/for/macro…) nest {blocks} deep, which exceeds the limit of {MAX_BLOCK_DEPTH}",
                    line_at(pos)
                ));
            }
        }
        let next = (end + close.len()).min(rest.len());
        offset += next;
        rest = &rest[next..];
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_nesting_is_measured() {
        let p = Path::new("c.yaml");
        assert!(yaml_depth("a: 1\nb:\n  c: [1, {d: 2}]\n  e:\n    - f\n    - - g\n", p).is_ok());
        let deep = format!("a: {}{}\n", "[".repeat(100), "]".repeat(100));
        let e = yaml_depth(&deep, p).unwrap_err().to_string();
        assert!(e.starts_with("c.yaml:1: nests"), "{e}");
        assert!(yaml_depth(&format!("a:\n  {}1\n", "- ".repeat(100)), p).is_err());
        let indented: String = (0..100)
            .map(|i| format!("{}k{i}:\n", " ".repeat(i)))
            .collect();
        assert!(yaml_depth(&indented, p).is_err());
        assert!(
            yaml_depth(
                "a: \"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\"\n",
                p
            )
            .is_ok()
        );
        let block = format!(
            "a: |\n{}\nb: 1\n",
            (0..100)
                .map(|i| format!("  {}x", " ".repeat(i)))
                .collect::<Vec<_>>()
                .join("\n")
        );
        assert!(yaml_depth(&block, p).is_ok());
    }

    #[test]
    fn expressions_are_measured() {
        assert!(expression("touchpoint.spend > 0 and not (metrics.x < -1)").is_ok());
        assert!(expression(&format!("{}true", "not ".repeat(8000))).is_err());
        assert!(expression(&format!("{}1", "-".repeat(20000))).is_err());
        assert!(expression(&format!("{}1{}", "(".repeat(40), ")".repeat(40))).is_err());
        assert!(expression("'((((((((((((((((((((((((((((((((((((((((((('").is_ok());
    }

    #[test]
    fn templates_are_measured() {
        assert!(template_depth("{% if a %}{{ x | pct }}{% elif b %}y{% endif %}\n").is_ok());
        let deep = format!("\n{{{{ {}1 }}}}", "not ".repeat(100));
        assert!(template_depth(&deep).unwrap_err().starts_with("2: "));
        let elifs = format!("{{% if a %}}{}{{% endif %}}", "{% elif b %}".repeat(100));
        assert!(template_depth(&elifs).is_err());
        let many = "{% if a %}{% elif b %}{% elif c %}{% endif %}".repeat(100);
        assert!(template_depth(&many).is_ok());
    }
}
