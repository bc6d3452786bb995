//! The parameters of the retention definitions (SPEC §4), typed and resolved
//! once: the analytics defaults, then the checklist's `params`, then
//! audit.yaml, then `--param` (later wins). Analytics read fields, never names,
//! so a misspelt parameter is a compile error; the names exist only at the
//! edges (YAML, command line, rule context).

use std::collections::BTreeMap;

use crate::error::{Error, Result};

/// Longest day-count parameter accepted (a century); keeps date arithmetic far from overflow.
pub const MAX_DAYS: f64 = 36_500.0;

/// Longest customer-value horizon accepted, in months (a century, like [`MAX_DAYS`]).
pub const MAX_CLV_MONTHS: f64 = 1_200.0;

macro_rules! params {
    ($( $(#[doc = $doc:literal])* $field:ident: $default:expr, days: $days:literal; )*) => {
        /// Parameters in force for one audit.
        #[derive(Debug, Clone, PartialEq)]
        pub struct Params {
            $( $(#[doc = $doc])* pub $field: f64, )*
            /// Parameters a checklist declares for its own rules (not read by the analytics).
            pub custom: BTreeMap<String, f64>,
        }

        /// Every analytics parameter with its default, in declaration order.
        pub const DEFAULTS: &[(&str, f64)] = &[ $( (stringify!($field), $default), )* ];

        /// Whether an analytics parameter counts days (and is bounded by [`MAX_DAYS`]).
        fn counts_days(name: &str) -> bool {
            match name {
                $( stringify!($field) => $days, )*
                _ => false,
            }
        }

        impl Default for Params {
            fn default() -> Self {
                Params { $( $field: $default, )* custom: BTreeMap::new() }
            }
        }

        impl Params {
            /// Sets a parameter by name; false when the name is not an analytics parameter.
            fn set_known(&mut self, name: &str, value: f64) -> bool {
                match name {
                    $( stringify!($field) => self.$field = value, )*
                    _ => return false,
                }
                true
            }

            /// Every parameter by name (analytics and custom), for rules and reports.
            pub fn all(&self) -> BTreeMap<String, f64> {
                let mut m = self.custom.clone();
                $( m.insert(stringify!($field).to_string(), self.$field); )*
                m
            }
        }
    };
}

params! {
    /// A customer who bought within this many days of as_of is active.
    active_days: 365.0, days: true;
    /// Length of the audited period in days, when no period label says otherwise.
    period_days: 90.0, days: true;
    /// Longest gap since the last contact before a customer is overdue.
    max_contact_gap_days: 90.0, days: true;
    /// Days since the last purchase that count as a risk sign.
    risk_recency_days: 180.0, days: true;
    /// Lowest satisfaction (0–10) of a promoter.
    promoter_min: 9.0, days: false;
    /// Highest satisfaction (0–10) of a detractor.
    detractor_max: 6.0, days: false;
    /// Cumulative revenue share that the high-value tier covers.
    value_high_share: 0.80, days: false;
    /// Cumulative revenue share that the high and medium tiers cover.
    value_medium_share: 0.95, days: false;
    /// Horizon of customer lifetime value and expected purchases, in 30-day months.
    clv_months: 12.0, days: false;
    /// Monthly discount rate applied to future purchases in customer lifetime value.
    clv_discount_rate: 0.01, days: false;
    /// Below this probability of still being a customer, an active buyer counts as likely lost.
    alive_threshold: 0.5, days: false;
    /// L2 penalty of the purchase model's fit (the lifetimes package's `penalizer_coef`); 0 is plain maximum likelihood.
    clv_penalizer: 0.0, days: false;
    /// Fewest customers (or answers) a rate is computed over before it is judged; below, it is low-sample.
    min_sample: 30.0, days: false;
}

impl Params {
    /// Resolves the parameters: the defaults, then the checklist's declared
    /// values, then each override in order. An override of a name neither the
    /// analytics nor the checklist declares is an error (a typo would
    /// otherwise do nothing): a usage error when it came from `--param`.
    pub fn resolve(
        declared: &BTreeMap<String, f64>,
        overrides: &[(&str, BTreeMap<String, f64>)],
    ) -> Result<Params> {
        let mut p = Params::default();
        for (k, v) in declared {
            check_range(k, *v).map_err(Error::Failed)?;
            if !p.set_known(k, *v) {
                p.custom.insert(k.clone(), *v);
            }
        }
        for (origin, map) in overrides {
            let err = |msg: String| {
                let msg = format!("{origin}: {msg}");
                if *origin == "--param" {
                    Error::Usage(msg)
                } else {
                    Error::Failed(msg)
                }
            };
            for (k, v) in map {
                if !v.is_finite() {
                    return Err(err(format!("parameter `{k}` must be a number")));
                }
                check_range(k, *v).map_err(err)?;
                if p.set_known(k, *v) {
                    continue;
                }
                match p.custom.get_mut(k) {
                    Some(slot) => *slot = *v,
                    None => {
                        let mut names: Vec<&str> = DEFAULTS.iter().map(|(n, _)| *n).collect();
                        names.extend(declared.keys().map(String::as_str));
                        names.sort_unstable();
                        names.dedup();
                        return Err(err(format!(
                            "unknown parameter `{k}`; the checklist declares {}",
                            names.join(", ")
                        )));
                    }
                }
            }
        }
        Ok(p)
    }
}

/// Day counts must stay within [`MAX_DAYS`].
fn check_range(name: &str, value: f64) -> std::result::Result<(), String> {
    if counts_days(name) && !(0.0..=MAX_DAYS).contains(&value) {
        return Err(format!(
            "parameter `{name}` must be between 0 and {MAX_DAYS} days"
        ));
    }
    // The value horizon is a whole number of months (each one evaluates the
    // purchase model), so it is bounded like the day counts.
    if name == "clv_months" && !(value.fract() == 0.0 && (1.0..=MAX_CLV_MONTHS).contains(&value)) {
        return Err(format!(
            "parameter `{name}` must be a whole number of months from 1 to {MAX_CLV_MONTHS}"
        ));
    }
    if name == "clv_penalizer" && !(0.0..=1.0).contains(&value) {
        return Err(format!("parameter `{name}` must be between 0 and 1"));
    }
    let fraction = matches!(name, "clv_discount_rate" | "alive_threshold");
    if fraction && !(0.0..=1.0).contains(&value) {
        return Err(format!("parameter `{name}` must be between 0 and 1"));
    }
    Ok(())
}

/// A day-count parameter as whole days.
pub fn days(value: f64) -> i32 {
    value.round() as i32
}
