//! Times the customer-value step (histories, BG/NBD and Gamma-Gamma fits,
//! P(alive), expected purchases, CLV, cohorts, RFM) against the whole audit,
//! in one run on one client folder: issue 14's budget is 5 % of the audit's
//! wall time at 1,000,000 customers. Peak memory is measured from outside
//! (`scripts/bench.sh` reports the audit's; see the README).
//!
//! ```sh
//! cargo run --release --example generate -- --customers 1000000 --out /tmp/m1
//! cargo run --release --example value_step_bench -- /tmp/m1
//! ```

use std::path::PathBuf;
use std::time::Instant;

use mixaudit::analytics;
use mixaudit::audit::{self, AuditOptions};
use mixaudit::input::InputPaths;
use mixaudit::report::{self, Templates};

fn main() {
    let dir = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "examples/nordlys".into()),
    );
    let out = std::env::temp_dir().join(format!("mixaudit-value-bench-{}", std::process::id()));
    let opts = AuditOptions {
        paths: InputPaths {
            dir: Some(dir.clone()),
            ..InputPaths::default()
        },
        ..AuditOptions::default()
    };
    let t = Instant::now();
    let a = audit::run(&opts).expect("the audit runs");
    report::write_outputs(&a, &out, &Templates::default()).expect("outputs are written");
    let whole = t.elapsed().as_secs_f64();
    let _ = std::fs::remove_dir_all(&out);
    // The value step again, on the same customers, as analyse runs it.
    let mut facts = a.analysis.customers.clone();
    let mut warnings = Vec::new();
    let t = Instant::now();
    let value = analytics::value_step(
        &a.dataset,
        &mut facts,
        &a.analysis.params,
        a.analysis.as_of,
        &a.analysis.rfm_segments,
        &mut warnings,
    );
    let step = t.elapsed().as_secs_f64();
    assert_eq!(
        value.clv_total, a.analysis.metrics.value.clv_total,
        "the step repeated gives the audit's figures"
    );
    println!(
        "{}: {} customers; audit with outputs {whole:.2} s, of which the value step {step:.3} s ({:.1} %); clv_total {:?}",
        dir.display(),
        a.dataset.customers.len(),
        100.0 * step / whole,
        value.clv_total,
    );
}
