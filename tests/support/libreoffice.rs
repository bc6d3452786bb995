//! LibreOffice, headless: find it, convert a file with it, bounded in time.
//!
//! Every call uses a throwaway user profile whose `registrymodifications.xcu`
//! sets Calc's "recalculation on file load" to *always* for OOXML and ODF.
//! Without it LibreOffice keeps the cached formula results of an .xlsx (its
//! default for files that claim to come from Excel), so a converted copy
//! would prove nothing about the formulas. Calls are serialised: the machines
//! that run the tests are small and LibreOffice is heavy.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long one conversion may take before it is killed.
pub const TIMEOUT: Duration = Duration::from_secs(120);

static SERIAL: Mutex<()> = Mutex::new(());

/// The profile settings: recalculate every formula when a file is loaded.
const RECALC_ON_LOAD_XCU: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"#;

/// `soffice` or `libreoffice` on PATH.
pub fn find() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    for name in ["soffice", "libreoffice"] {
        for dir in std::env::split_paths(&path) {
            for candidate in [dir.join(name), dir.join(format!("{name}.exe"))] {
                if candidate.is_file() {
                    return Some(candidate);
                }
            }
        }
    }
    None
}

/// LibreOffice for test `test`: `None` (after saying so) when it is not
/// installed, a failure when `CI` is set, because CI installs it.
pub fn require(test: &str) -> Option<PathBuf> {
    match find() {
        Some(p) => Some(p),
        None if std::env::var_os("CI").is_some() => panic!(
            "{test}: LibreOffice (soffice or libreoffice) is not on PATH, and CI is set: \
             CI must install it (apt-get install libreoffice-calc)"
        ),
        None => {
            eprintln!(
                "{test}: skipped — LibreOffice (soffice or libreoffice) is not on PATH; \
                 install libreoffice-calc to run it"
            );
            None
        }
    }
}

/// `file://` URL of an absolute path.
fn file_url(path: &Path) -> String {
    let text = path.to_string_lossy().replace('\\', "/");
    let mut url = String::from("file://");
    if !text.starts_with('/') {
        url.push('/');
    }
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~:".contains(&b) {
            url.push(b as char);
        } else {
            url.push_str(&format!("%{b:02X}"));
        }
    }
    url
}

/// Converts `input` to format `to` (`xlsx`, `pdf`, …) into `outdir` with
/// recalculation on load forced, and returns the converted file. Panics, with
/// LibreOffice's output, when it fails, produces nothing or takes longer than
/// [`TIMEOUT`] (the process group is then killed).
pub fn convert(soffice: &Path, input: &Path, to: &str, outdir: &Path) -> PathBuf {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let profile = tempfile::tempdir().expect("temp profile dir");
    let user = profile.path().join("user");
    std::fs::create_dir_all(&user).unwrap();
    std::fs::write(user.join("registrymodifications.xcu"), RECALC_ON_LOAD_XCU).unwrap();
    std::fs::create_dir_all(outdir).unwrap();
    let log_out = profile.path().join("stdout.txt");
    let log_err = profile.path().join("stderr.txt");

    let mut cmd = Command::new(soffice);
    cmd.arg(format!(
        "-env:UserInstallation={}",
        file_url(profile.path())
    ))
    .args([
        "--headless",
        "--invisible",
        "--norestore",
        "--nologo",
        "--nodefault",
        "--nolockcheck",
        "--convert-to",
        to,
        "--outdir",
    ])
    .arg(outdir)
    .arg(input)
    .stdin(Stdio::null())
    .stdout(std::fs::File::create(&log_out).unwrap())
    .stderr(std::fs::File::create(&log_err).unwrap());
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        cmd.process_group(0);
    }
    let started = Instant::now();
    let mut child = cmd.spawn().expect("LibreOffice starts");
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for LibreOffice") {
            break status;
        }
        if started.elapsed() > TIMEOUT {
            kill_tree(&mut child);
            panic!(
                "LibreOffice took more than {} s to convert {} to {to}; killed",
                TIMEOUT.as_secs(),
                input.display()
            );
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let logs = || {
        format!(
            "stdout: {}\nstderr: {}",
            std::fs::read_to_string(&log_out).unwrap_or_default(),
            std::fs::read_to_string(&log_err).unwrap_or_default()
        )
    };
    assert!(
        status.success(),
        "LibreOffice failed to convert {} to {to} ({status})\n{}",
        input.display(),
        logs()
    );
    let ext = to.split(':').next().unwrap_or(to);
    let stem = input.file_stem().expect("input has a name");
    let output = outdir.join(format!("{}.{ext}", stem.to_string_lossy()));
    let size = std::fs::metadata(&output).map(|m| m.len()).unwrap_or(0);
    assert!(
        size > 0,
        "LibreOffice wrote no {} (exit 0)\n{}",
        output.display(),
        logs()
    );
    eprintln!(
        "LibreOffice: {} → {} in {:.1} s",
        input.display(),
        output.display(),
        started.elapsed().as_secs_f64()
    );
    output
}

/// Kills LibreOffice and whatever it started (its own process group on Unix).
fn kill_tree(child: &mut std::process::Child) {
    #[cfg(unix)]
    {
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", child.id())])
            .status();
    }
    let _ = child.kill();
    let _ = child.wait();
}
