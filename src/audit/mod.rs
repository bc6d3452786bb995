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
use crate::error::{Code, Diagnostic, Error, Problems, Result};
use crate::input::{self, Config, InputPaths};
use crate::model::{Dataset, Day};
use crate::score::{self, Scores};

/// Customer rows per Customers sheet: Excel's 1,048,576 rows less the header.
pub const CUSTOMER_ROWS_PER_SHEET: usize = 1_048_575;

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
    /// All warnings (inputs, analytics, scoring), each once.
    pub warnings: Vec<Diagnostic>,
}

/// Loads the checklist the user chose (or the built-in default).
pub fn load_checklist(opts: &AuditOptions, cfg: &Config) -> Result<Checklist> {
    match (&opts.checklist, &cfg.checklist) {
        (Some(p), _) => Checklist::load(p),
        (None, Some(p)) => Checklist::load(&cfg.dir.join(p)),
        (None, None) => Checklist::builtin(),
    }
}

/// Reads, validates and prepares everything short of analysing (used by
/// `check`). Every stage runs whatever the one before found — a config typo
/// does not hide the checklist's, the cells' or the waivers' problems — and
/// all problems are reported together, grouped by file.
pub fn prepare(opts: &AuditOptions) -> Result<(Config, Checklist, Dataset, Params)> {
    // One list per stage, joined at the end in the order a user fixes them:
    // audit.yaml, the checklist, then the input files.
    let (cfg, mut config) = input::load_config(&opts.paths)?;
    let mut rules = Problems::default();
    let mut inputs = Problems::default();
    let checklist = collect(load_checklist(opts, &cfg), &mut rules)?;
    let params = match &checklist {
        Some(c) => collect(
            Params::resolve(
                &c.params,
                &[
                    ("audit.yaml params", cfg.params.clone()),
                    ("--param", opts.params.clone()),
                ],
            ),
            &mut config,
        )?,
        None => None,
    };
    let (dataset, spend_extras) = input::load_dataset_with_extras(&opts.paths, &cfg);
    let mut dataset = collect(dataset, &mut inputs)?;
    if let Some(d) = dataset.as_mut()
        && let Err(p) = input::placeholders::remove(d)
    {
        inputs.extend(p);
    }
    if let (Some(c), Some(extras)) = (&checklist, &spend_extras) {
        collect(c.check_against(extras), &mut rules)?;
    }
    if let Some(c) = &checklist {
        collect(
            crate::score::check_waivers(dataset.as_ref(), c, &cfg),
            &mut config,
        )?;
    }
    let mut problems = config;
    problems.extend(rules);
    problems.extend(inputs);
    problems.group_by_file();
    problems.into_result()?;
    match (checklist, dataset, params) {
        (Some(c), Some(d), Some(p)) => Ok((cfg, c, d, p)),
        // Every stage without a result recorded a problem, so this is not reached.
        _ => Err(Error::Failed("the inputs could not be prepared".into())),
    }
}

/// A warning when the spend sheet's periods cover more days than the audited
/// period (`period_days`): its spend is then summed over the longer span.
fn spend_span_warning(ds: &Dataset, analysis: &Analysis) -> Option<Diagnostic> {
    let (first, last) = ds.spend_span?;
    let days = last.0 - first.0 + 1;
    let period = analysis.params.period_days;
    (f64::from(days) > period).then(|| {
        let message = format!(
            "the spend sheet's periods run from {first} to {last} ({days} days), longer than the audited period of {period} days (`period_days`); the spend of every period was summed"
        );
        match ds.inputs.iter().find(|i| i.role == "spend") {
            Some(i) => {
                let path = std::path::Path::new(&i.path);
                let at = if i.sheet.is_empty() {
                    crate::error::Location::file(path)
                } else {
                    crate::error::Location::sheet(&crate::error::display_name(path), &i.sheet)
                };
                Diagnostic::at(Code::SpendPeriodLonger, at, message)
            }
            None => Diagnostic::new(Code::SpendPeriodLonger, message),
        }
    })
}

/// A stage's result, its problems moved into `problems` (`None` then); any
/// other error stops the run.
fn collect<T>(r: Result<T>, problems: &mut Problems) -> Result<Option<T>> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(Error::Problems(p)) => {
            problems.extend(p);
            Ok(None)
        }
        Err(e) => Err(e),
    }
}

/// Runs the audit.
pub fn run(opts: &AuditOptions) -> Result<Audit> {
    let (cfg, checklist, dataset, mut params) = prepare(opts)?;
    let label = opts.period.clone().or_else(|| cfg.period.clone());
    let explicit = opts
        .params
        .get("period_days")
        .or_else(|| cfg.params.get("period_days"))
        .copied();
    let (period, period_warning) =
        analytics::resolve_period(label.as_deref(), explicit, params.period_days);
    params.period_days = f64::from(period.days);
    let as_of = match (
        opts.as_of,
        cfg.as_of.as_deref().and_then(input::config::parse_iso),
    ) {
        (Some(d), _) => Some((d, AsOfSource::CommandLine)),
        (None, Some(d)) => Some((d, AsOfSource::Config)),
        _ => None,
    };
    let mut analysis = analytics::analyse(
        &dataset,
        &params,
        &checklist.defection_keywords,
        &checklist.rfm_segments,
        as_of,
    )?;
    analysis.period = period;
    analysis.warnings.extend(period_warning);
    let scores = score::score(&dataset, &analysis, &checklist, &cfg.waivers)?;
    let mut warnings = dataset.warnings.clone();
    if let Some(w) = spend_span_warning(&dataset, &analysis) {
        warnings.push(w);
    }
    let per_sheet = CUSTOMER_ROWS_PER_SHEET;
    if dataset.customers.len() > per_sheet {
        warnings.push(Diagnostic::new(
            Code::CustomersSplit,
            format!(
                "{} customers exceed Excel's {per_sheet} data rows per sheet; the Customers sheet continues on \"Customers (2)\"…",
                dataset.customers.len()
            ),
        ));
    }
    warnings.extend(analysis.warnings.iter().cloned());
    warnings.extend(scores.warnings.iter().cloned());
    // A rule that errs does so for every touchpoint: say it once.
    let mut seen = std::collections::HashSet::new();
    warnings.retain(|w| seen.insert(w.to_string()));
    let dir_name = opts
        .paths
        .dir
        .as_ref()
        .and_then(|d| d.canonicalize().ok().or_else(|| Some(d.clone())))
        .and_then(|d| d.file_name().map(|n| n.to_string_lossy().to_string()));
    let template_client = cfg.client.as_deref() == Some(input::placeholders::CLIENT);
    if template_client && opts.client.is_none() {
        warnings.push(Diagnostic::new(
            crate::error::Code::TemplateClient,
            format!(
                "audit.yaml still names the client \"{}\", the template's example; the folder name is used instead",
                input::placeholders::CLIENT
            ),
        ));
    }
    let client = opts
        .client
        .clone()
        .or_else(|| cfg.client.clone().filter(|_| !template_client))
        .or(dir_name)
        .unwrap_or_else(|| "Client".into());
    let period = label.unwrap_or_else(|| format!("to {}", analysis.as_of));
    let changes = match &opts.previous {
        Some(p) => {
            let prev = PreviousAudit::load(p)?;
            let renamed = cfg.renamed_from.as_deref();
            if let Some(w) = prev.check_against(p, &client, renamed, analysis.as_of)? {
                warnings.push(Diagnostic::new(crate::error::Code::PreviousNotEarlier, w));
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
