//! Mutated real workbooks never crash the readers: bytes flipped, files
//! truncated, zip directories damaged, BIFF record sizes and cell positions
//! changed in the xls fixture. Each mutant is checked with the real binary
//! under a 4 GB address-space limit: it exits 0 or 1 — never 101 (panic), an
//! abort's signal, or a hang. Seeded, so a failure replays; a longer hunt:
//! `MIXAUDIT_MUTANTS=500 MIXAUDIT_SEED=7 cargo test --test hostile_mutations`.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const PER_FORMAT: usize = 36;
const TIMEOUT: Duration = Duration::from_secs(20);

fn fixture(case: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/inputs")
        .join(case)
}

/// Offsets of BIFF record headers of the given types (a plain byte search:
/// good enough to aim mutations at them).
fn biff_records(data: &[u8], types: &[u16]) -> Vec<usize> {
    (0..data.len().saturating_sub(4))
        .filter(|&i| types.contains(&u16::from_le_bytes([data[i], data[i + 1]])))
        .collect()
}

fn mutate(data: &[u8], ext: &str, rng: &mut ChaCha8Rng) -> (Vec<u8>, String) {
    let mut d = data.to_vec();
    let n = d.len();
    match rng.random_range(0..5) {
        0 => {
            let k = rng.random_range(1..12);
            for _ in 0..k {
                let at = rng.random_range(0..n);
                d[at] ^= 1 << rng.random_range(0..8);
            }
            (d, format!("flip {k} bits"))
        }
        1 => {
            let at = rng.random_range(0..n);
            d.truncate(at);
            (d, format!("truncate at {at}"))
        }
        2 => {
            // the zip central directory / the tail of the compound file
            let start = n - n / 8;
            for _ in 0..rng.random_range(1..6) {
                let at = rng.random_range(start..n);
                d[at] = rng.random();
            }
            (d, "damage the tail".into())
        }
        3 => {
            let at = rng.random_range(0..n.saturating_sub(4));
            let v: u32 = if rng.random_bool(0.5) {
                u32::MAX
            } else {
                rng.random()
            };
            d[at..at + 4].copy_from_slice(&v.to_le_bytes());
            (d, format!("write {v:#x} at {at}"))
        }
        _ if ext == "xls" => {
            // DIMENSIONS, LABELSST, NUMBER, RK, MULRK, SST, BOUNDSHEET
            let recs = biff_records(
                &d,
                &[0x0200, 0x00FD, 0x0203, 0x027E, 0x00BD, 0x00FC, 0x0085],
            );
            let at = recs[rng.random_range(0..recs.len())];
            let field = rng.random_range(0..4) * 2 + 2; // the length, or a data word
            let v: u16 = if rng.random_bool(0.5) {
                0xFFFF
            } else {
                rng.random()
            };
            d[at + field..at + field + 2].copy_from_slice(&v.to_le_bytes());
            (d, format!("record at {at}: word {field} := {v:#x}"))
        }
        _ => {
            let at = rng.random_range(0..n);
            let len = rng.random_range(1..64).min(n - at);
            d.drain(at..at + len);
            (d, format!("cut {len} bytes at {at}"))
        }
    }
}

fn run_check(dir: &Path) -> Option<i32> {
    let mut child = Command::new("sh")
        .arg("-c")
        .arg("ulimit -v 4194304 && exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_mixaudit"))
        .arg("check")
        .arg(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    loop {
        if let Some(s) = child.try_wait().unwrap() {
            return s.code();
        }
        if start.elapsed() > TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            return Some(-1);
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn mutated_workbooks_exit_cleanly() {
    let tmp = tempfile::tempdir().unwrap();
    let env = |k: &str, default: u64| {
        std::env::var(k)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let mut rng = ChaCha8Rng::seed_from_u64(env("MIXAUDIT_SEED", 13));
    let per_format = env("MIXAUDIT_MUTANTS", PER_FORMAT as u64) as usize;
    let mut failures = Vec::new();
    for (case, ext) in [
        ("xlsx", "xlsx"),
        ("xls", "xls"),
        ("ods", "ods"),
        ("xlsm", "xlsm"),
        ("csv_comma", "csv"),
    ] {
        let src = fixture(case);
        let original = std::fs::read(src.join(format!("customers.{ext}"))).unwrap();
        for i in 0..per_format {
            let dir = tmp.path().join(format!("{case}-{i}"));
            std::fs::create_dir_all(&dir).unwrap();
            for e in std::fs::read_dir(&src).unwrap().flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                if name.starts_with("spend.") || name == "audit.yaml" {
                    std::fs::copy(e.path(), dir.join(&name)).unwrap();
                }
            }
            let (mutant, how) = mutate(&original, ext, &mut rng);
            std::fs::write(dir.join(format!("customers.{ext}")), &mutant).unwrap();
            let code = run_check(&dir);
            if !matches!(code, Some(0) | Some(1)) {
                failures.push(format!("{case} #{i} ({how}): exit {code:?}"));
            } else {
                std::fs::remove_dir_all(&dir).unwrap();
            }
        }
    }
    if !failures.is_empty() {
        let kept = tmp.keep();
        panic!(
            "{} mutant(s) crashed (kept under {}):\n{}",
            failures.len(),
            kept.display(),
            failures.join("\n")
        );
    }
}
