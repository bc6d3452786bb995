//! report.pdf (`audit --pdf`): report.html printed by a headless Chromium.
//!
//! Chromium is the one widely installed engine that prints modern CSS (print
//! media, `@page`, page breaks) faithfully; it runs with a fresh profile, no
//! network services and a time limit, and its output is renamed into place
//! only when it finished.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::error::{Error, Result};

/// Executable names tried, in order, on PATH.
pub const BROWSERS: &[&str] = &[
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
];

/// How long printing may take.
pub const TIMEOUT: Duration = Duration::from_secs(90);

/// The first Chromium-family browser on PATH.
pub fn find_browser() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| BROWSERS.iter().map(move |b| dir.join(b)))
        .find(|p| p.is_file())
}

/// Prints `html` (a file) to `pdf` with a headless Chromium.
pub fn print(html: &Path, pdf: &Path) -> Result<()> {
    let fail = |message: String| Error::Output {
        path: pdf.display().to_string(),
        message,
    };
    let browser = find_browser().ok_or_else(|| {
        fail(format!(
            "--pdf needs a headless Chromium and none was found on PATH (tried {}); \
             install one, e.g. `sudo apt-get install chromium` on Debian/Ubuntu, \
             or open report.html in a browser and print it to PDF",
            BROWSERS.join(", ")
        ))
    })?;
    let html = html.canonicalize().map_err(|e| Error::io(html, e))?;
    let profile = tempfile::tempdir().map_err(|e| Error::io(Path::new("temporary folder"), e))?;
    let tmp = pdf.with_file_name(format!(".report.pdf.{}.tmp", std::process::id()));
    let url = format!("file://{}", html.display());
    let mut child = Command::new(&browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-pdf-header-footer",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--print-to-pdf={}", tmp.display()))
        .arg(&url)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| Error::io(&browser, e))?;
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().map_err(|e| Error::io(&browser, e))? {
            break s;
        }
        if start.elapsed() > TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            let _ = std::fs::remove_file(&tmp);
            return Err(fail(format!(
                "{} did not finish printing report.pdf within {} s",
                browser.display(),
                TIMEOUT.as_secs()
            )));
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let ok = status.success() && std::fs::metadata(&tmp).is_ok_and(|m| m.len() > 0);
    if !ok {
        let _ = std::fs::remove_file(&tmp);
        return Err(fail(format!(
            "{} could not print report.pdf ({status})",
            browser.display()
        )));
    }
    std::fs::rename(&tmp, pdf).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        Error::io(pdf, e)
    })
}
