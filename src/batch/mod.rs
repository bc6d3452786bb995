//! Batch over folders: every client folder is audited in parallel (rayon),
//! each in a child process of its own ([`child`]), so one client's failure —
//! an error, a crash, a hang — is recorded as that client's [`Failure`] and
//! the rest complete. The outcome is a typed
//! [`Portfolio`]; printing, progress and exit codes belong to the CLI.

use std::path::{Path, PathBuf};

mod child;

use rayon::prelude::*;

use crate::audit::{AuditOptions, ClientSummary, Failure, Portfolio};
use crate::error::{Error, Result};

/// What a batch run was asked to do (the command line, parsed).
#[derive(Debug, Clone, Default)]
pub struct BatchOptions {
    /// Folders holding client folders (or client folders themselves).
    pub dirs: Vec<PathBuf>,
    /// Options every client's audit shares (paths are set per client).
    pub audit: AuditOptions,
    /// Output folder: one sub-folder per client plus the portfolio.
    pub out: PathBuf,
    /// Parallel jobs (0: one per core).
    pub jobs: usize,
    /// Only shard K of N (K from 1).
    pub shard: Option<(u64, u64)>,
    /// Folder of a previous batch output to compare each client with.
    pub previous_dir: Option<PathBuf>,
    /// Template overrides for every client's reports.
    pub templates: crate::report::Templates,
    /// Longest one client's audit may take before it is stopped.
    pub client_timeout: std::time::Duration,
}

/// Whether a folder holds a client's inputs.
pub fn is_client_dir(dir: &Path) -> bool {
    if dir.join("audit.yaml").is_file() {
        return true;
    }
    std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok()).any(|e| {
                let p = e.path();
                p.is_file()
                    && p.file_stem()
                        .is_some_and(|s| crate::input::is_customers_file_stem(&s.to_string_lossy()))
            })
        })
        .unwrap_or(false)
}

/// The client folders under `dirs`, sorted by name.
pub fn client_dirs(dirs: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for d in dirs {
        if is_client_dir(d) {
            out.push(d.clone());
            continue;
        }
        if let Ok(rd) = std::fs::read_dir(d) {
            let mut subs: Vec<PathBuf> = rd
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_dir() && is_client_dir(p))
                .collect();
            subs.sort();
            out.extend(subs);
        }
    }
    out
}

/// FNV-1a: a hash that never changes between versions or machines.
fn stable_hash(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Whether a client (by folder name) belongs to shard K of N.
pub fn in_shard(name: &str, k: u64, n: u64) -> bool {
    stable_hash(name) % n == k - 1
}

/// A client's key: its folder name, which is also its output sub-folder.
pub fn client_key(dir: &Path) -> String {
    dir.file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "client".into())
}

/// The clients a batch covers, after sharding; several folders with one name
/// would write into one output folder, so they are a usage error.
pub fn select_clients(opts: &BatchOptions) -> Result<Vec<PathBuf>> {
    let mut clients = client_dirs(&opts.dirs);
    if let Some((k, n)) = opts.shard {
        clients.retain(|d| in_shard(&client_key(d), k, n));
    }
    let mut keys: Vec<String> = clients.iter().map(|d| client_key(d)).collect();
    keys.sort();
    let mut dups: Vec<&str> = keys
        .windows(2)
        .filter(|w| w[0] == w[1])
        .map(|w| w[0].as_str())
        .collect();
    dups.dedup();
    if !dups.is_empty() {
        return Err(Error::Usage(format!(
            "several client folders share a name ({}); outputs go to --out/<folder name>, so give them distinct names",
            dups.join(", ")
        )));
    }
    if clients.is_empty() {
        return Err(Error::Failed(
            "no client folders (with customers.* or audit.yaml) under the given folders".into(),
        ));
    }
    Ok(clients)
}

/// Checks what every client shares before any client runs — the checklist
/// given with `--checklist` and the `--param` names — so a misspelt parameter
/// is one usage error, not a failure per client.
pub fn check_shared(opts: &BatchOptions) -> Result<()> {
    let checklist = match &opts.audit.checklist {
        Some(p) => crate::checklist::Checklist::load(p)?,
        None => crate::checklist::Checklist::builtin()?,
    };
    crate::analytics::Params::resolve(
        &checklist.params,
        &[("--param", opts.audit.params.clone())],
    )?;
    Ok(())
}

/// One client's outcome: what the portfolio keeps, or why it failed.
pub type Outcome = std::result::Result<ClientSummary, Failure>;

fn audit_one(dir: &Path, opts: &BatchOptions) -> Outcome {
    let key = client_key(dir);
    let previous = opts
        .previous_dir
        .as_ref()
        .map(|prev| prev.join(&key).join("audit.json"))
        .filter(|p| p.is_file());
    child::audit(dir, &opts.out.join(&key), opts, previous.as_deref()).map_err(
        |(error, diagnostics)| Failure {
            key,
            error,
            diagnostics,
        },
    )
}

/// Audits every client in parallel; `done` is called as each finishes (from
/// the worker threads) so the caller can show progress.
pub fn run(
    opts: &BatchOptions,
    clients: &[PathBuf],
    done: &(dyn Fn(&Outcome) + Sync),
) -> Result<Vec<Outcome>> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.jobs)
        .build()
        .map_err(|e| Error::Failed(e.to_string()))?;
    Ok(pool.install(|| {
        clients
            .par_iter()
            .map(|dir| {
                let outcome = audit_one(dir, opts);
                done(&outcome);
                outcome
            })
            .collect()
    }))
}

/// The portfolio of a batch's outcomes.
pub fn portfolio(outcomes: &[Outcome]) -> Portfolio {
    let (mut ok, mut failed) = (Vec::new(), Vec::new());
    for o in outcomes {
        match o {
            Ok(c) => ok.push(c.clone()),
            Err(f) => failed.push(f.clone()),
        }
    }
    Portfolio::new(ok, failed)
}

/// Merges output folders (batch runs or shards) into one portfolio: the
/// audit.json of every client sub-folder, and the failures each folder's
/// portfolio.json lists, so the merge equals the portfolio of one batch over
/// all the clients. Also returns the folders without a portfolio.json (their
/// batch did not finish, so their failures are unknown).
pub fn merge(outs: &[PathBuf]) -> Result<(Portfolio, Vec<PathBuf>)> {
    let mut clients = Vec::new();
    let mut failures: Vec<Failure> = Vec::new();
    let mut unfinished = Vec::new();
    for out in outs {
        let rd = std::fs::read_dir(out)
            .map_err(|_| Error::Failed(format!("{} is not a folder", out.display())))?;
        let mut dirs: Vec<PathBuf> = rd
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.join("audit.json").is_file())
            .collect();
        dirs.sort();
        for d in dirs {
            clients.push(ClientSummary::load(&d)?);
        }
        match shard_failures(out)? {
            Some(f) => failures.extend(f),
            None => unfinished.push(out.clone()),
        }
    }
    failures.sort_by(|a, b| a.key.cmp(&b.key).then_with(|| a.error.cmp(&b.error)));
    failures.dedup();
    Ok((Portfolio::new(clients, failures), unfinished))
}

/// The failures listed in `<out>/portfolio.json`; `None` when there is none.
fn shard_failures(out: &Path) -> Result<Option<Vec<Failure>>> {
    #[derive(serde::Deserialize)]
    struct Written {
        schema: String,
        #[serde(default)]
        failures: Vec<Failure>,
    }
    let path = out.join("portfolio.json");
    if !path.is_file() {
        return Ok(None);
    }
    let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
    let bad = |why: String| {
        Error::Failed(format!(
            "{}: not a mixaudit portfolio.json ({why})",
            path.display()
        ))
    };
    let w: Written = serde_json::from_str(&text).map_err(|e| bad(e.to_string()))?;
    if w.schema != crate::audit::PORTFOLIO_SCHEMA {
        return Err(bad(format!("schema {}", w.schema)));
    }
    Ok(Some(w.failures))
}
