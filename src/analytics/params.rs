//! The parameters of the retention definitions, resolved from the checklist
//! defaults, audit.yaml and `--param` (later wins).

use std::collections::BTreeMap;

use crate::error::{Error, Result};

/// Longest day-count parameter accepted (a century); keeps date arithmetic far from overflow.
pub const MAX_DAYS: f64 = 36_500.0;

/// Parameters in force for one audit (all of them, including custom ones).
#[derive(Debug, Clone, PartialEq)]
pub struct Params {
    /// Every parameter by name.
    pub values: BTreeMap<String, f64>,
}

impl Params {
    /// Merges overrides into the checklist's declared parameters; an override
    /// of an undeclared name is an error (a typo would otherwise do nothing).
    pub fn resolve(
        declared: &BTreeMap<String, f64>,
        overrides: &[(&str, BTreeMap<String, f64>)],
    ) -> Result<Params> {
        let mut values = declared.clone();
        for (origin, map) in overrides {
            for (k, v) in map {
                if !values.contains_key(k) {
                    let names: Vec<&str> = declared.keys().map(String::as_str).collect();
                    return Err(Error::Usage(format!(
                        "{origin}: unknown parameter `{k}`; the checklist declares {}",
                        names.join(", ")
                    )));
                }
                if !v.is_finite() {
                    return Err(Error::Usage(format!(
                        "{origin}: parameter `{k}` must be a number"
                    )));
                }
                values.insert(k.clone(), *v);
            }
        }
        for k in [
            "active_days",
            "period_days",
            "max_contact_gap_days",
            "risk_recency_days",
        ] {
            if values.get(k).is_some_and(|v| !(0.0..=MAX_DAYS).contains(v)) {
                return Err(Error::Usage(format!(
                    "parameter `{k}` must be between 0 and {MAX_DAYS} days"
                )));
            }
        }
        Ok(Params { values })
    }

    /// A parameter's value (0 when absent; the checklist loader adds the defaults).
    pub fn get(&self, name: &str) -> f64 {
        self.values.get(name).copied().unwrap_or(0.0)
    }

    /// A day-count parameter.
    pub fn days(&self, name: &str) -> i32 {
        self.get(name).round() as i32
    }
}
