//! The change since a previous audit: the previous audit.json read into a
//! typed [`PreviousAudit`], compared once into a typed [`Changes`] that every
//! renderer shows (JSON `changes`, summary.md, the Summary and Touchpoints sheets).

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::analytics::Metrics;
use crate::error::{Error, Result};
use crate::model::Day;
use crate::score::Scores;

/// The schema name of audit.json; bump the number when a key changes meaning.
pub const SCHEMA: &str = "mixaudit.audit/1";

/// Largest previous audit.json read for the change since the last audit.
const MAX_PREVIOUS_BYTES: u64 = 64 << 20;

/// Metrics compared across audits and shown as key figures.
pub const KEY_METRICS: &[&str] = &[
    "customers",
    "buyers",
    "active_customers",
    "active_rate",
    "churn_rate",
    "repeat_rate",
    "retention_rate",
    "new_customers",
    "high_value_at_risk",
    "overdue_contact",
    "nps",
    "spend_total",
    "retention_spend_share",
    "acquisition_cost_per_new_customer",
    "retention_spend_per_active_customer",
];

/// What a comparison needs of a previous audit.json (other keys are ignored,
/// so older and newer files of the same schema compare).
#[derive(Debug, Clone, Deserialize)]
pub struct PreviousAudit {
    /// Must be [`SCHEMA`].
    pub schema: String,
    /// The client it audited.
    #[serde(default)]
    pub client: Option<String>,
    /// Its audit date.
    #[serde(default)]
    pub as_of: Option<String>,
    /// Its period label.
    #[serde(default)]
    pub period: Option<String>,
    /// Its overall score.
    #[serde(default)]
    pub score: Option<f64>,
    /// Its P scores.
    #[serde(default)]
    pub ps: Vec<PreviousScore>,
    /// Its touchpoint scores.
    #[serde(default)]
    pub touchpoints: Vec<PreviousScore>,
    /// Its metrics, by name.
    #[serde(default)]
    pub metrics: BTreeMap<String, Value>,
}

/// One score of a previous audit: a P (`p`) or a touchpoint (`name`).
#[derive(Debug, Clone, Deserialize)]
pub struct PreviousScore {
    /// The P key, for a P.
    #[serde(default)]
    pub p: Option<String>,
    /// The touchpoint name, for a touchpoint.
    #[serde(default)]
    pub name: Option<String>,
    /// The score (null when not assessed).
    #[serde(default)]
    pub score: Option<f64>,
}

impl PreviousAudit {
    /// Reads and checks a previous audit.json; a file that is not one is a usage error.
    pub fn load(path: &Path) -> Result<PreviousAudit> {
        Self::read(path)
    }

    /// Checks that this previous audit may be compared with an audit of
    /// `client` as of `as_of`: another client is a usage error (a change
    /// between two businesses means nothing); a previous audit that is not
    /// earlier is allowed, with the warning returned.
    ///
    /// Names match when they agree ignoring case, spaces and punctuation
    /// ("Nordlys ApS" = "nordlys-aps"); a client renamed since names its old
    /// name in audit.yaml `renamed_from`, which matches too. A previous
    /// audit.json without a client name is accepted (nothing to compare).
    pub fn check_against(
        &self,
        path: &Path,
        client: &str,
        renamed_from: Option<&str>,
        as_of: Day,
    ) -> Result<Option<String>> {
        if let Some(before) = self.client.as_deref() {
            let same = |name: &str| client_key(name) == client_key(before);
            if !same(client) && !renamed_from.is_some_and(same) {
                return Err(Error::Usage(format!(
                    "{}: the previous audit is of \"{before}\", this one of \"{client}\"; a change between two clients means nothing (if the client was renamed, put `renamed_from: \"{before}\"` in its audit.yaml)",
                    path.display()
                )));
            }
        }
        let before = self
            .as_of
            .as_deref()
            .and_then(crate::input::config::parse_iso);
        Ok(before.filter(|b| *b >= as_of).map(|before| {
            format!(
                "the previous audit is as of {before}, not earlier than this audit ({as_of}): the change since the previous audit may run backwards"
            )
        }))
    }

    fn read(path: &Path) -> Result<PreviousAudit> {
        let text = crate::input::guard::read_text_capped(path, MAX_PREVIOUS_BYTES)
            .map_err(Error::problem)?;
        let schema = serde_json::from_str::<Value>(&text)
            .map_err(|e| Error::Usage(format!("{}: not an audit.json ({e})", path.display())))?
            .get("schema")
            .and_then(Value::as_str)
            .map(str::to_owned);
        if schema.as_deref() != Some(SCHEMA) {
            return Err(Error::Usage(format!(
                "{}: not a mixaudit audit.json (schema {SCHEMA})",
                path.display()
            )));
        }
        serde_json::from_str(&text)
            .map_err(|e| Error::Usage(format!("{}: not an audit.json ({e})", path.display())))
    }
}

/// A client name reduced to what identifies it: lower case letters and
/// digits only, so case, spacing and punctuation never decide a match.
fn client_key(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// A figure now and before, and the change (when both exist).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Delta {
    /// This audit's value.
    pub now: Option<f64>,
    /// The previous audit's value.
    pub before: Option<f64>,
    /// now − before.
    pub change: Option<f64>,
}

impl Delta {
    fn new(now: Option<f64>, before: Option<f64>) -> Delta {
        Delta {
            now,
            before,
            change: now.zip(before).map(|(a, b)| a - b),
        }
    }
}

/// The change of one P's score.
#[derive(Debug, Clone, Serialize)]
pub struct PChange {
    /// Now, before, change.
    #[serde(flatten)]
    pub delta: Delta,
    /// The P key.
    pub p: &'static str,
}

/// The change of one touchpoint's score.
#[derive(Debug, Clone, Serialize)]
pub struct TouchpointChange {
    /// Now, before, change.
    #[serde(flatten)]
    pub delta: Delta,
    /// The touchpoint name.
    pub name: String,
    /// True when the previous audit did not have it.
    pub new: bool,
}

/// Change since a previous audit: overall, per P, per touchpoint (in this
/// audit's order), per key metric.
#[derive(Debug, Clone, Serialize)]
pub struct Changes {
    /// The previous audit's date.
    pub previous_as_of: Option<String>,
    /// The previous audit's period label.
    pub previous_period: Option<String>,
    /// The overall score.
    pub score: Delta,
    /// One per P, in this audit's order.
    pub ps: Vec<PChange>,
    /// One per touchpoint, in this audit's order.
    pub touchpoints: Vec<TouchpointChange>,
    /// The [`KEY_METRICS`], in that order (a JSON object by name).
    #[serde(serialize_with = "as_map")]
    pub metrics: Vec<(&'static str, Delta)>,
}

fn as_map<S: serde::Serializer>(
    v: &[(&'static str, Delta)],
    s: S,
) -> std::result::Result<S::Ok, S::Error> {
    s.collect_map(v.iter().map(|(k, d)| (k, d)))
}

impl Changes {
    /// Compares this audit's scores and metrics with a previous audit.
    pub fn between(scores: &Scores, metrics: &Metrics, prev: &PreviousAudit) -> Changes {
        let ps = scores
            .ps
            .iter()
            .map(|p| {
                let before = prev.ps.iter().find(|q| q.p.as_deref() == Some(p.p.key()));
                PChange {
                    delta: Delta::new(p.score, before.and_then(|b| b.score)),
                    p: p.p.key(),
                }
            })
            .collect();
        let touchpoints = scores
            .touchpoints
            .iter()
            .map(|t| {
                let before = prev
                    .touchpoints
                    .iter()
                    .find(|q| q.name.as_deref() == Some(t.name.as_str()));
                TouchpointChange {
                    delta: Delta::new(t.score, before.and_then(|b| b.score)),
                    name: t.name.clone(),
                    new: before.is_none(),
                }
            })
            .collect();
        let now = serde_json::to_value(metrics).unwrap_or(Value::Null);
        let metrics = KEY_METRICS
            .iter()
            .map(|k| {
                let d = Delta::new(
                    now.get(*k).and_then(Value::as_f64),
                    prev.metrics.get(*k).and_then(Value::as_f64),
                );
                (*k, d)
            })
            .collect();
        Changes {
            previous_as_of: prev.as_of.clone(),
            previous_period: prev.period.clone(),
            score: Delta::new(scores.score, prev.score),
            ps,
            touchpoints,
            metrics,
        }
    }
}
