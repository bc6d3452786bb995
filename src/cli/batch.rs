//! `mixaudit batch` and `mixaudit portfolio` on the terminal: progress, the
//! closing table, the failures' messages and the exit code.

use std::io::IsTerminal;
use std::sync::Mutex;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::args::{BatchArgs, PortfolioArgs};
use super::{exit, fail, json, note, say, stdout, term};
use crate::batch::{self, Outcome};
use crate::error::Error;
use crate::report::outputs::OutLock;

/// Runs `mixaudit batch`; with `--json`, also prints each client's status
/// and diagnostics (or the error that stopped the run) on stdout.
pub fn cmd_batch(args: &BatchArgs) -> u8 {
    let mut outcomes = Vec::new();
    let result = run_batch(args, &mut outcomes);
    let code = match &result {
        Ok(code) => *code,
        Err(e) => fail(e),
    };
    if args.json {
        let run_level = result.err().map(|e| e.diagnostics()).unwrap_or_default();
        let _ = stdout::print_json(&json::batch(&outcomes, &run_level));
    }
    code
}

/// The batch itself: the outcomes land in `outcomes` as soon as they exist,
/// so an error while writing the portfolio still reports them.
fn run_batch(args: &BatchArgs, outcomes: &mut Vec<Outcome>) -> Result<u8, Error> {
    let opts = args.options();
    batch::check_shared(&opts)?;
    let clients = batch::select_clients(&opts)?;
    // Held for the whole run: a second batch into the same folder is refused.
    let lock = OutLock::acquire(&opts.out)?;
    let terminal = std::io::stderr().is_terminal() && !term::quiet();
    let bar = ProgressBar::new(clients.len() as u64);
    if terminal {
        bar.set_style(
            ProgressStyle::with_template("{bar:40} {pos}/{len} clients {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
    } else {
        bar.set_draw_target(ProgressDrawTarget::hidden());
    }
    let finished = Mutex::new(0usize);
    let total = clients.len();
    let progress = |o: &Outcome| {
        bar.inc(1);
        let (key, state) = match o {
            Ok(c) => (&c.key, "ok"),
            Err(f) => (&f.key, "FAILED"),
        };
        crate::report::interrupt::record_finished(match o {
            Ok(c) => format!(
                "{key}: ok, score {}",
                c.score.map_or("n/a".into(), |s| format!("{s:.1}"))
            ),
            Err(f) => format!("{key}: FAILED: {}", f.error.lines().next().unwrap_or("")),
        });
        if !terminal {
            let mut d = finished.lock().unwrap_or_else(|e| e.into_inner());
            *d += 1;
            note!("[{}/{total}] {key}: {state}", *d);
        }
    };
    *outcomes = batch::run(&opts, &clients, &progress)?;
    bar.finish_and_clear();
    print_table(outcomes);
    let portfolio = batch::portfolio(outcomes);
    crate::report::portfolio::write(&lock, &portfolio)?;
    if !portfolio.failures.is_empty() {
        return Ok(exit::ERROR);
    }
    if let Some(min) = args.run.fail_under
        && portfolio
            .clients
            .iter()
            .any(|c| c.score.is_none_or(|s| s < min))
    {
        say!("at least one client scored below --fail-under {min}");
        return Ok(exit::BELOW_THRESHOLD);
    }
    Ok(exit::OK)
}

/// The closing table (in folder order), then each failure's whole message;
/// with `--quiet`, only the failures.
fn print_table(outcomes: &[Outcome]) {
    note!("\n{:<30} {:>7}  result", "client", "score");
    for o in outcomes {
        match o {
            Ok(c) => note!(
                "{:<30} {:>7}  {}",
                c.key,
                c.score.map_or("n/a".into(), |s| format!("{s:.1}")),
                c.rating.as_deref().unwrap_or("")
            ),
            Err(f) => say!(
                "{:<30} {:>7}  FAILED: {}",
                f.key,
                "—",
                f.error.lines().next().unwrap_or("")
            ),
        }
    }
    for f in outcomes.iter().filter_map(|o| o.as_ref().err()) {
        say!("\n{} failed:\n{}", f.key, f.error);
    }
}

/// Runs `mixaudit portfolio`: merges the output folders of batch runs or
/// shards; exits 1 when any of them had a failed client (listed, as in a
/// single run) or did not finish.
pub fn cmd_portfolio(args: &PortfolioArgs) -> u8 {
    let (portfolio, unfinished) = match batch::merge(&args.outs) {
        Ok(p) => p,
        Err(e) => return fail(&e),
    };
    let written = OutLock::acquire(&args.out)
        .and_then(|lock| crate::report::portfolio::write(&lock, &portfolio));
    if let Err(e) = written {
        return fail(&e);
    }
    note!(
        "portfolio of {} client(s) → {}",
        portfolio.clients.len(),
        args.out.display()
    );
    for f in &portfolio.failures {
        say!("{} failed:\n{}", f.key, f.error);
    }
    for d in &unfinished {
        say!(
            "{} has no portfolio.json: its batch did not finish, so clients that failed there are not listed",
            d.display()
        );
    }
    if portfolio.failures.is_empty() && unfinished.is_empty() {
        exit::OK
    } else {
        exit::ERROR
    }
}
