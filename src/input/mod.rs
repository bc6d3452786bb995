//! Input stage: finds a client's files, reads them whatever their format, and
//! returns the typed [`Dataset`] — or every problem found, at once.
//!
//! Inputs are only ever opened for reading.

pub mod activity;
pub mod columns;
pub mod config;
pub mod csv;
pub mod customers;
pub mod fields;
pub mod guard;
pub mod row;
pub mod spend;
pub mod table;
pub mod value;
pub mod xlsx;

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::error::{Error, Location, Problem, Problems, Result};
use crate::model::{Dataset, InputFile};
pub use config::Config;
use fields::{CUSTOMER_SHEETS, INTERACTION_SHEETS, ORDER_SHEETS, SPEND_SHEETS, normalize};
use table::{EXTENSIONS, Workbook};

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

/// Loads audit.yaml from `--config`, else next to the inputs, else defaults.
pub fn load_config(paths: &InputPaths) -> Result<Config> {
    let mut cfg = find_config(paths)?;
    // The command's DIR is where inputs are discovered, wherever the config lives.
    cfg.search = paths.dir.clone().unwrap_or_else(|| cfg.dir.clone());
    Ok(cfg)
}

fn find_config(paths: &InputPaths) -> Result<Config> {
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
        }
        return Ok(Config {
            dir,
            ..Config::default()
        });
    }
    Ok(Config::default())
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
        .filter(|p| p.is_file())
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
                    Location::file(&p),
                    "does not exist",
                    format!("the {role} file"),
                )
            }),
        )),
        Some(p) => Ok(Some(p)),
        None if required => Err(Error::problem(Problem::new(
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

fn open(path: &Path, problems: &mut Problems) -> Option<Workbook> {
    match Workbook::open(path) {
        Ok(b) => Some(b),
        Err(p) => {
            problems.push(p);
            None
        }
    }
}

fn sheet_or_problem(
    book: &Workbook,
    role: &str,
    names: &[&str],
    explicit: Option<&str>,
    problems: &mut Problems,
) -> Option<String> {
    let found = book.find_sheet(names, explicit, true);
    if found.is_none() {
        let list = book
            .sheet_names()
            .iter()
            .map(|s| format!("\"{s}\""))
            .collect::<Vec<_>>()
            .join(", ");
        let wanted = explicit
            .map(|e| format!("\"{e}\""))
            .unwrap_or_else(|| format!("\"{}\"", names[0]));
        problems.push(Problem::new(
            Location::file(Path::new(book.name())),
            format!("has no sheet {wanted}; sheets found: {list}"),
            format!(
                "a {role} sheet named {} (or `sheets: {{ {role}: <name> }}` in audit.yaml)",
                names
                    .iter()
                    .take(4)
                    .map(|n| format!("\"{n}\""))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    }
    found
}

/// Reads every input of one client.
pub fn load_dataset(paths: &InputPaths, cfg: &Config) -> Result<Dataset> {
    let customers_path = resolve(
        "customers",
        &paths.customers,
        &cfg.customers,
        cfg,
        CUSTOMER_SHEETS,
        true,
    )?
    .expect("required");
    let spend_named = resolve("spend", &paths.spend, &cfg.spend, cfg, SPEND_SHEETS, false)?;
    let orders_file = resolve("orders", &None, &cfg.orders, cfg, ORDER_SHEETS, false)?;
    let interactions_file = resolve(
        "interactions",
        &None,
        &cfg.interactions,
        cfg,
        INTERACTION_SHEETS,
        false,
    )?;
    let hints = cfg.hints();
    let mapped = |f: &str| cfg.column(f);
    let mut problems = Problems::default();
    let mut ds = Dataset::default();

    // Hash the inputs on the other core while they are read.
    let all_paths: Vec<PathBuf> = [
        Some(customers_path.clone()),
        spend_named.clone(),
        orders_file.clone(),
        interactions_file.clone(),
    ]
    .into_iter()
    .flatten()
    .collect();
    let (hashes, read) = rayon::join(
        || {
            all_paths
                .iter()
                .map(|p| sha256_file(p))
                .collect::<Result<Vec<_>>>()
        },
        || -> Option<_> {
            // Customers and spend are read independently, so a broken customers
            // file does not hide the spend file's problems.
            let customers_read = (|| {
                let mut cbook = open(&customers_path, &mut problems)?;
                let csheet = sheet_or_problem(
                    &cbook,
                    "customers",
                    CUSTOMER_SHEETS,
                    cfg.sheets.customers.as_deref(),
                    &mut problems,
                )?;
                // Orders/Interactions: a sheet of the customers workbook, or their own file.
                let orders_sheet = cbook
                    .find_sheet(ORDER_SHEETS, cfg.sheets.orders.as_deref(), false)
                    .filter(|s| !cbook.is_csv() && *s != csheet);
                let has_orders = orders_sheet.is_some() || orders_file.is_some();
                let ctable = customers::read_customers(
                    &mut cbook,
                    &csheet,
                    hints,
                    &mapped,
                    has_orders,
                    &mut problems,
                );
                Some((cbook, csheet, orders_sheet, ctable))
            })();
            let spend_in_customers = customers_read.as_ref().is_some_and(|(b, ..)| {
                b.find_sheet(SPEND_SHEETS, cfg.sheets.spend.as_deref(), false)
                    .is_some()
            });

            // Spend: its own file, or a sheet of the customers workbook.
            let (mut sbook, spath) = match &spend_named {
                Some(p) => (open(p, &mut problems), p.clone()),
                None if spend_in_customers => {
                    (open(&customers_path, &mut problems), customers_path.clone())
                }
                None => {
                    problems.push(Problem::new(
                        search_location(cfg),
                        "has no spend file",
                        "spend.xlsx (or .xls, .ods, .csv), `--spend FILE`, or `spend: FILE` in audit.yaml",
                    ));
                    (None, customers_path.clone())
                }
            };
            let stable = sbook.as_mut().and_then(|b| {
                let sheet = sheet_or_problem(
                    b,
                    "spend",
                    SPEND_SHEETS,
                    cfg.sheets.spend.as_deref(),
                    &mut problems,
                )?;
                spend::read_spend(b, &sheet, hints, &mapped, &mut problems).map(|t| (t, sheet))
            });
            let (cbook, csheet, orders_sheet, ctable) = customers_read?;
            let mut ctable = ctable?;
            let (stable, ssheet) = stable?;
            let mut index = activity::CustomerIndex::from_sorted(std::mem::take(&mut ctable.by_id));

            let mut orders = None;
            let mut obook_sheet: Option<(Workbook, String, PathBuf)> =
                match (&orders_sheet, &orders_file) {
                    (Some(s), _) => open(&customers_path, &mut problems)
                        .map(|b| (b, s.clone(), customers_path.clone())),
                    (None, Some(p)) => open(p, &mut problems).and_then(|b| {
                        let s = sheet_or_problem(
                            &b,
                            "orders",
                            ORDER_SHEETS,
                            cfg.sheets.orders.as_deref(),
                            &mut problems,
                        )?;
                        Some((b, s, p.clone()))
                    }),
                    _ => None,
                };
            if let Some((b, s, p)) = obook_sheet.as_mut() {
                let t = activity::read_orders(
                    b,
                    s,
                    hints,
                    &mapped,
                    &mut ctable.customers,
                    &mut index,
                    &mut problems,
                )?;
                if t.created > 0 {
                    ds.warnings.push(format!(
                        "{}: {} customer id(s) appear only in orders; they were added as customers",
                        b.location(s),
                        t.created
                    ));
                }
                if t.orders.is_empty() {
                    ds.warnings
                        .push(format!("{}: the Orders sheet has no orders", b.location(s)));
                }
                activity::apply_orders(&mut ctable.customers, &t.orders);
                ds.inputs.push(InputFile {
                    role: "orders".into(),
                    path: p.display().to_string(),
                    sheet: s.clone(),
                    rows: t.info.rows,
                    sha256: String::new(),
                });
                orders = Some(t.orders);
            }

            let interactions_sheet = cbook
                .find_sheet(
                    INTERACTION_SHEETS,
                    cfg.sheets.interactions.as_deref(),
                    false,
                )
                .filter(|s| !cbook.is_csv() && *s != csheet);
            let mut ibook: Option<(Workbook, String, PathBuf)> =
                match (&interactions_sheet, &interactions_file) {
                    (Some(s), _) => Some((cbook, s.clone(), customers_path.clone())),
                    (None, Some(p)) => open(p, &mut problems).and_then(|b| {
                        let s = sheet_or_problem(
                            &b,
                            "interactions",
                            INTERACTION_SHEETS,
                            cfg.sheets.interactions.as_deref(),
                            &mut problems,
                        )?;
                        Some((b, s, p.clone()))
                    }),
                    _ => None,
                };
            let mut interactions = None;
            if let Some((b, s, p)) = ibook.as_mut() {
                let t = activity::read_interactions(
                    b,
                    s,
                    hints,
                    &mapped,
                    &ctable.customers,
                    &index,
                    &mut problems,
                )?;
                if t.unknown_ids > 0 {
                    ds.warnings.push(format!(
                        "{}: {} interaction(s) name customer ids not in the customer list; skipped",
                        b.location(s),
                        t.unknown_ids
                    ));
                }
                ds.inputs.push(InputFile {
                    role: "interactions".into(),
                    path: p.display().to_string(),
                    sheet: s.clone(),
                    rows: t.info.rows,
                    sha256: String::new(),
                });
                interactions = Some(t.pairs);
            }
            Some((ctable, stable, ssheet, spath, csheet, orders, interactions))
        },
    );
    problems.into_result()?;
    let (ctable, stable, ssheet, spath, csheet, orders, interactions) =
        read.expect("no problems means data");
    let hashes = hashes?;

    ds.inputs.insert(
        0,
        InputFile {
            role: "customers".into(),
            path: customers_path.display().to_string(),
            sheet: csheet,
            rows: ctable.info.rows,
            sha256: String::new(),
        },
    );
    ds.inputs.insert(
        1,
        InputFile {
            role: "spend".into(),
            path: spath.display().to_string(),
            sheet: ssheet,
            rows: stable.info.rows,
            sha256: String::new(),
        },
    );
    for f in ds.inputs.iter_mut() {
        if let Some(k) = all_paths
            .iter()
            .position(|p| p.display().to_string() == f.path)
        {
            f.sha256 = hashes[k].clone();
        }
    }
    ds.warnings.extend(ctable.warnings);
    ds.customer_fields = ctable.present;
    ds.spend_fields = stable.present;
    ds.customer_extras = ctable.extras;
    ds.spend_extras = stable.extras;
    ds.touchpoints = stable.touchpoints;
    ds.orders = orders;
    ds.customers = ctable.customers;
    ds.reach_known = ctable.has_touchpoints || interactions.is_some();
    link_reach(&mut ds, &ctable.touch_names, interactions);
    Ok(ds)
}

/// Turns the touchpoint names customers mention into indices of the spend
/// rows, warning about names the spend sheet does not have.
fn link_reach(ds: &mut Dataset, names: &[String], interactions: Option<Vec<(u32, String)>>) {
    let by_name: HashMap<String, u16> = ds
        .touchpoints
        .iter()
        .enumerate()
        .map(|(i, t)| (normalize(&t.name), i as u16))
        .collect();
    let remap: Vec<Option<u16>> = names
        .iter()
        .map(|n| by_name.get(&normalize(n)).copied())
        .collect();
    let unknown: Vec<&str> = names
        .iter()
        .zip(&remap)
        .filter(|(_, r)| r.is_none())
        .map(|(n, _)| n.as_str())
        .collect();
    if !unknown.is_empty() {
        ds.warnings.push(format!(
            "the customers' touchpoints column names {} touchpoint(s) the spend sheet does not list: {}",
            unknown.len(),
            unknown.iter().take(10).copied().collect::<Vec<_>>().join(", ")
        ));
    }
    for c in ds.customers.iter_mut() {
        if !c.reached_by.is_empty() {
            let mut v: crate::model::TouchList = c
                .reached_by
                .iter()
                .filter_map(|i| remap[*i as usize])
                .collect();
            v.sort_unstable();
            v.dedup();
            c.reached_by = v;
        }
    }
    if let Some(pairs) = interactions {
        let mut unknown_tp: Vec<String> = Vec::new();
        let mut per_customer: HashMap<u32, Vec<u16>> = HashMap::new();
        for (cust, key) in pairs {
            match by_name.get(&key) {
                Some(t) => per_customer.entry(cust).or_default().push(*t),
                None => {
                    if !unknown_tp.contains(&key) {
                        unknown_tp.push(key);
                    }
                }
            }
        }
        for (cust, list) in per_customer {
            let c = &mut ds.customers[cust as usize];
            let mut v: crate::model::TouchList = c.reached_by.iter().copied().chain(list).collect();
            v.sort_unstable();
            v.dedup();
            c.reached_by = v;
        }
        if !unknown_tp.is_empty() {
            ds.warnings.push(format!(
                "the Interactions sheet names {} touchpoint(s) the spend sheet does not list",
                unknown_tp.len()
            ));
        }
    }
}
