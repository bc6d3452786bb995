//! The command line (SPEC §6): argument definitions and what each command does.
//! `main.rs` only parses, calls [`run`], and exits with its code.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::audit::{self, AuditOptions};
use crate::error::Error;
use crate::input::InputPaths;
use crate::input::config::parse_iso;

/// Exit codes.
pub mod exit {
    /// Done.
    pub const OK: u8 = 0;
    /// Input or processing error.
    pub const ERROR: u8 = 1;
    /// Usage error.
    pub const USAGE: u8 = 2;
    /// A score below --fail-under.
    pub const BELOW_THRESHOLD: u8 = 3;
}

/// Audit a marketing mix (the 7 Ps) for customer retention.
#[derive(Debug, Parser)]
#[command(name = "mixaudit", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Audit one client folder: writes audit.xlsx, summary.md and audit.json.
    Audit(AuditArgs),
    /// Audit every client folder under the given folders, in parallel, with a portfolio roll-up.
    Batch(crate::batch::BatchArgs),
    /// Merge audit.json files from one or more output folders into a portfolio roll-up.
    Portfolio(crate::batch::PortfolioArgs),
    /// Write blank input templates, an audit.yaml and a copy of the checklist.
    Init {
        /// Folder to create them in.
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Overwrite existing files.
        #[arg(long)]
        force: bool,
    },
    /// Validate inputs, config and checklist; report every problem; write nothing.
    Check(InputArgs),
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
    /// Checklist YAML (default: the built-in retention-7p checklist).
    #[arg(long, value_name = "FILE")]
    pub checklist: Option<PathBuf>,
    /// audit.yaml (default: the one next to the inputs).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
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
    /// Client name for the reports.
    #[arg(long, value_name = "NAME")]
    pub client: Option<String>,
    /// Period label, e.g. "2026 Q2".
    #[arg(long, value_name = "LABEL")]
    pub period: Option<String>,
    /// Audit date (default: audit.yaml, else the latest purchase in the data).
    #[arg(long, value_name = "DATE", value_parser = parse_date_arg)]
    pub as_of: Option<crate::model::Day>,
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
    /// A previous audit.json to compare with.
    #[arg(long, value_name = "FILE")]
    pub previous: Option<PathBuf>,
    /// Print audit.json to stdout.
    #[arg(long)]
    pub json: bool,
    /// Also write report.pdf (needs a headless Chromium on PATH).
    #[arg(long)]
    pub pdf: bool,
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

fn parse_date_arg(s: &str) -> Result<crate::model::Day, String> {
    parse_iso(s).ok_or_else(|| format!("`{s}` is not a date (use YYYY-MM-DD)"))
}

impl InputArgs {
    /// The audit options these arguments describe.
    pub fn options(&self) -> AuditOptions {
        AuditOptions {
            paths: InputPaths {
                dir: self.dir.clone(),
                customers: self.customers.clone(),
                spend: self.spend.clone(),
                config: self.config.clone(),
            },
            checklist: self.checklist.clone(),
            params: self.params.iter().cloned().collect::<BTreeMap<_, _>>(),
            ..AuditOptions::default()
        }
    }
}

impl RunArgs {
    /// The template overrides.
    pub fn templates(&self) -> crate::report::Templates {
        crate::report::Templates {
            markdown: self.template.clone(),
            html: self.html_template.clone(),
        }
    }
}

impl AuditArgs {
    /// The audit options.
    pub fn options(&self) -> AuditOptions {
        let mut o = self.input.options();
        o.client = self.run.client.clone();
        o.period = self.run.period.clone();
        o.as_of = self.run.as_of;
        o.previous = self.previous.clone();
        o.template = self.run.template.clone();
        o
    }
}

/// Prints an error the way users read it.
pub fn report_error(e: &Error) {
    match e {
        Error::Problems(p) => {
            let n = p.total();
            eprintln!("mixaudit: {n} problem(s) found:\n{p}");
        }
        other => eprintln!("mixaudit: {other}"),
    }
}

fn cmd_audit(args: &AuditArgs) -> u8 {
    if args.input.dir.is_none() && args.input.customers.is_none() {
        eprintln!(
            "mixaudit: give a client folder (mixaudit audit DIR) or --customers FILE --spend FILE"
        );
        return exit::USAGE;
    }
    let opts = args.options();
    let audit = match audit::run(&opts) {
        Ok(a) => a,
        Err(e) => {
            report_error(&e);
            return exit::ERROR;
        }
    };
    let written =
        match crate::report::write_outputs_with(&audit, &args.run.out, &args.run.templates()) {
            Ok(w) => w,
            Err(e) => {
                report_error(&e);
                return exit::ERROR;
            }
        };
    for w in &audit.warnings {
        eprintln!("warning: {w}");
    }
    let score = audit.scores.score;
    eprintln!(
        "{}: score {} ({}) → {}",
        audit.client,
        score.map_or("n/a".into(), |s| format!("{s:.1}")),
        audit.scores.rating,
        written.workbook.parent().unwrap_or(&args.run.out).display()
    );
    if args.json {
        print!("{}", crate::report::json::render(&audit));
    }
    if args.pdf {
        let pdf = written.html.with_file_name("report.pdf");
        if let Err(e) = crate::report::pdf::print(&written.html, &pdf) {
            report_error(&e);
            return exit::ERROR;
        }
    }
    match (args.run.fail_under, score) {
        (Some(min), Some(s)) if s < min => {
            eprintln!("score {s:.1} is below --fail-under {min}");
            exit::BELOW_THRESHOLD
        }
        (Some(min), None) => {
            eprintln!("no score could be computed, so --fail-under {min} is not met");
            exit::BELOW_THRESHOLD
        }
        _ => exit::OK,
    }
}

fn cmd_check(args: &InputArgs) -> u8 {
    if args.dir.is_none() && args.customers.is_none() {
        eprintln!(
            "mixaudit: give a client folder (mixaudit check DIR) or --customers FILE --spend FILE"
        );
        return exit::USAGE;
    }
    match audit::prepare(&args.options()) {
        Ok((_, checklist, ds, _)) => {
            for w in &ds.warnings {
                eprintln!("warning: {w}");
            }
            eprintln!(
                "ok: {} customers, {} touchpoints{}; checklist {} ({} items) is valid",
                ds.customers.len(),
                ds.touchpoints.len(),
                ds.orders
                    .as_ref()
                    .map_or(String::new(), |o| format!(", {} orders", o.len())),
                checklist.name,
                checklist.items().count()
            );
            exit::OK
        }
        Err(e) => {
            report_error(&e);
            exit::ERROR
        }
    }
}

/// Runs a parsed command line and returns the process exit code.
pub fn run(cli: Cli) -> ExitCode {
    let code = match &cli.command {
        Command::Audit(a) => cmd_audit(a),
        Command::Check(a) => cmd_check(a),
        Command::Batch(b) => crate::batch::run_batch(b),
        Command::Portfolio(p) => crate::batch::run_portfolio(p),
        Command::Init { dir, force } => match crate::init::write_templates(dir, *force) {
            Ok(files) => {
                for f in files {
                    eprintln!("wrote {}", f.display());
                }
                exit::OK
            }
            Err(e) => {
                report_error(&e);
                exit::ERROR
            }
        },
    };
    ExitCode::from(code)
}
