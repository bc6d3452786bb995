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
