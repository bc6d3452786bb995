//! Times the human-facing reports (view model, charts, summary.md,
//! report.html) inclusively against the whole audit, in one run on one
//! client folder: issue 15's budget is 2 % of the audit at 1,000,000 customers.
//!
//! ```sh
//! cargo run --release --example generate -- --customers 1000000 --out /tmp/m1
//! cargo run --release --example report_bench -- /tmp/m1
//! ```

use std::path::PathBuf;
use std::time::Instant;

use mixaudit::audit::{self, AuditOptions};
use mixaudit::input::InputPaths;
use mixaudit::report::{self, Templates, html, json, markdown, view::View};

fn main() {
    let dir = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "examples/nordlys".into()),
    );
    let out = std::env::temp_dir().join(format!("mixaudit-report-bench-{}", std::process::id()));
    let opts = AuditOptions {
        paths: InputPaths {
            dir: Some(dir.clone()),
            ..InputPaths::default()
        },
        ..AuditOptions::default()
    };
    let t = Instant::now();
    let a = audit::run(&opts).expect("the audit runs");
    let analyse = t.elapsed().as_secs_f64();
    let t = Instant::now();
    report::write_outputs(&a, &out, &Templates::default()).expect("outputs are written");
    let outputs = t.elapsed().as_secs_f64();
    // The human-facing reports alone, as write_outputs renders them.
    let t = Instant::now();
    let view = View::build(&a);
    let charts = view.render_charts();
    let doc = json::to_value(&a);
    let md = markdown::render(&view, &doc, None).expect("summary.md renders");
    let page = html::render(&view, &doc, &charts, None).expect("report.html renders");
    let reports = t.elapsed().as_secs_f64();
    let _ = std::fs::remove_dir_all(&out);
    let total = analyse + outputs;
    println!(
        "{}: {} customers; read+analyse+score {analyse:.2} s, all outputs {outputs:.2} s, audit {total:.2} s",
        dir.display(),
        a.dataset.customers.len()
    );
    println!(
        "reports (view, {} charts, summary.md {} KB, report.html {} KB): {reports:.3} s = {:.2} % of the audit",
        charts.len(),
        md.len() / 1024,
        page.len() / 1024,
        100.0 * reports / total
    );
}
