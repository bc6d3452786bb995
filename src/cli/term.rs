//! How mixaudit talks on the terminal: `--quiet`, `--verbose` and
//! `--color`, read once at start-up. Colour goes through anstream (clap's own
//! stack), which drops the escape codes when stderr is not a terminal, when
//! `NO_COLOR` is set, or with `--color never`. Client text is always stripped
//! of control characters first, so only mixaudit's own styles reach the terminal.

use std::io::Write;
use std::sync::atomic::{AtomicU8, Ordering};

use anstyle::{AnsiColor, Style};

use crate::error::{Diagnostic, Severity};

/// When to colour the output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorWhen {
    /// On terminals, unless NO_COLOR is set.
    Auto,
    /// Always, even into a pipe.
    Always,
    /// Never.
    Never,
}

const QUIET: u8 = 0;
const NORMAL: u8 = 1;
const VERBOSE: u8 = 2;

static LEVEL: AtomicU8 = AtomicU8::new(NORMAL);

/// Applies the global flags for the rest of the run.
pub fn init(quiet: bool, verbose: bool, color: ColorWhen) {
    let level = match (quiet, verbose) {
        (true, _) => QUIET,
        (false, true) => VERBOSE,
        _ => NORMAL,
    };
    LEVEL.store(level, Ordering::Relaxed);
    let choice = match color {
        ColorWhen::Auto => anstream::ColorChoice::Auto,
        ColorWhen::Always => anstream::ColorChoice::Always,
        ColorWhen::Never => anstream::ColorChoice::Never,
    };
    choice.write_global();
}

/// Whether `--quiet` was given: only errors are printed.
pub fn quiet() -> bool {
    LEVEL.load(Ordering::Relaxed) == QUIET
}

/// Whether `--verbose` was given: say what was read.
pub fn verbose() -> bool {
    LEVEL.load(Ordering::Relaxed) == VERBOSE
}

/// Text safe for a terminal: control characters other than line breaks and
/// tabs are dropped (so no escape sequence survives).
pub fn terminal_text(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_control() || *c == '\n' || *c == '\t')
        .collect()
}

/// Writes `label` in `style`, then `rest` plain, as one stderr line. A closed
/// stderr is ignored: there is nobody left to tell.
pub fn styled_line(style: Style, label: &str, rest: &str) {
    let mut err = anstream::stderr().lock();
    let _ = writeln!(
        err,
        "{style}{}{style:#}{}",
        terminal_text(label),
        terminal_text(rest)
    );
}

/// One plain stderr line.
pub fn line(text: &str) {
    styled_line(Style::new(), "", text);
}

fn severity_style(s: Severity) -> Style {
    let colour = match s {
        Severity::Error => AnsiColor::Red,
        Severity::Warning => AnsiColor::Yellow,
        Severity::Info => AnsiColor::Cyan,
    };
    Style::new().bold().fg_color(Some(colour.into()))
}

/// A diagnostic as one line, `warning[MX851]: file › sheet: message`, the
/// label coloured by severity. Warnings and notes are not shown with `--quiet`.
pub fn diagnostic(d: &Diagnostic) {
    if quiet() && d.severity() != Severity::Error {
        return;
    }
    let label = format!("{}[{}]", d.severity().as_str(), d.code);
    styled_line(severity_style(d.severity()), &label, &format!(": {d}"));
}

/// The colour of a rating word (green, amber, red), for the score line.
pub fn rating_style(rating: &str) -> Style {
    let colour = match rating {
        "green" => AnsiColor::Green,
        "amber" => AnsiColor::Yellow,
        "red" => AnsiColor::Red,
        _ => return Style::new().bold(),
    };
    Style::new().bold().fg_color(Some(colour.into()))
}
