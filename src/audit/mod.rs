//! One client's audit from folder to result: load config and checklist, read
//! the inputs, analyse, score. Reports are rendered from the returned [`Audit`].

mod changes;

mod portfolio;

pub use changes::{Changes, Delta, KEY_METRICS, PChange, PreviousAudit, SCHEMA, TouchpointChange};
pub use portfolio::{ClientMetrics, ClientP, ClientSummary, Failure, PORTFOLIO_SCHEMA, Portfolio};

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::analytics::{self, Analysis, AsOfSource, Params};
use crate::checklist::Checklist;
use crate::error::Result;
use crate::input::{self, Config, InputPaths};
use crate::model::{Dataset, Day};
use crate::score::{self, Scores};

/// Customer rows per Customers sheet: Excel's 1,048,576 rows less the header.
pub const CUSTOMER_ROWS_PER_SHEET: usize = 1_048_575;
/// Above this many customers the Customers sheet keeps its autofilter but is
/// not an Excel table (rust_xlsxwriter holds every table cell in memory).
pub const CUSTOMER_TABLE_ROWS: usize = 100_000;

/// What the user asked for (command line, already parsed).
#[derive(Debug, Clone, Default)]
pub struct AuditOptions {
    /// Where the inputs are.
    pub paths: InputPaths,
    /// Checklist file (default: the built-in one).
    pub checklist: Option<PathBuf>,
    /// Client name override.
    pub client: Option<String>,
    /// Period label override.
    pub period: Option<String>,
    /// Audit date override.
    pub as_of: Option<Day>,
    /// `--param KEY=VALUE` overrides.
    pub params: BTreeMap<String, f64>,
    /// Previous audit.json to compare with.
    pub previous: Option<PathBuf>,
}

/// A finished audit: everything the reports show.
#[derive(Debug)]
pub struct Audit {
    /// Client name.
    pub client: String,
    /// Period label.
    pub period: String,
    /// The inputs.
    pub dataset: Dataset,
    /// The checklist used.
    pub checklist: Checklist,
    /// The analytics.
    pub analysis: Analysis,
    /// The scores.
    pub scores: Scores,
    /// Change since the previous audit.json, when one was given.
    pub changes: Option<Changes>,
    /// The config in force.
    pub config: Config,
    /// All warnings (inputs, analytics, scoring).
    pub warnings: Vec<String>,
}

/// Loads the checklist the user chose (or the built-in default).
pub fn load_checklist(opts: &AuditOptions, cfg: &Config) -> Result<Checklist> {
    match (&opts.checklist, &cfg.checklist) {
        (Some(p), _) => Checklist::load(p),
        (None, Some(p)) => Checklist::load(&cfg.dir.join(p)),
        (None, None) => Checklist::builtin(),
    }
}

/// Reads, validates and prepares everything short of analysing (used by `check`).
pub fn prepare(opts: &AuditOptions) -> Result<(Config, Checklist, Dataset, Params)> {
    let cfg = input::load_config(&opts.paths)?;
    let checklist = load_checklist(opts, &cfg)?;
    let params = Params::resolve(
        &checklist.params,
        &[
            ("audit.yaml params", cfg.params.clone()),
            ("--param", opts.params.clone()),
        ],
    )?;
    let dataset = input::load_dataset(&opts.paths, &cfg)?;
    checklist.check_against(&dataset.spend_extras)?;
    crate::score::check_waivers(&dataset, &checklist, &cfg)?;
    Ok((cfg, checklist, dataset, params))
}

/// Runs the audit.
pub fn run(opts: &AuditOptions) -> Result<Audit> {
    let (cfg, checklist, dataset, params) = prepare(opts)?;
    let as_of = match (
        opts.as_of,
        cfg.as_of.as_deref().and_then(input::config::parse_iso),
    ) {
        (Some(d), _) => Some((d, AsOfSource::CommandLine)),
        (None, Some(d)) => Some((d, AsOfSource::Config)),
        _ => None,
    };
    let analysis = analytics::analyse(
        &dataset,
        &params,
        &checklist.defection_keywords,
        &checklist.rfm_segments,
        as_of,
    )?;
    let scores = score::score(&dataset, &analysis, &checklist, &cfg.waivers)?;
    let mut warnings = dataset.warnings.clone();
    let per_sheet = CUSTOMER_ROWS_PER_SHEET;
    if dataset.customers.len() > per_sheet {
        warnings.push(format!(
            "{} customers exceed Excel's {per_sheet} data rows per sheet; the Customers sheet continues on \"Customers (2)\"…",
            dataset.customers.len()
        ));
    }
    if dataset.customers.len() > CUSTOMER_TABLE_ROWS {
        warnings.push(format!(
            "the Customers sheet has an autofilter but is not an Excel table above {} customers (tables cost memory per cell)",
            CUSTOMER_TABLE_ROWS
        ));
    }
    warnings.extend(analysis.warnings.iter().cloned());
    warnings.extend(scores.warnings.iter().cloned());
    // A rule that errs does so for every touchpoint: say it once.
    let mut seen = std::collections::HashSet::new();
    warnings.retain(|w| seen.insert(w.clone()));
    let dir_name = opts
        .paths
        .dir
        .as_ref()
        .and_then(|d| d.canonicalize().ok().or_else(|| Some(d.clone())))
        .and_then(|d| d.file_name().map(|n| n.to_string_lossy().to_string()));
    let client = opts
        .client
        .clone()
        .or_else(|| cfg.client.clone())
        .or(dir_name)
        .unwrap_or_else(|| "Client".into());
    let period = opts
        .period
        .clone()
        .or_else(|| cfg.period.clone())
        .unwrap_or_else(|| format!("to {}", analysis.as_of));
    let changes = match &opts.previous {
        Some(p) => {
            let prev = PreviousAudit::load(p)?;
            let renamed = cfg.renamed_from.as_deref();
            if let Some(w) = prev.check_against(p, &client, renamed, analysis.as_of)? {
                warnings.push(w);
            }
            Some(Changes::between(&scores, &analysis.metrics, &prev))
        }
        None => None,
    };
    Ok(Audit {
        client,
        period,
        dataset,
        checklist,
        analysis,
        scores,
        changes,
        config: cfg,
        warnings,
    })
}
