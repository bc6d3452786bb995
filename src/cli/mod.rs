//! The command line (SPEC §6): argument definitions and what each command does.
//! `main.rs` only parses, calls [`run`], and exits with its code.

mod args;
mod batch;
mod fault;
mod json;
mod stdout;

/// Prints a line to stderr with control characters removed: client text
/// (names, cells, file names) can hold terminal escape sequences, which must
/// never reach the user's terminal.
macro_rules! say {
    ($($arg:tt)*) => {
        eprintln!("{}", $crate::cli::terminal_text(&format!($($arg)*)))
    };
}
pub(crate) use say;

/// Text safe for a terminal: control characters other than line breaks and
/// tabs are dropped (so no escape sequence survives).
pub fn terminal_text(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_control() || *c == '\n' || *c == '\t')
        .collect()
}

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

pub use args::{AuditArgs, BatchArgs, CheckArgs, InputArgs, PortfolioArgs, RuleArgs, RunArgs};

use crate::audit;
use crate::error::{Diagnostic, Error};

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
    Batch(BatchArgs),
    /// Merge audit.json files from one or more output folders into a portfolio roll-up.
    Portfolio(PortfolioArgs),
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
    Check(CheckArgs),
}

/// A diagnostic as one terminal line: `warning[MX851]: file › sheet: message`.
pub fn diagnostic_line(d: &Diagnostic) -> String {
    format!("{}[{}]: {d}", d.severity().as_str(), d.code)
}

/// Prints warnings (and notes) the way users read them, one line each.
pub fn report_warnings(list: &[Diagnostic]) {
    for d in list {
        say!("{}", diagnostic_line(d));
    }
}

/// Prints an error the way users read it: a count, then one line per problem
/// with its code.
pub fn report_error(e: &Error) {
    if let Error::Problems(p) = e {
        say!("mixaudit: {} problem(s) found:", p.total());
    }
    for d in e.diagnostics() {
        say!("{}", diagnostic_line(&d));
    }
}

/// The exit code of an error: 2 for a usage error, else 1.
pub fn exit_code(e: &Error) -> u8 {
    match e {
        Error::Usage(_) => exit::USAGE,
        _ => exit::ERROR,
    }
}

/// Prints an error and returns its exit code.
fn fail(e: &Error) -> u8 {
    report_error(e);
    exit_code(e)
}

fn cmd_audit(args: &AuditArgs) -> u8 {
    if args.input.dir.is_none() && args.input.customers.is_none() {
        say!(
            "mixaudit: give a client folder (mixaudit audit DIR) or --customers FILE --spend FILE"
        );
        return exit::USAGE;
    }
    fault::inject(args.input.dir.as_deref());
    let fail = |e: &Error| {
        if args.error_json {
            let _ = stdout::print_json(&json::failure(e));
        }
        fail(e)
    };
    let opts = args.options();
    let audit = match audit::run(&opts) {
        Ok(a) => a,
        Err(e) => return fail(&e),
    };
    let written = match crate::report::write_outputs(&audit, &args.run.out, &args.run.templates()) {
        Ok(w) => w,
        Err(e) => return fail(&e),
    };
    report_warnings(&audit.warnings);
    let score = audit.scores.score;
    say!(
        "{}: score {} ({}) → {}",
        audit.client,
        score.map_or("n/a".into(), |s| format!("{s:.1}")),
        audit.scores.rating,
        written.workbook.parent().unwrap_or(&args.run.out).display()
    );
    if args.json
        && let Err(e) = stdout::print(&crate::report::json::render(&audit))
    {
        return fail(&Error::io(std::path::Path::new("stdout"), e));
    }
    if args.pdf {
        let pdf = written.html.with_file_name("report.pdf");
        if let Err(e) = crate::report::pdf::print(&written.html, &pdf) {
            return fail(&e);
        }
    }
    match (args.run.fail_under, score) {
        (Some(min), Some(s)) if s < min => {
            say!("score {s:.1} is below --fail-under {min}");
            exit::BELOW_THRESHOLD
        }
        (Some(min), None) => {
            say!("no score could be computed, so --fail-under {min} is not met");
            exit::BELOW_THRESHOLD
        }
        _ => exit::OK,
    }
}

fn cmd_check(check: &CheckArgs) -> u8 {
    let args = &check.input;
    if args.dir.is_none() && args.customers.is_none() {
        say!(
            "mixaudit: give a client folder (mixaudit check DIR) or --customers FILE --spend FILE"
        );
        if check.json {
            let e = Error::Usage("give a client folder or --customers FILE --spend FILE".into());
            let _ = stdout::print_json(&json::check_failed(&e));
        }
        return exit::USAGE;
    }
    match audit::prepare(&args.options()) {
        Ok((_, checklist, ds, _)) => {
            report_warnings(&ds.warnings);
            if check.json {
                let _ = stdout::print_json(&json::check_ok(&ds, &checklist));
            }
            say!(
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
            if check.json {
                let _ = stdout::print_json(&json::check_failed(&e));
            }
            fail(&e)
        }
    }
}

/// Runs a parsed command line and returns the process exit code.
pub fn run(cli: Cli) -> ExitCode {
    let code = match &cli.command {
        Command::Audit(a) => cmd_audit(a),
        Command::Check(a) => cmd_check(a),
        Command::Batch(b) => batch::cmd_batch(b),
        Command::Portfolio(p) => batch::cmd_portfolio(p),
        Command::Init { dir, force } => match crate::init::write_templates(dir, *force) {
            Ok(files) => {
                for f in files {
                    say!("wrote {}", f.display());
                }
                exit::OK
            }
            Err(e) => fail(&e),
        },
    };
    ExitCode::from(code)
}
