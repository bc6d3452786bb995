//! The cost of batch's per-client isolation, side by side in one run: every
//! client folder under DIR audited in this process, one after another (what
//! `batch --jobs 1` did before each client got its own process), against
//! `mixaudit batch DIR --jobs 1`, which re-runs the binary per client.
//!
//! ```sh
//! cargo build --release
//! cargo run --release --example isolation_bench -- DIR [MIXAUDIT]
//! ```
//! DIR is a batch folder, e.g. the one `scripts/bench_batch.sh` generates
//! (`$BENCH_STATE/batch/200-clients-300-2000`). The two are timed in
//! alternation, three times each; medians are printed.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use mixaudit::audit::{self, AuditOptions};
use mixaudit::input::InputPaths;
use mixaudit::report::{self, Templates};

fn in_process(clients: &[PathBuf], out: &Path) -> f64 {
    let t = Instant::now();
    for dir in clients {
        let opts = AuditOptions {
            paths: InputPaths {
                dir: Some(dir.clone()),
                ..InputPaths::default()
            },
            ..AuditOptions::default()
        };
        let client_out = out.join(dir.file_name().expect("a folder name"));
        if let Ok(a) = audit::run(&opts) {
            report::write_outputs(&a, &client_out, &Templates::default()).expect("outputs");
        }
    }
    t.elapsed().as_secs_f64()
}

fn isolated(bin: &Path, dir: &Path, out: &Path) -> f64 {
    let t = Instant::now();
    let status = Command::new(bin)
        .args(["batch", "--jobs", "1", "--quiet", "--out"])
        .arg(out)
        .arg(dir)
        .status()
        .expect("mixaudit runs");
    assert!(status.code().is_some_and(|c| c <= 1), "batch ran: {status}");
    t.elapsed().as_secs_f64()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().expect("usage: isolation_bench DIR [MIXAUDIT]"));
    let bin = PathBuf::from(
        args.next()
            .unwrap_or_else(|| "target/release/mixaudit".into()),
    );
    let mut clients: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("DIR is readable")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    clients.sort();
    let (mut inside, mut apart) = (Vec::new(), Vec::new());
    for run in 0..3 {
        let out =
            std::env::temp_dir().join(format!("mixaudit-isolation-{}-{run}", std::process::id()));
        inside.push(in_process(&clients, &out.join("in")));
        apart.push(isolated(&bin, &dir, &out.join("apart")));
        let _ = std::fs::remove_dir_all(&out);
    }
    let (i, a) = (median(inside), median(apart));
    println!(
        "{} clients: in one process {i:.2} s, one process per client (batch --jobs 1) {a:.2} s: isolation costs {:+.1} %",
        clients.len(),
        100.0 * (a / i - 1.0)
    );
}
