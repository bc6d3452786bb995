//! Rule expressions: compiled once when the checklist loads, evaluated per
//! touchpoint against a prepared context.
//!
//! One shared minijinja environment evaluates every rule: strict about
//! undefined names (a typo is never silently false) and fuelled, so a hostile
//! checklist cannot loop forever.

use std::sync::OnceLock;

use minijinja::{Environment, Expression, UndefinedBehavior, Value};

/// Fuel per evaluation: far above any sane rule, far below a hang.
const RULE_FUEL: u64 = 50_000;

/// The environment all rules are compiled in.
pub fn rule_env() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_fuel(Some(RULE_FUEL));
        env.set_recursion_limit(64);
        env
    })
}

/// A compiled rule expression and the variables it reads.
pub struct Rule {
    /// The expression as written in the checklist.
    pub source: String,
    expr: Expression<'static, 'static>,
    /// Variable paths it reads, as (root, field) pairs: ("touchpoint", "personalized").
    pub vars: Vec<(String, Option<String>)>,
    /// The rule as "figure, operator, target" when it is one comparison, so
    /// a note can say what was seen, the target and the gap in words.
    pub comparison: Option<Comparison>,
}

/// A rule of the form `figure op target` (one top-level comparison).
pub struct Comparison {
    /// The figure's expression as written (`metrics.active_rate`).
    pub figure: String,
    /// The operator: `>=`, `>`, `<=`, `<` or `==`.
    pub op: &'static str,
    figure_expr: Expression<'static, 'static>,
    target_expr: Expression<'static, 'static>,
}

impl Comparison {
    /// Splits `source` at its one top-level comparison operator (outside
    /// quotes and brackets, in a rule without `and` / `or` at the top).
    fn parse(source: &str) -> Option<Comparison> {
        let bytes = source.as_bytes();
        let (mut depth, mut quote) = (0i32, None::<u8>);
        let mut found: Option<(usize, &'static str)> = None;
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            match (quote, b) {
                (Some(q), _) if b == q => quote = None,
                (Some(_), _) => {}
                (None, b'\'' | b'"') => quote = Some(b),
                (None, b'(' | b'[' | b'{') => depth += 1,
                (None, b')' | b']' | b'}') => depth -= 1,
                (None, b'>' | b'<' | b'=' | b'!') if depth == 0 => {
                    let two = bytes.get(i + 1) == Some(&b'=');
                    let op = match (b, two) {
                        (b'>', true) => ">=",
                        (b'<', true) => "<=",
                        (b'=', true) => "==",
                        (b'!', true) => return None,
                        (b'>', false) => ">",
                        (b'<', false) => "<",
                        _ => return None,
                    };
                    if found.is_some() {
                        return None;
                    }
                    found = Some((i, op));
                    i += op.len();
                    continue;
                }
                _ => {}
            }
            i += 1;
        }
        let (at, op) = found?;
        let (figure, target) = (source[..at].trim(), source[at + op.len()..].trim());
        let top_level_logic = |t: &str| {
            t.split_whitespace()
                .any(|w| matches!(w, "and" | "or" | "not" | "in"))
        };
        if top_level_logic(figure) || top_level_logic(target) {
            return None;
        }
        let env = rule_env();
        Some(Comparison {
            figure: figure.to_string(),
            op,
            figure_expr: env.compile_expression_owned(figure.to_string()).ok()?,
            target_expr: env.compile_expression_owned(target.to_string()).ok()?,
        })
    }

    /// The figure's and the target's values in `ctx`, when both are numbers.
    pub fn values(&self, ctx: &Value) -> Option<(f64, f64)> {
        let num = |e: &Expression| e.eval(ctx.clone()).ok().and_then(|v| f64::try_from(v).ok());
        Some((num(&self.figure_expr)?, num(&self.target_expr)?))
    }
}

impl std::fmt::Debug for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rule")
            .field("source", &self.source)
            .finish()
    }
}

impl Rule {
    /// Compiles `source`; the error text says what is wrong with the syntax.
    pub fn compile(source: &str) -> Result<Rule, String> {
        if source.trim().is_empty() {
            return Err("the expression is empty".into());
        }
        crate::input::nesting::expression(source)?;
        let expr = rule_env()
            .compile_expression_owned(source.to_string())
            .map_err(|e| {
                let detail = e.detail().map(|d| format!(": {d}")).unwrap_or_default();
                format!("`{source}` does not compile ({}{detail})", e.kind())
            })?;
        let mut vars: Vec<(String, Option<String>)> = expr
            .undeclared_variables(true)
            .into_iter()
            .map(|v| {
                let mut parts = v.splitn(3, '.');
                let root = parts.next().unwrap_or_default().to_string();
                (root, parts.next().map(str::to_string))
            })
            .collect();
        vars.sort();
        vars.dedup();
        // "touchpoint" alone is listed next to "touchpoint.x"; keep the precise ones.
        let precise: Vec<String> = vars
            .iter()
            .filter(|(_, f)| f.is_some())
            .map(|(r, _)| r.clone())
            .collect();
        vars.retain(|(r, f)| f.is_some() || !precise.contains(r));
        Ok(Rule {
            source: source.to_string(),
            expr,
            vars,
            comparison: Comparison::parse(source),
        })
    }

    /// Evaluates against `ctx` (a map with touchpoint, metrics, params).
    pub fn eval(&self, ctx: &Value) -> Result<bool, String> {
        self.expr
            .eval(ctx.clone())
            .map(|v| v.is_true())
            .map_err(|e| {
                let detail = e.detail().map(|d| format!(": {d}")).unwrap_or_default();
                format!("{}{detail}", e.kind())
            })
    }
}

/// Looks a variable path up in a context; `None` when absent or none.
pub fn lookup(ctx: &Value, root: &str, field: Option<&str>) -> Option<Value> {
    let v = ctx.get_attr(root).ok().filter(|v| !v.is_undefined())?;
    let v = match field {
        Some(f) => v.get_attr(f).ok()?,
        None => v,
    };
    (!v.is_undefined() && !v.is_none()).then_some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_the_fields_it_reads() {
        let r =
            Rule::compile("touchpoint.personalized and metrics.active_rate > params.x").unwrap();
        assert_eq!(
            r.vars,
            vec![
                ("metrics".into(), Some("active_rate".into())),
                ("params".into(), Some("x".into())),
                ("touchpoint".into(), Some("personalized".into())),
            ]
        );
    }

    #[test]
    fn syntax_errors_are_reported() {
        assert!(Rule::compile("touchpoint.spend >").is_err());
        assert!(Rule::compile("").is_err());
    }

    #[test]
    fn endless_work_runs_out_of_fuel() {
        let r = Rule::compile("range(100000) | map('string') | join | length > 0").unwrap();
        assert!(r.eval(&Value::from(())).is_err());
    }
}
