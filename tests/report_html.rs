//! report.html and report.pdf end to end: the real binary on the bundled
//! example, then a real headless Chromium (network blocked) loading the page,
//! taking a screenshot and printing it, and poppler's pdftotext reading the
//! PDF back. Without Chromium or poppler the browser test says it is skipped,
//! except when `CI` is set: CI installs both (see .ci/run).

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::*;

const TIMEOUT: Duration = Duration::from_secs(120);

fn on_path(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|d| names.iter().map(move |n| d.join(n)))
        .find(|p| p.is_file())
}

/// The tools for `test`, or `None` after saying it is skipped (a failure under CI).
fn require(test: &str) -> Option<(PathBuf, PathBuf, PathBuf)> {
    let chromium = on_path(&["chromium", "chromium-browser", "google-chrome"]);
    let pdftotext = on_path(&["pdftotext"]);
    let pdfinfo = on_path(&["pdfinfo"]);
    match (chromium, pdftotext, pdfinfo) {
        (Some(c), Some(t), Some(i)) => Some((c, t, i)),
        _ if std::env::var_os("CI").is_some() => panic!(
            "{test}: chromium or poppler-utils is not on PATH, and CI is set: \
             CI must install them (apt-get install chromium poppler-utils)"
        ),
        (None, _, _) => {
            eprintln!(
                "{test}: skipped: chromium not installed (apt-get install chromium poppler-utils)"
            );
            None
        }
        _ => {
            eprintln!(
                "{test}: skipped: poppler-utils not installed (apt-get install poppler-utils)"
            );
            None
        }
    }
}

/// Runs `cmd` to completion within [`TIMEOUT`], returning stdout.
fn run(cmd: &mut Command) -> Vec<u8> {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("tool starts");
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut stdout, &mut buf).ok();
        buf
    });
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "{cmd:?} failed: {status}");
            return reader.join().unwrap();
        }
        if start.elapsed() > TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{cmd:?} did not finish within {TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Headless Chromium with a fresh profile and every host name unresolvable.
fn chromium(browser: &Path, profile: &Path) -> Command {
    let mut c = Command::new(browser);
    c.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--host-resolver-rules=MAP * ~NOTFOUND",
    ])
    .arg(format!("--user-data-dir={}", profile.display()));
    c
}

/// Asserts the markup requests nothing from outside the file.
fn assert_self_contained(html: &str, what: &str) {
    let lower = html.to_lowercase();
    for banned in [
        "<link", "<script", "@import", "url(", "src=", "<iframe", "<object",
    ] {
        assert!(!lower.contains(banned), "{what} contains {banned}");
    }
    // The only URL allowed is the SVG namespace name, which is never fetched.
    let stripped = lower.replace("http://www.w3.org/2000/svg", "");
    assert!(
        !stripped.contains("http://") && !stripped.contains("https://"),
        "{what} refers to an outside URL"
    );
}

fn audit_example(out: &Path, extra: &[&str]) -> std::process::Output {
    let dir = root().join("examples/nordlys");
    let mut args = vec![
        "audit",
        dir.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    mixaudit(&args)
}

#[test]
fn report_html_renders_and_prints_in_a_real_browser() {
    let Some((browser, pdftotext, pdfinfo)) = require("report_html") else {
        return;
    };
    let dir = temp();
    let out = dir.path().join("out");
    let o = audit_example(&out, &["--pdf"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let pdf_by_tool = std::fs::read(out.join("report.pdf")).expect("--pdf wrote report.pdf");
    assert!(pdf_by_tool.starts_with(b"%PDF"));

    let html_path = out.join("report.html");
    let html = std::fs::read_to_string(&html_path).unwrap();
    assert_self_contained(&html, "report.html");
    assert!(html.matches("<svg").count() >= 4, "inline SVG charts");
    let json = read_json(&out);
    let url = format!("file://{}", html_path.canonicalize().unwrap().display());

    // The DOM as the browser built it: still nothing that loads from outside.
    let dom = run(chromium(&browser, &dir.path().join("p1"))
        .arg("--dump-dom")
        .arg(&url));
    let dom = String::from_utf8_lossy(&dom);
    assert_self_contained(&dom, "the loaded DOM");
    assert!(dom.matches("<svg").count() >= 4);

    let shot = dir.path().join("shot.png");
    run(chromium(&browser, &dir.path().join("p2"))
        .arg("--window-size=1280,2400")
        .arg("--hide-scrollbars")
        .arg(format!("--screenshot={}", shot.display()))
        .arg(&url));
    let png = std::fs::read(&shot).expect("screenshot written");
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 20_000,
        "a real picture"
    );

    let pdf = dir.path().join("report.pdf");
    run(chromium(&browser, &dir.path().join("p3"))
        .arg("--no-pdf-header-footer")
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(&url));
    let info = String::from_utf8_lossy(&run(Command::new(&pdfinfo).arg(&pdf))).into_owned();
    let pages: u32 = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("pdfinfo reports pages");
    assert!((3..=15).contains(&pages), "{pages} pages");
    let text = run(Command::new(&pdftotext)
        .args(["-layout"])
        .arg(&pdf)
        .arg("-"));
    let text = String::from_utf8_lossy(&text);
    let score = format!("{:.0}", json["score"].as_f64().unwrap());
    for needle in [
        "Nordlys ApS",
        "Overall retention score",
        &format!("{score} / 100"),
        "Key metrics",
        "Top priorities",
        "The 7 Ps",
        "Physical evidence",
        "Findings and fixes",
        "Customers",
        "Loyalty ladder",
        "Value × risk",
        "Valuable customers at risk",
        "Why customers left",
        "Cohorts",
        "Marketing spend",
        "Spend by P",
        "Waived checks",
        "About this audit",
        "SHA-256",
        "Parameters",
        &format!("Page 1 of {pages}"),
    ] {
        assert!(text.contains(needle), "the PDF shows {needle:?}");
    }
    let first = json["findings"][0]["title"].as_str().unwrap();
    assert!(text.contains(first), "the top finding is in the PDF");
}

#[test]
fn pdf_without_a_browser_explains_and_still_writes_the_rest() {
    let dir = temp();
    let out = dir.path().join("out");
    let o = Command::new(env!("CARGO_BIN_EXE_mixaudit"))
        .args(["audit", root().join("examples/nordlys").to_str().unwrap()])
        .arg("--out")
        .arg(&out)
        .arg("--pdf")
        .env("PATH", dir.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("apt-get install chromium"),
        "{}",
        stderr(&o)
    );
    for f in [
        "audit.xlsx",
        "audit.json",
        "summary.md",
        "report.html",
        "charts/radar.svg",
    ] {
        assert!(out.join(f).is_file(), "{f} written");
    }
    assert!(!out.join("report.pdf").exists());
}

#[test]
fn client_text_is_escaped_and_charts_are_linked() {
    let dir = temp();
    let out = dir.path().join("out");
    let o = audit_example(&out, &["--client", "<script>alert(1)</script> & Co"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(
        !html.to_lowercase().contains("<script"),
        "no script element"
    );
    assert!(html.contains("&lt;script&gt;alert(1)&lt;") && html.contains(" &amp; Co"));
    assert_self_contained(&html, "report.html");
    let md = std::fs::read_to_string(out.join("summary.md")).unwrap();
    for chart in ["radar", "ladder", "value-risk", "spend-p", "cohorts"] {
        let link = format!("(charts/{chart}.svg)");
        assert!(md.contains(&link), "summary.md links {link}");
        let svg = std::fs::read_to_string(out.join(format!("charts/{chart}.svg"))).unwrap();
        assert!(svg.starts_with("<svg") && !svg.contains("NaN"));
    }
}

#[test]
fn html_template_overrides_the_built_in_one() {
    let dir = temp();
    let tpl = dir.path().join("mine.html.j2");
    std::fs::write(
        &tpl,
        "<p>{{ view.client }} scored {{ view.score_label }}</p>{{ svg.radar | safe }}{{ '<b>' }}",
    )
    .unwrap();
    let out = dir.path().join("out");
    let o = audit_example(&out, &["--html-template", tpl.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    let score = format!("{:.0}", read_json(&out)["score"].as_f64().unwrap());
    assert!(html.starts_with(&format!("<p>Nordlys ApS scored {score}</p><svg")));
    assert!(html.contains("&lt;b&gt;"), "auto-escaped");
}
