//! Input stage: finds a client's files, reads them whatever their format, and
//! returns the typed [`Dataset`] — or every problem found, at once.
//!
//! Inputs are only ever opened for reading.

mod activity;
mod columns;
pub(crate) mod config;
mod csv;
pub mod currency;
mod customers;
mod dataset;
pub mod fields;
pub(crate) mod guard;
mod hints;
pub(crate) mod nesting;
mod periods;
pub mod placeholders;
mod reach;
pub(crate) mod row;
mod sniff;
mod spend;
mod table;
pub mod value;
mod xlsx;

use std::io::Read;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::error::{Code, Error, Location, Problem, Problems, Result};
pub use config::Config;
pub use dataset::{load_dataset, load_dataset_with_extras};
use fields::{CUSTOMER_SHEETS, normalize};
use table::EXTENSIONS;

/// Where to find a client's inputs: a folder, explicit files, or both.
#[derive(Debug, Clone, Default)]
pub struct InputPaths {
    /// The client folder.
    pub dir: Option<PathBuf>,
    /// Customers file (overrides discovery).
    pub customers: Option<PathBuf>,
    /// Spend file (overrides discovery).
    pub spend: Option<PathBuf>,
    /// audit.yaml (overrides discovery).
    pub config: Option<PathBuf>,
}

/// Whether a file stem names a customers file (`customers`, `kunder`, …),
/// which is how batch recognises a client folder.
pub fn is_customers_file_stem(stem: &str) -> bool {
    let stem = normalize(stem);
    CUSTOMER_SHEETS.iter().any(|n| normalize(n) == stem)
}

/// Loads audit.yaml from `--config`, else next to the inputs, else defaults;
/// its problems come beside it (see [`Config::load`]).
pub fn load_config(paths: &InputPaths) -> Result<(Config, Problems)> {
    let (mut cfg, problems) = find_config(paths)?;
    // The command's DIR is where inputs are discovered, wherever the config lives.
    cfg.search = paths.dir.clone().unwrap_or_else(|| cfg.dir.clone());
    Ok((cfg, problems))
}

fn find_config(paths: &InputPaths) -> Result<(Config, Problems)> {
    if let Some(p) = &paths.config {
        if let Some(problem) = guard::check_path(p, "an audit.yaml file") {
            return Err(Error::problem(problem));
        }
        return Config::load(p);
    }
    let dir = paths.dir.clone().or_else(|| {
        paths
            .customers
            .as_ref()
            .and_then(|c| c.parent().map(Path::to_path_buf))
    });
    if let Some(dir) = dir {
        for name in ["audit.yaml", "audit.yml"] {
            let p = dir.join(name);
            if p.is_file() {
                return Config::load(&p);
            }
            // A pipe, device or folder under the name is said, not skipped.
            if std::fs::symlink_metadata(&p).is_ok()
                && let Some(problem) = guard::check_path(&p, "an audit.yaml file")
            {
                return Err(Error::problem(problem));
            }
        }
        return Ok((
            Config {
                dir,
                ..Config::default()
            },
            Problems::default(),
        ));
    }
    Ok((Config::default(), Problems::default()))
}

/// The client folder as a message location ("." when inputs were named one by one).
fn search_location(cfg: &Config) -> Location {
    Location::file(if cfg.search.as_os_str().is_empty() {
        Path::new(".")
    } else {
        &cfg.search
    })
}

/// Files in `dir` whose stem names a table (`customers.xlsx`, `kunder.csv`…).
fn discover(dir: &Path, names: &[&str]) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return vec![];
    };
    let mut found: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        // Not only regular files: a pipe or device named customers.csv is
        // reported as such when resolved, rather than silently passed over.
        .filter(|p| !p.is_dir())
        .filter(|p| {
            let stem = p
                .file_stem()
                .map(|s| s.to_string_lossy().to_string())
                .unwrap_or_default();
            let ext = p
                .extension()
                .map(|e| e.to_string_lossy().to_lowercase())
                .unwrap_or_default();
            !stem.starts_with(['.', '~'])
                && EXTENSIONS.contains(&ext.as_str())
                && names.iter().any(|n| normalize(n) == normalize(&stem))
        })
        .collect();
    found.sort();
    found
}

fn resolve(
    role: &str,
    flag: &Option<PathBuf>,
    named: &Option<String>,
    cfg: &Config,
    names: &[&str],
    required: bool,
) -> Result<Option<PathBuf>> {
    let path = match (flag, named) {
        (Some(p), _) => Some(p.clone()),
        (None, Some(n)) => Some(cfg.dir.join(n)),
        (None, None) => {
            let found = if cfg.search.as_os_str().is_empty() {
                vec![]
            } else {
                discover(&cfg.search, names)
            };
            match found.len() {
                0 => None,
                1 => found.into_iter().next(),
                _ => {
                    let list: Vec<String> = found
                        .iter()
                        .map(|p| crate::error::display_name(p))
                        .collect();
                    return Err(Error::problem(Problem::new(
                        Code::SeveralFiles,
                        Location::file(&cfg.search),
                        format!("holds several {role} files: {}", list.join(", ")),
                        format!("one {role} file, or `{role}: <file>` in audit.yaml"),
                    )));
                }
            }
        }
    };
    match path {
        Some(p) if !p.is_file() => Err(Error::problem(
            guard::check_path(&p, &format!("the {role} file")).unwrap_or_else(|| {
                Problem::new(
                    Code::FileMissing,
                    Location::file(&p),
                    "does not exist",
                    format!("the {role} file"),
                )
            }),
        )),
        Some(p) => Ok(Some(p)),
        None if required => Err(Error::problem(Problem::new(
            Code::FileMissing,
            search_location(cfg),
            format!("has no {role} file"),
            format!(
                "{role}.xlsx (or .xls, .ods, .csv) in the folder, `--{role} FILE`, or `{role}: FILE` in audit.yaml"
            ),
        ))),
        None => Ok(None),
    }
}

/// SHA-256 of a file, hex: identifies exactly which inputs an audit saw.
pub fn sha256_file(path: &Path) -> Result<String> {
    let mut f = guard::open_regular(path, guard::MAX_INPUT_BYTES).map_err(Error::problem)?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = f.read(&mut buf).map_err(|e| Error::io(path, e))?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(h.finalize().iter().map(|b| format!("{b:02x}")).collect())
}
