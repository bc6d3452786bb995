//! The portfolio roll-up of many audits: what it keeps of each client's
//! audit.json (not the whole of it, so a batch of thousands of clients stays
//! small), the clients that failed, and the ranking. Batch and the
//! `portfolio` command build it; report/ renders it as JSON, Markdown and a
//! workbook.

use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::Number;

use crate::error::{Error, Result};

/// The portfolio schema name.
pub const PORTFOLIO_SCHEMA: &str = "mixaudit.portfolio/1";

/// One P's score in a client's audit.json.
#[derive(Debug, Clone, Deserialize)]
pub struct ClientP {
    /// The P key.
    pub p: String,
    /// Its score (null when not assessed).
    pub score: Option<f64>,
}

/// The key figures the roll-up compares across clients (numbers kept as
/// written, so integers stay integers).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ClientMetrics {
    /// Customers.
    pub customers: Option<Number>,
    /// Active buyers / buyers.
    pub active_rate: Option<Number>,
    /// Buyers with 2+ orders / buyers.
    pub repeat_rate: Option<Number>,
    /// Period-over-period retention (needs Orders).
    pub retention_rate: Option<Number>,
    /// Active, high-value, high-risk customers.
    pub high_value_at_risk: Option<Number>,
    /// Total spend.
    pub spend_total: Option<Number>,
    /// Retention spend / total spend.
    pub retention_spend_share: Option<Number>,
}

/// What the roll-up keeps of one client's audit.
#[derive(Debug, Clone)]
pub struct ClientSummary {
    /// The client's folder name (its output sub-folder).
    pub key: String,
    /// Client name.
    pub client: Option<String>,
    /// Period label.
    pub period: Option<String>,
    /// Audit date.
    pub as_of: Option<String>,
    /// Overall score.
    pub score: Option<f64>,
    /// Rating.
    pub rating: Option<String>,
    /// P scores, in the audit's order.
    pub ps: Vec<ClientP>,
    /// Number of findings.
    pub findings: usize,
    /// Key figures.
    pub metrics: ClientMetrics,
    /// The rating bands of the client's checklist (absent in older files).
    pub ratings: Option<crate::checklist::Ratings>,
    /// The currency of the client's amounts, when known.
    pub currency: Option<String>,
    /// The audit's warnings and notes, with their codes.
    pub diagnostics: Vec<crate::error::DiagnosticRecord>,
}

#[derive(Deserialize)]
struct ChecklistJson {
    ratings: Option<crate::checklist::Ratings>,
}

#[derive(Deserialize)]
struct AuditJson {
    schema: String,
    client: Option<String>,
    period: Option<String>,
    as_of: Option<String>,
    score: Option<f64>,
    rating: Option<String>,
    #[serde(default)]
    ps: Vec<ClientP>,
    #[serde(default)]
    findings: Vec<serde::de::IgnoredAny>,
    #[serde(default)]
    metrics: ClientMetrics,
    checklist: Option<ChecklistJson>,
    #[serde(default)]
    currency: Option<String>,
    #[serde(default)]
    diagnostics: Vec<crate::error::DiagnosticRecord>,
}

impl ClientSummary {
    /// Reads what the roll-up needs from an audit.json text.
    pub fn from_json(key: &str, text: &str) -> std::result::Result<ClientSummary, String> {
        let a: AuditJson = serde_json::from_str(text).map_err(|e| e.to_string())?;
        if a.schema != crate::audit::SCHEMA {
            return Err(format!(
                "schema {} is not {}",
                a.schema,
                crate::audit::SCHEMA
            ));
        }
        Ok(ClientSummary {
            key: key.to_string(),
            client: a.client,
            period: a.period,
            as_of: a.as_of,
            score: a.score,
            rating: a.rating,
            ps: a.ps,
            findings: a.findings.len(),
            metrics: a.metrics,
            ratings: a.checklist.and_then(|c| c.ratings),
            currency: a.currency,
            diagnostics: a.diagnostics,
        })
    }

    /// Reads `<dir>/audit.json`; the key is the folder name.
    pub fn load(dir: &Path) -> Result<ClientSummary> {
        let path = dir.join("audit.json");
        let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
        let key = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "client".into());
        ClientSummary::from_json(&key, &text).map_err(|e| {
            Error::Failed(format!(
                "{}: not a mixaudit audit.json ({e})",
                path.display()
            ))
        })
    }
}

impl Portfolio {
    /// The currency every client's amounts are in, when they share one
    /// (the spend column then shows it; mixed currencies show none).
    pub fn currency(&self) -> Option<&str> {
        let first = self.clients.first()?.currency.as_deref()?;
        self.clients
            .iter()
            .all(|c| c.currency.as_deref() == Some(first))
            .then_some(first)
    }

    /// The rating bands the heat-map colours by: the clients' own when they
    /// all share one set, else the default checklist's (green 75, amber 50);
    /// the flag says whether the clients agree.
    pub fn bands(&self) -> (crate::checklist::Ratings, bool) {
        let default = crate::checklist::Ratings {
            green: 75.0,
            amber: 50.0,
        };
        let mut seen = self.clients.iter().map(|c| c.ratings.unwrap_or(default));
        match seen.next() {
            None => (default, true),
            Some(first) => (first, seen.all(|r| r == first)),
        }
    }
}

/// A client that could not be audited, with the reason.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Failure {
    /// The client's folder name.
    pub key: String,
    /// What went wrong.
    pub error: String,
    /// The same as diagnostics with codes (not kept in portfolio.json).
    #[serde(skip)]
    pub diagnostics: Vec<crate::error::DiagnosticRecord>,
}

/// The roll-up: clients ranked by score (ties by key), failures by key.
#[derive(Debug, Clone)]
pub struct Portfolio {
    /// Clients, best score first; a client without a score last.
    pub clients: Vec<ClientSummary>,
    /// Mean of the clients' overall scores.
    pub mean_score: Option<f64>,
    /// Clients that failed, by key.
    pub failures: Vec<Failure>,
}

impl Portfolio {
    /// Ranks the clients and sorts the failures.
    pub fn new(mut clients: Vec<ClientSummary>, mut failures: Vec<Failure>) -> Portfolio {
        clients.sort_by(|a, b| {
            let (x, y) = (a.score.unwrap_or(-1.0), b.score.unwrap_or(-1.0));
            y.total_cmp(&x).then_with(|| a.key.cmp(&b.key))
        });
        let scores: Vec<f64> = clients.iter().filter_map(|c| c.score).collect();
        let mean_score =
            (!scores.is_empty()).then(|| scores.iter().sum::<f64>() / scores.len() as f64);
        failures.sort_by(|a, b| a.key.cmp(&b.key));
        Portfolio {
            clients,
            mean_score,
            failures,
        }
    }
}
