//! The `mixaudit` binary: parse the command line, run it, exit with its code.

use clap::Parser;

fn main() -> std::process::ExitCode {
    mixaudit::cli::run(mixaudit::cli::Cli::parse())
}
