//! The command line (SPEC §6): argument definitions and what each command does.
//! `main.rs` only parses, calls [`run`], and exits with its code.

mod args;
mod batch;
mod docs;
mod explain;
mod fault;
mod json;
mod stdout;
pub mod term;

/// Prints a line to stderr (always, even with `--quiet`: errors and the
/// reasons for an exit code), with control characters removed: client text
/// (names, cells, file names) can hold terminal escape sequences, which must
/// never reach the user's terminal.
macro_rules! say {
    ($($arg:tt)*) => {
        $crate::cli::term::line(&format!($($arg)*))
    };
}
pub(crate) use say;

/// Like [`say!`], for what `--quiet` silences (progress, results, files written).
macro_rules! note {
    ($($arg:tt)*) => {
        if !$crate::cli::term::quiet() {
            $crate::cli::term::line(&format!($($arg)*))
        }
    };
}
pub(crate) use note;

pub use term::terminal_text;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

pub use args::{
    AuditArgs, BatchArgs, CheckArgs, GlobalArgs, InputArgs, PortfolioArgs, RuleArgs, RunArgs,
};

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

/// The end of `--help` for commands that audit (they know --fail-under).
const EXIT_CODES_AUDIT: &str = "Exit codes:
  0    done
  1    input or processing error (every problem is listed on stderr)
  2    usage error
  3    a score below --fail-under (the outputs are still written)
  130  interrupted (Ctrl-C); temporary files are removed";

/// The end of `--help` for the other commands.
const EXIT_CODES: &str = "Exit codes:
  0    done
  1    input or processing error (every problem is listed on stderr)
  2    usage error";

/// Audit a marketing mix (the 7 Ps) for customer retention.
#[derive(Debug, Parser)]
#[command(name = "mixaudit", version, about, long_about = None, after_help = EXIT_CODES_AUDIT)]
pub struct Cli {
    #[command(flatten)]
    /// Output settings shared by every command.
    pub global: GlobalArgs,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Audit one client folder: writes audit.xlsx, summary.md and audit.json.
    #[command(after_help = EXIT_CODES_AUDIT)]
    Audit(AuditArgs),
    /// Audit every client folder under the given folders, in parallel, with a portfolio roll-up.
    #[command(after_help = EXIT_CODES_AUDIT)]
    Batch(BatchArgs),
    /// Merge audit.json files from one or more output folders into a portfolio roll-up.
    #[command(after_help = EXIT_CODES)]
    Portfolio(PortfolioArgs),
    /// Write blank input templates, an audit.yaml and a copy of the checklist.
    #[command(after_help = EXIT_CODES)]
    Init {
        /// Folder to create them in.
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Overwrite existing files.
        #[arg(long)]
        force: bool,
    },
    /// Validate inputs, config and checklist; report every problem; write nothing.
    #[command(after_help = EXIT_CODES)]
    Check(CheckArgs),
    /// Explain a checklist item (e.g. PRO-01) or a diagnostic code (e.g. MX101).
    #[command(after_help = EXIT_CODES)]
    Explain {
        /// A checklist item id or a diagnostic code.
        id: String,
        /// Checklist YAML (default: the built-in retention-7p checklist).
        #[arg(long, value_name = "FILE")]
        checklist: Option<PathBuf>,
    },
    /// List the checklist's items as a table.
    #[command(after_help = EXIT_CODES)]
    Checklist {
        /// Checklist YAML (default: the built-in retention-7p checklist).
        #[arg(long, value_name = "FILE")]
        checklist: Option<PathBuf>,
    },
    /// List every metric with its definition and the data it needs.
    #[command(after_help = EXIT_CODES)]
    Metrics,
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    #[command(after_help = EXIT_CODES)]
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (or write one page per command with --out).
    #[command(after_help = EXIT_CODES)]
    Man {
        /// Folder to write mixaudit.1 and mixaudit-<command>.1 into.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
}

/// Prints warnings (and notes) the way users read them, one line each with
/// its code; nothing with `--quiet`.
pub fn report_warnings(list: &[Diagnostic]) {
    for d in list {
        term::diagnostic(d);
    }
}

/// Prints an error the way users read it: a count, then one line per problem
/// with its code.
pub fn report_error(e: &Error) {
    if let Error::Problems(p) = e {
        say!("mixaudit: {} problem(s) found:", p.total());
    }
    for d in e.diagnostics() {
        term::diagnostic(&d);
    }
}

/// With `--verbose`: the config and checklist in force and, per table, the
/// header row and which column became which field.
fn report_read(
    cfg: &crate::input::Config,
    checklist: &crate::checklist::Checklist,
    ds: &crate::model::Dataset,
) {
    if !term::verbose() {
        return;
    }
    match &cfg.path {
        Some(p) => say!("config: {}", p.display()),
        None => say!("config: none (defaults)"),
    }
    say!(
        "checklist: {} {} ({} items) from {}",
        checklist.name,
        checklist.version,
        checklist.items().count(),
        checklist.origin
    );
    for f in &ds.inputs {
        say!(
            "read {} › {} as {}: header on row {}, {} data row(s)",
            f.path,
            f.sheet,
            f.role,
            f.read.header_row,
            f.rows
        );
        for (field, col, header) in &f.read.columns {
            say!("  {field:<22} ← column {col} \"{header}\"");
        }
        for (col, header) in &f.read.extras {
            say!("  {:<22} ← column {col} \"{header}\"", "(extra)");
        }
        for (field, convention) in &f.read.conventions {
            say!("  {field:<22} read with {convention}");
        }
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
    report_read(&audit.config, &audit.checklist, &audit.dataset);
    report_warnings(&audit.warnings);
    let score = audit.scores.score;
    if !term::quiet() {
        let rating = audit.scores.rating;
        term::styled_line(
            term::rating_style(rating),
            &format!(
                "{}: score {} ({rating})",
                audit.client,
                score.map_or("n/a".into(), |s| format!("{s:.1}"))
            ),
            &format!(
                " → {}",
                written.workbook.parent().unwrap_or(&args.run.out).display()
            ),
        );
    }
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
        Ok((cfg, checklist, ds, _)) => {
            report_read(&cfg, &checklist, &ds);
            report_warnings(&ds.warnings);
            if check.json {
                let _ = stdout::print_json(&json::check_ok(&ds, &checklist));
            }
            note!(
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
    let g = &cli.global;
    term::init(g.quiet, g.verbose, g.color);
    let code = match &cli.command {
        Command::Audit(a) => cmd_audit(a),
        Command::Check(a) => cmd_check(a),
        Command::Batch(b) => batch::cmd_batch(b),
        Command::Portfolio(p) => batch::cmd_portfolio(p),
        Command::Init { dir, force } => match crate::init::write_templates(dir, *force) {
            Ok(files) => {
                for f in files {
                    note!("wrote {}", f.display());
                }
                exit::OK
            }
            Err(e) => fail(&e),
        },
        Command::Explain { id, checklist } => explain::cmd_explain(id, checklist.as_deref()),
        Command::Checklist { checklist } => explain::cmd_checklist(checklist.as_deref()),
        Command::Metrics => explain::cmd_metrics(),
        Command::Completions { shell } => docs::completions(*shell),
        Command::Man { out } => docs::man(out.as_deref()),
    };
    ExitCode::from(code)
}
