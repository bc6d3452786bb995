//! The command-line arguments of each command (clap derive), and how they
//! become the library's option structs.

use std::collections::BTreeMap;
use std::path::PathBuf;

use clap::Args;

use crate::audit::AuditOptions;
use crate::batch::BatchOptions;
use crate::input::InputPaths;
use crate::input::config::parse_iso;
use crate::model::Day;

/// Output settings every command accepts (before or after the command name).
#[derive(Debug, Clone, Args)]
pub struct GlobalArgs {
    /// Print only errors: no warnings, progress or results.
    #[arg(
        long,
        short,
        global = true,
        conflicts_with = "verbose",
        help_heading = "Terminal"
    )]
    pub quiet: bool,
    /// Also say what was read: files, sheets, header rows, columns mapped to fields.
    #[arg(long, short, global = true, help_heading = "Terminal")]
    pub verbose: bool,
    /// Colour the terminal output: auto (on terminals, unless NO_COLOR is set), always or never.
    #[arg(
        long,
        value_name = "WHEN",
        global = true,
        value_enum,
        default_value_t = super::term::ColorWhen::Auto,
        hide_possible_values = true,
        help_heading = "Terminal"
    )]
    pub color: super::term::ColorWhen,
}

/// Where the inputs are and how to read them.
#[derive(Debug, Clone, Args)]
pub struct InputArgs {
    /// Client folder holding customers.* and spend.* (and optionally audit.yaml).
    pub dir: Option<PathBuf>,
    /// Customers file.
    #[arg(long, value_name = "FILE")]
    pub customers: Option<PathBuf>,
    /// Spend file.
    #[arg(long, value_name = "FILE")]
    pub spend: Option<PathBuf>,
    #[command(flatten)]
    /// Checklist and parameters.
    pub rules: RuleArgs,
    /// audit.yaml (default: the one next to the inputs).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

/// The checklist and its parameter overrides (shared by every auditing command).
#[derive(Debug, Clone, Args)]
pub struct RuleArgs {
    /// Checklist YAML (default: the built-in retention-7p checklist).
    #[arg(long, value_name = "FILE")]
    pub checklist: Option<PathBuf>,
    /// Override a checklist parameter, e.g. --param active_days=180 (repeatable).
    #[arg(long = "param", value_name = "KEY=VALUE", value_parser = parse_param)]
    pub params: Vec<(String, f64)>,
}

/// Options shared by `audit` and `batch`.
#[derive(Debug, Clone, Args)]
pub struct RunArgs {
    /// Output folder.
    #[arg(long, value_name = "DIR", default_value = "mixaudit-out")]
    pub out: PathBuf,
    /// Period label, e.g. "2026 Q2".
    #[arg(long, value_name = "LABEL")]
    pub period: Option<String>,
    /// Audit date (default: audit.yaml, else the latest purchase in the data).
    #[arg(long, value_name = "DATE", value_parser = parse_date_arg)]
    pub as_of: Option<Day>,
    /// Markdown template for summary.md.
    #[arg(long, value_name = "FILE")]
    pub template: Option<PathBuf>,
    /// HTML template for report.html (default: the built-in one).
    #[arg(long, value_name = "FILE")]
    pub html_template: Option<PathBuf>,
    /// Exit with code 3 when the overall score is below this.
    #[arg(long, value_name = "SCORE")]
    pub fail_under: Option<f64>,
}

/// `mixaudit audit`.
#[derive(Debug, Clone, Args)]
pub struct AuditArgs {
    #[command(flatten)]
    /// Inputs.
    pub input: InputArgs,
    #[command(flatten)]
    /// Run options.
    pub run: RunArgs,
    /// Client name for the reports.
    #[arg(long, value_name = "NAME")]
    pub client: Option<String>,
    /// A previous audit.json to compare with.
    #[arg(long, value_name = "FILE")]
    pub previous: Option<PathBuf>,
    /// Print audit.json to stdout.
    #[arg(long)]
    pub json: bool,
    /// Also write report.pdf (needs a headless Chromium on PATH).
    #[arg(long)]
    pub pdf: bool,
    /// On failure, print the problems as JSON on stdout (used by `batch`
    /// for its child audits, so their diagnostics keep their codes).
    #[arg(long, hide = true)]
    pub error_json: bool,
}

/// `mixaudit check`.
#[derive(Debug, Clone, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    /// Inputs.
    pub input: InputArgs,
    /// Print the result and every diagnostic as JSON on stdout.
    #[arg(long)]
    pub json: bool,
}

/// `mixaudit batch`.
#[derive(Debug, Clone, Args)]
pub struct BatchArgs {
    /// Folders holding client folders (or client folders themselves).
    #[arg(required = true)]
    pub dirs: Vec<PathBuf>,
    #[command(flatten)]
    /// Run options.
    pub run: RunArgs,
    #[command(flatten)]
    /// Checklist and parameters for every client.
    pub rules: RuleArgs,
    /// Parallel jobs (default: number of cores).
    #[arg(long, value_name = "N")]
    pub jobs: Option<usize>,
    /// Only this shard of the clients: K/N (K from 1), a stable split by client name.
    #[arg(long, value_name = "K/N", value_parser = parse_shard)]
    pub shard: Option<(u64, u64)>,
    /// Folder of a previous batch output: each client is compared with its audit.json there.
    #[arg(long, value_name = "DIR")]
    pub previous_dir: Option<PathBuf>,
    /// Stop a client's audit after this many seconds and report it as failed.
    #[arg(long, value_name = "SECONDS", default_value_t = 600, value_parser = clap::value_parser!(u64).range(1..))]
    pub client_timeout: u64,
    /// Print each client's status, score and diagnostics as JSON on stdout.
    #[arg(long)]
    pub json: bool,
}

/// `mixaudit portfolio`.
#[derive(Debug, Clone, Args)]
pub struct PortfolioArgs {
    /// Output folders of batch runs or shards (holding <client>/audit.json).
    #[arg(required = true)]
    pub outs: Vec<PathBuf>,
    /// Where to write portfolio.xlsx, portfolio.md and portfolio.json.
    #[arg(long, value_name = "DIR", default_value = "mixaudit-out")]
    pub out: PathBuf,
}

/// Parses `--param KEY=VALUE`.
pub fn parse_param(s: &str) -> Result<(String, f64), String> {
    let (k, v) = s
        .split_once('=')
        .ok_or_else(|| format!("`{s}` is not KEY=VALUE"))?;
    let v: f64 = v
        .trim()
        .parse()
        .map_err(|_| format!("`{v}` is not a number"))?;
    Ok((k.trim().to_string(), v))
}

fn parse_date_arg(s: &str) -> Result<Day, String> {
    parse_iso(s).ok_or_else(|| format!("`{s}` is not a date (use YYYY-MM-DD)"))
}

fn parse_shard(s: &str) -> Result<(u64, u64), String> {
    let (k, n) = s.split_once('/').ok_or("use K/N, e.g. 2/8")?;
    let (k, n): (u64, u64) = (
        k.parse().map_err(|_| "K must be a number")?,
        n.parse().map_err(|_| "N must be a number")?,
    );
    if n == 0 || k == 0 || k > n {
        return Err("K/N needs 1 ≤ K ≤ N".into());
    }
    Ok((k, n))
}

impl RuleArgs {
    fn apply(&self, o: &mut AuditOptions) {
        o.checklist = self.checklist.clone();
        o.params = self.params.iter().cloned().collect::<BTreeMap<_, _>>();
    }
}

impl RunArgs {
    fn apply(&self, o: &mut AuditOptions) {
        o.period = self.period.clone();
        o.as_of = self.as_of;
    }

    /// The template overrides.
    pub fn templates(&self) -> crate::report::Templates {
        crate::report::Templates {
            markdown: self.template.clone(),
            html: self.html_template.clone(),
        }
    }
}

impl InputArgs {
    /// The audit options these arguments describe.
    pub fn options(&self) -> AuditOptions {
        let mut o = AuditOptions {
            paths: InputPaths {
                dir: self.dir.clone(),
                customers: self.customers.clone(),
                spend: self.spend.clone(),
                config: self.config.clone(),
            },
            ..AuditOptions::default()
        };
        self.rules.apply(&mut o);
        o
    }
}

impl AuditArgs {
    /// The audit options.
    pub fn options(&self) -> AuditOptions {
        let mut o = self.input.options();
        self.run.apply(&mut o);
        o.client = self.client.clone();
        o.previous = self.previous.clone();
        o
    }
}

impl BatchArgs {
    /// The batch options.
    pub fn options(&self) -> BatchOptions {
        let mut audit = AuditOptions::default();
        self.rules.apply(&mut audit);
        self.run.apply(&mut audit);
        BatchOptions {
            dirs: self.dirs.clone(),
            audit,
            out: self.run.out.clone(),
            jobs: self.jobs.unwrap_or(0),
            shard: self.shard,
            previous_dir: self.previous_dir.clone(),
            templates: self.run.templates(),
            client_timeout: std::time::Duration::from_secs(self.client_timeout),
        }
    }
}
