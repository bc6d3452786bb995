//! Batch over folders: every client folder is audited in parallel (rayon) with
//! a progress bar; one client's failure — a panic inside a reader included —
//! is recorded and the rest complete. Then a portfolio roll-up is written.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;
use serde_json::{Value, json};

use crate::cli::{InputArgs, RunArgs, exit, report_error};
use crate::error::{Error, Result};
use crate::model::P;

/// `mixaudit batch`.
#[derive(Debug, Clone, Args)]
pub struct BatchArgs {
    /// Folders holding client folders (or client folders themselves).
    #[arg(required = true)]
    pub dirs: Vec<PathBuf>,
    #[command(flatten)]
    /// Run options.
    pub run: RunArgs,
    /// Checklist YAML for every client.
    #[arg(long, value_name = "FILE")]
    pub checklist: Option<PathBuf>,
    /// Parameter overrides for every client.
    #[arg(long = "param", value_name = "KEY=VALUE", value_parser = crate::cli::parse_param)]
    pub params: Vec<(String, f64)>,
    /// Parallel jobs (default: number of cores).
    #[arg(long, value_name = "N")]
    pub jobs: Option<usize>,
    /// Only this shard of the clients: K/N (K from 1), a stable split by client name.
    #[arg(long, value_name = "K/N", value_parser = parse_shard)]
    pub shard: Option<(u64, u64)>,
    /// Folder of a previous batch output: each client is compared with its audit.json there.
    #[arg(long, value_name = "DIR")]
    pub previous_dir: Option<PathBuf>,
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

fn parse_shard(s: &str) -> std::result::Result<(u64, u64), String> {
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

/// Whether a folder holds a client's inputs.
pub fn is_client_dir(dir: &Path) -> bool {
    if dir.join("audit.yaml").is_file() {
        return true;
    }
    std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok()).any(|e| {
                let p = e.path();
                let stem = p
                    .file_stem()
                    .map(|s| crate::input::fields::normalize(&s.to_string_lossy()))
                    .unwrap_or_default();
                p.is_file()
                    && crate::input::fields::CUSTOMER_SHEETS
                        .iter()
                        .any(|n| crate::input::fields::normalize(n) == stem)
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

fn client_key(dir: &Path) -> String {
    dir.file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "client".into())
}

/// One client's outcome.
struct Outcome {
    key: String,
    result: std::result::Result<Value, String>,
}

fn audit_one(dir: &Path, args: &BatchArgs) -> std::result::Result<Value, String> {
    let input = InputArgs {
        dir: Some(dir.to_path_buf()),
        customers: None,
        spend: None,
        checklist: args.checklist.clone(),
        config: None,
        params: args.params.clone(),
    };
    let mut opts = input.options();
    opts.as_of = args.run.as_of;
    opts.period = args.run.period.clone();
    opts.template = args.run.template.clone();
    let key = client_key(dir);
    if let Some(prev) = &args.previous_dir {
        let p = prev.join(&key).join("audit.json");
        if p.is_file() {
            opts.previous = Some(p);
        }
    }
    let audit = crate::audit::run(&opts).map_err(|e| e.to_string())?;
    crate::report::write_outputs_with(&audit, &args.run.out.join(&key), &args.run.templates())
        .map_err(|e| e.to_string())?;
    Ok(crate::report::json::to_value(&audit))
}

/// Runs `mixaudit batch`.
pub fn run_batch(args: &BatchArgs) -> u8 {
    if args.run.client.is_some() {
        eprintln!(
            "mixaudit: --client names one client; in a batch each client's name comes from its audit.yaml or folder"
        );
        return exit::USAGE;
    }
    let mut clients = client_dirs(&args.dirs);
    if let Some((k, n)) = args.shard {
        clients.retain(|d| in_shard(&client_key(d), k, n));
    }
    let mut keys: Vec<String> = clients.iter().map(|d| client_key(d)).collect();
    keys.sort();
    let dups: Vec<&String> = keys
        .windows(2)
        .filter(|w| w[0] == w[1])
        .map(|w| &w[0])
        .collect();
    if !dups.is_empty() {
        eprintln!(
            "mixaudit: several client folders share a name ({}); outputs go to --out/<folder name>, so give them distinct names",
            dups.iter()
                .map(|d| d.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
        return exit::USAGE;
    }
    if clients.is_empty() {
        eprintln!(
            "mixaudit: no client folders (with customers.* or audit.yaml) under the given folders"
        );
        return exit::ERROR;
    }
    let pool = match rayon::ThreadPoolBuilder::new()
        .num_threads(args.jobs.unwrap_or(0))
        .build()
    {
        Ok(p) => p,
        Err(e) => {
            eprintln!("mixaudit: {e}");
            return exit::ERROR;
        }
    };
    let bar = ProgressBar::new(clients.len() as u64);
    if console_is_terminal() {
        bar.set_style(
            ProgressStyle::with_template("{bar:40} {pos}/{len} clients {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
    } else {
        bar.set_draw_target(ProgressDrawTarget::hidden());
    }
    let plain = !console_is_terminal();
    let done = Mutex::new(0usize);
    let total = clients.len();
    let outcomes: Vec<Outcome> = pool.install(|| {
        clients
            .par_iter()
            .map(|dir| {
                let key = client_key(dir);
                let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| audit_one(dir, args)))
                    .unwrap_or_else(|_| Err("the audit crashed on this client's files (a reader panicked); check that they open in Excel".into()));
                bar.inc(1);
                if plain {
                    let mut d = done.lock().unwrap_or_else(|e| e.into_inner());
                    *d += 1;
                    eprintln!("[{}/{total}] {key}: {}", *d, if result.is_ok() { "ok" } else { "FAILED" });
                }
                Outcome { key, result }
            })
            .collect()
    });
    bar.finish_and_clear();
    let mut ok: Vec<Value> = Vec::new();
    let mut failed = 0;
    eprintln!("\n{:<30} {:>7}  result", "client", "score");
    for o in &outcomes {
        match &o.result {
            Ok(v) => {
                eprintln!(
                    "{:<30} {:>7}  {}",
                    o.key,
                    v["score"]
                        .as_f64()
                        .map_or("n/a".into(), |s| format!("{s:.1}")),
                    v["rating"].as_str().unwrap_or("")
                );
                ok.push(portfolio_entry(&o.key, v));
            }
            Err(e) => {
                failed += 1;
                eprintln!(
                    "{:<30} {:>7}  FAILED: {}",
                    o.key,
                    "—",
                    e.lines().next().unwrap_or("")
                );
            }
        }
    }
    for o in outcomes.iter().filter(|o| o.result.is_err()) {
        eprintln!(
            "\n{} failed:\n{}",
            o.key,
            o.result.as_ref().err().map(String::as_str).unwrap_or("")
        );
    }
    let failures: Vec<Value> = outcomes
        .iter()
        .filter_map(|o| {
            o.result
                .as_ref()
                .err()
                .map(|e| json!({"key": o.key, "error": e}))
        })
        .collect();
    if let Err(e) = write_portfolio(&args.run.out, &ok, &failures) {
        report_error(&e);
        return exit::ERROR;
    }
    if failed > 0 {
        return exit::ERROR;
    }
    if let Some(min) = args.run.fail_under
        && ok
            .iter()
            .any(|c| c["audit"]["score"].as_f64().is_none_or(|s| s < min))
    {
        eprintln!("at least one client scored below --fail-under {min}");
        return exit::BELOW_THRESHOLD;
    }
    exit::OK
}

fn console_is_terminal() -> bool {
    use std::io::IsTerminal;
    std::io::stderr().is_terminal()
}

/// Runs `mixaudit portfolio`: merges audit.json files from output folders.
pub fn run_portfolio(args: &PortfolioArgs) -> u8 {
    let mut clients: Vec<Value> = Vec::new();
    for out in &args.outs {
        let Ok(rd) = std::fs::read_dir(out) else {
            eprintln!("mixaudit: {} is not a folder", out.display());
            return exit::ERROR;
        };
        let mut dirs: Vec<PathBuf> = rd
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.join("audit.json").is_file())
            .collect();
        dirs.sort();
        for d in dirs {
            let text = match std::fs::read_to_string(d.join("audit.json")) {
                Ok(t) => t,
                Err(e) => {
                    eprintln!("mixaudit: {}: {e}", d.display());
                    return exit::ERROR;
                }
            };
            match serde_json::from_str::<Value>(&text) {
                Ok(v) if v["schema"] == crate::report::json::SCHEMA => {
                    clients.push(portfolio_entry(&client_key(&d), &v))
                }
                _ => {
                    eprintln!(
                        "mixaudit: {}: not a mixaudit audit.json",
                        d.join("audit.json").display()
                    );
                    return exit::ERROR;
                }
            }
        }
    }
    match write_portfolio(&args.out, &clients, &[]) {
        Ok(()) => {
            eprintln!(
                "portfolio of {} client(s) → {}",
                clients.len(),
                args.out.display()
            );
            exit::OK
        }
        Err(e) => {
            report_error(&e);
            exit::ERROR
        }
    }
}

/// What the roll-up keeps of one client's audit.json (not the whole of it,
/// so a batch of thousands of clients stays small in memory).
pub fn portfolio_entry(key: &str, a: &Value) -> Value {
    json!({"key": key, "audit": {
        "client": a["client"], "period": a["period"], "as_of": a["as_of"], "score": a["score"],
        "rating": a["rating"], "ps": a["ps"], "findings": a["findings"].as_array().map_or(0, Vec::len),
        "metrics": {
            "customers": a["metrics"]["customers"], "active_rate": a["metrics"]["active_rate"],
            "repeat_rate": a["metrics"]["repeat_rate"], "retention_rate": a["metrics"]["retention_rate"],
            "high_value_at_risk": a["metrics"]["high_value_at_risk"], "spend_total": a["metrics"]["spend_total"],
            "retention_spend_share": a["metrics"]["retention_spend_share"],
        },
    }})
}

/// The portfolio roll-up as JSON: clients ranked by score (ties by key).
pub fn portfolio_value(clients: &[Value], failures: &[Value]) -> Value {
    let mut rows: Vec<Value> = clients
        .iter()
        .map(|c| {
            let a = &c["audit"];
            let ps: serde_json::Map<String, Value> = a["ps"].as_array().into_iter().flatten().map(|p| (p["p"].as_str().unwrap_or("").to_string(), p["score"].clone())).collect();
            let m = &a["metrics"];
            json!({
                "key": c["key"], "client": a["client"], "period": a["period"], "as_of": a["as_of"],
                "score": a["score"], "rating": a["rating"], "ps": ps,
                "metrics": {
                    "customers": m["customers"], "active_rate": m["active_rate"], "repeat_rate": m["repeat_rate"],
                    "retention_rate": m["retention_rate"], "high_value_at_risk": m["high_value_at_risk"],
                    "spend_total": m["spend_total"], "retention_spend_share": m["retention_spend_share"],
                },
                "findings": a["findings"],
            })
        })
        .collect();
    rows.sort_by(|a, b| {
        let (x, y) = (
            a["score"].as_f64().unwrap_or(-1.0),
            b["score"].as_f64().unwrap_or(-1.0),
        );
        y.total_cmp(&x)
            .then_with(|| a["key"].as_str().cmp(&b["key"].as_str()))
    });
    let scores: Vec<f64> = rows.iter().filter_map(|r| r["score"].as_f64()).collect();
    let mean = (!scores.is_empty()).then(|| scores.iter().sum::<f64>() / scores.len() as f64);
    let mut failures = failures.to_vec();
    failures.sort_by(|a, b| a["key"].as_str().cmp(&b["key"].as_str()));
    json!({"schema": "mixaudit.portfolio/1", "clients": rows, "mean_score": mean, "failures": failures})
}

/// Writes portfolio.json, portfolio.md and portfolio.xlsx.
pub fn write_portfolio(out: &Path, clients: &[Value], failures: &[Value]) -> Result<()> {
    std::fs::create_dir_all(out).map_err(|e| Error::io(out, e))?;
    let v = portfolio_value(clients, failures);
    let mut json_text = serde_json::to_string_pretty(&v).unwrap_or_default();
    json_text.push('\n');
    let md = portfolio_markdown(&v);
    let tmp = out.join(format!(".portfolio.xlsx.{}.tmp", std::process::id()));
    crate::report::workbook::portfolio::write(&v, &tmp)?;
    for (name, text) in [("portfolio.json", json_text), ("portfolio.md", md)] {
        let t = out.join(format!(".{name}.tmp"));
        std::fs::write(&t, text).map_err(|e| Error::io(&t, e))?;
        std::fs::rename(&t, out.join(name)).map_err(|e| Error::io(&t, e))?;
    }
    std::fs::rename(&tmp, out.join("portfolio.xlsx")).map_err(|e| Error::io(&tmp, e))?;
    Ok(())
}

fn cell(v: &Value) -> String {
    v.as_f64().map_or("—".into(), |s| format!("{s:.0}"))
}

fn portfolio_markdown(v: &Value) -> String {
    let mut s = String::from("# Portfolio retention audit\n\n");
    if let Some(m) = v["mean_score"].as_f64() {
        s.push_str(&format!(
            "{} clients, mean score **{m:.1}**.\n\n",
            v["clients"].as_array().map_or(0, Vec::len)
        ));
    }
    s.push_str("| # | Client | Score | Rating |");
    for p in P::ALL {
        s.push_str(&format!(" {} |", p.title()));
    }
    s.push_str("\n|---:|---|---:|---|");
    for _ in P::ALL {
        s.push_str("---:|");
    }
    s.push('\n');
    for (i, c) in v["clients"].as_array().into_iter().flatten().enumerate() {
        s.push_str(&format!(
            "| {} | {} | {} | {} |",
            i + 1,
            c["client"].as_str().unwrap_or(""),
            cell(&c["score"]),
            c["rating"].as_str().unwrap_or("")
        ));
        for p in P::ALL {
            s.push_str(&format!(" {} |", cell(&c["ps"][p.key()])));
        }
        s.push('\n');
    }
    if let Some(f) = v["failures"].as_array().filter(|f| !f.is_empty()) {
        s.push_str("\n## Clients that could not be audited\n\n");
        for x in f {
            s.push_str(&format!(
                "- **{}**: {}\n",
                x["key"].as_str().unwrap_or(""),
                x["error"]
                    .as_str()
                    .unwrap_or("")
                    .lines()
                    .next()
                    .unwrap_or("")
            ));
        }
    }
    s
}
