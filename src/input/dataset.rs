//! Reading one client's inputs into a [`Dataset`]: the customers, the spend,
//! and the optional Orders and Interactions sheets (a sheet of the customers
//! workbook or a file of their own), hashed on the other core while they are
//! read. Customers and spend are read independently, so a broken customers
//! file does not hide the spend file's problems; every problem is collected.

use std::path::{Path, PathBuf};

use super::activity::{self, CustomerIndex};
use super::columns::Hints;
use super::customers::{self, CustomerTable};
use super::fields::{
    CUSTOMER_FIELDS, CUSTOMER_SHEETS, INTERACTION_FIELDS, INTERACTION_SHEETS, ORDER_FIELDS,
    ORDER_SHEETS, SPEND_FIELDS, SPEND_SHEETS,
};
use super::spend::{self, SpendTable};
use super::table::Workbook;
use super::{Config, InputPaths, resolve, search_location, sha256_file};
use crate::error::{Code, Diagnostic, Location, Problem, Problems, Result};
use crate::model::{ColumnCurrency, Customer, Dataset, InputFile, Order};

/// The files of one client, as resolved from flags, audit.yaml and discovery.
struct Files {
    customers: PathBuf,
    spend: Option<PathBuf>,
    orders: Option<PathBuf>,
    interactions: Option<PathBuf>,
}

/// What was read, before it is assembled into a [`Dataset`].
struct Read {
    customers: CustomerTable,
    customers_sheet: String,
    spend: SpendTable,
    spend_sheet: String,
    spend_path: PathBuf,
    orders: Option<Vec<Order>>,
    interactions: Option<Vec<(u32, String)>>,
    currencies: Vec<ColumnCurrency>,
}

/// The customers workbook once its sheet was read: the book stays open for
/// Orders and Interactions sheets it may hold.
struct CustomersRead {
    book: Workbook,
    sheet: String,
    orders_sheet: Option<String>,
    table: Option<CustomerTable>,
}

/// Reads the tables, collecting problems, warnings and the input list.
struct Reader<'a> {
    cfg: &'a Config,
    files: &'a Files,
    hints: Hints,
    problems: Problems,
    warnings: Vec<Diagnostic>,
    inputs: Vec<InputFile>,
    /// The orders' amount currencies, as they are read.
    currencies: Vec<ColumnCurrency>,
    /// The spend sheet's extra columns, once its header was found.
    spend_extras: Option<Vec<String>>,
}

/// Reads every input of one client.
pub fn load_dataset(paths: &InputPaths, cfg: &Config) -> Result<Dataset> {
    load_dataset_with_extras(paths, cfg).0
}

/// Reads every input of one client; beside the result, the spend sheet's
/// extra columns whenever its header was found — also when the inputs have
/// problems, so the checklist's fields can still be checked in the same run.
pub fn load_dataset_with_extras(
    paths: &InputPaths,
    cfg: &Config,
) -> (Result<Dataset>, Option<Vec<String>>) {
    let mut extras = None;
    let ds = read_dataset(paths, cfg, &mut extras);
    (ds, extras)
}

fn read_dataset(
    paths: &InputPaths,
    cfg: &Config,
    extras_seen: &mut Option<Vec<String>>,
) -> Result<Dataset> {
    let files = Files {
        customers: resolve(
            "customers",
            &paths.customers,
            &cfg.customers,
            cfg,
            CUSTOMER_SHEETS,
            true,
        )?
        .expect("required"),
        spend: resolve("spend", &paths.spend, &cfg.spend, cfg, SPEND_SHEETS, false)?,
        orders: resolve("orders", &None, &cfg.orders, cfg, ORDER_SHEETS, false)?,
        interactions: resolve(
            "interactions",
            &None,
            &cfg.interactions,
            cfg,
            INTERACTION_SHEETS,
            false,
        )?,
    };
    let all_paths: Vec<PathBuf> = [
        Some(files.customers.clone()),
        files.spend.clone(),
        files.orders.clone(),
        files.interactions.clone(),
    ]
    .into_iter()
    .flatten()
    .collect();
    let mut reader = Reader {
        cfg,
        files: &files,
        hints: cfg.hints(),
        problems: Problems::default(),
        warnings: Vec::new(),
        inputs: Vec::new(),
        currencies: Vec::new(),
        spend_extras: None,
    };
    // Hash the inputs on the other core while they are read.
    let (hashes, read) = rayon::join(
        || {
            all_paths
                .iter()
                .map(|p| sha256_file(p))
                .collect::<Result<Vec<_>>>()
        },
        || reader.read_all(),
    );
    *extras_seen = reader.spend_extras.take();
    reader.problems.into_result()?;
    let read = read.expect("no problems means data");
    let hashes = hashes?;
    let mut ds = assemble(
        read,
        &files,
        reader.warnings,
        reader.inputs,
        &all_paths,
        &hashes,
    );
    let currency = super::currency::detect_currency(cfg.currency.as_deref(), &ds.currencies);
    ds.warnings.extend(currency.warning);
    ds.currency = currency.code;
    Ok(ds)
}

/// Puts the tables together: the input list (customers and spend first, each
/// with its hash), the fields present, and which touchpoints reached whom.
fn assemble(
    read: Read,
    files: &Files,
    warnings: Vec<Diagnostic>,
    mut inputs: Vec<InputFile>,
    all_paths: &[PathBuf],
    hashes: &[String],
) -> Dataset {
    let Read {
        customers: ctable,
        customers_sheet,
        spend: stable,
        spend_sheet,
        spend_path,
        orders,
        interactions,
        currencies,
    } = read;
    inputs.insert(
        0,
        ctable.info.input_file(
            "customers",
            &files.customers,
            customers_sheet,
            CUSTOMER_FIELDS,
        ),
    );
    inputs.insert(
        1,
        stable
            .info
            .input_file("spend", &spend_path, spend_sheet, SPEND_FIELDS),
    );
    for f in inputs.iter_mut() {
        if let Some(k) = all_paths
            .iter()
            .position(|p| p.display().to_string() == f.path)
        {
            f.sha256 = hashes[k].clone();
        }
    }
    let mut ds = Dataset {
        inputs,
        warnings,
        ..Dataset::default()
    };
    ds.warnings.extend(ctable.warnings);
    ds.warnings.extend(stable.warnings);
    ds.spend_span = stable.span;
    ds.currencies = currencies;
    ds.customer_fields = ctable.present;
    ds.customer_columns = ctable.info.mapping.columns.clone();
    ds.spend_fields = stable.present;
    ds.customer_extras = ctable.extras;
    ds.spend_extras = stable.extras;
    ds.touchpoints = stable.touchpoints;
    ds.orders = orders;
    ds.customers = ctable.customers;
    ds.labels = ctable.labels;
    // Read with amortised growth: up to twice the rows in capacity (at a
    // million customers, 12 MB of it idle for the rest of the audit).
    ds.customers.shrink_to_fit();
    ds.reach_known = ctable.has_touchpoints || interactions.is_some();
    super::reach::link_reach(&mut ds, &ctable.touch_names, interactions);
    if let Some(w) = crate::model::limits::clamp_texts(&mut ds) {
        ds.warnings.push(w);
    }
    ds
}

impl Reader<'_> {
    /// Reads every table; `None` when a required one could not be read (the
    /// problems say why).
    fn read_all(&mut self) -> Option<Read> {
        let customers_read = self.customers();
        let spend_in_customers = customers_read.as_ref().is_some_and(|c| {
            c.book
                .find_sheet(SPEND_SHEETS, self.cfg.sheets.spend.as_deref(), false)
                .is_some()
        });
        let spend_read = self.spend(spend_in_customers);
        let CustomersRead {
            book,
            sheet: customers_sheet,
            orders_sheet,
            table,
        } = customers_read?;
        let mut ctable = table;
        // Orders and Interactions are read even when the customers or the
        // spend had problems, so that theirs are reported in the same run
        // (against no customers, then: only their problems count).
        let mut scratch: Vec<Customer> = Vec::new();
        let (customers, sorted) = match ctable.as_mut() {
            Some(t) => (&mut t.customers, std::mem::take(&mut t.by_id)),
            None => (&mut scratch, Vec::new()),
        };
        let mut index = CustomerIndex::from_sorted(sorted);
        let orders = self.orders(orders_sheet.as_deref(), customers, &mut index);
        let interactions = self.interactions(book, &customers_sheet, customers, &index);
        let ctable = ctable?;
        let (spend, spend_sheet, spend_path) = spend_read?;
        let currencies = self.currencies(&ctable, &spend, &spend_path);
        Some(Read {
            customers: ctable,
            customers_sheet,
            spend,
            spend_sheet,
            spend_path,
            orders: orders?,
            interactions: interactions?,
            currencies,
        })
    }

    /// The currencies the revenue and spend columns state (the orders'
    /// amounts were added as they were read).
    fn currencies(
        &mut self,
        ctable: &CustomerTable,
        spend: &SpendTable,
        spend_path: &Path,
    ) -> Vec<ColumnCurrency> {
        let file = |p: &Path| crate::error::display_name(p);
        let mut out: Vec<ColumnCurrency> = ctable
            .currencies
            .iter()
            .map(|c| ColumnCurrency {
                file: file(&self.files.customers),
                field: "revenue".into(),
                mark: c,
                codes: super::currency::mark_codes(c),
            })
            .collect();
        out.extend(spend.currencies.iter().map(|(f, c)| ColumnCurrency {
            file: file(spend_path),
            field: f.clone(),
            mark: c,
            codes: super::currency::mark_codes(c),
        }));
        out.append(&mut self.currencies);
        out.dedup();
        out
    }

    /// The customers sheet, and whether the same workbook holds an Orders sheet.
    fn customers(&mut self) -> Option<CustomersRead> {
        let cfg = self.cfg;
        let mapped = |f: &str| cfg.column(f);
        let mut book = open(&self.files.customers, &mut self.problems)?;
        let sheet = sheet_or_problem(
            &book,
            "customers",
            CUSTOMER_SHEETS,
            cfg.sheets.customers.as_deref(),
            &mut self.problems,
        )?;
        let orders_sheet = book
            .find_sheet(ORDER_SHEETS, cfg.sheets.orders.as_deref(), false)
            .filter(|s| !book.is_csv() && *s != sheet);
        let has_orders = orders_sheet.is_some() || self.files.orders.is_some();
        let table = customers::read_customers(
            &mut book,
            &sheet,
            self.hints,
            &mapped,
            has_orders,
            &mut self.problems,
        );
        Some(CustomersRead {
            book,
            sheet,
            orders_sheet,
            table,
        })
    }

    /// The spend sheet: its own file, or a sheet of the customers workbook.
    fn spend(&mut self, in_customers: bool) -> Option<(SpendTable, String, PathBuf)> {
        let cfg = self.cfg;
        let mapped = |f: &str| cfg.column(f);
        let (book, path) = match &self.files.spend {
            Some(p) => (open(p, &mut self.problems), p.clone()),
            None if in_customers => (
                open(&self.files.customers, &mut self.problems),
                self.files.customers.clone(),
            ),
            None => {
                self.problems.push(Problem::new(Code::FileMissing,
                    search_location(cfg),
                    "has no spend file",
                    "spend.xlsx (or .xls, .ods, .csv), `--spend FILE`, or `spend: FILE` in audit.yaml",
                ));
                return None;
            }
        };
        let mut book = book?;
        let sheet = sheet_or_problem(
            &book,
            "spend",
            SPEND_SHEETS,
            cfg.sheets.spend.as_deref(),
            &mut self.problems,
        )?;
        let table = spend::read_spend(
            &mut book,
            &sheet,
            self.hints,
            &mapped,
            &mut self.problems,
            &mut self.spend_extras,
        )?;
        Some((table, sheet, path))
    }

    /// A sheet of the customers workbook, or a file of its own with the named sheet.
    fn activity_book(
        &mut self,
        role: &str,
        names: &[&str],
        explicit: Option<&str>,
        in_customers: Option<(Option<Workbook>, &str)>,
        own_file: Option<&PathBuf>,
    ) -> Option<(Workbook, String, PathBuf)> {
        match (in_customers, own_file) {
            (Some((book, s)), _) => {
                let book = book.or_else(|| open(&self.files.customers, &mut self.problems))?;
                Some((book, s.to_string(), self.files.customers.clone()))
            }
            (None, Some(p)) => {
                let b = open(p, &mut self.problems)?;
                let s = sheet_or_problem(&b, role, names, explicit, &mut self.problems)?;
                Some((b, s, p.clone()))
            }
            _ => None,
        }
    }

    /// The Orders sheet, when there is one: it replaces the customers' order
    /// figures. `None` when it could not be read; `Some(None)` when there is none.
    fn orders(
        &mut self,
        sheet: Option<&str>,
        customers: &mut Vec<Customer>,
        index: &mut CustomerIndex,
    ) -> Option<Option<Vec<Order>>> {
        let cfg = self.cfg;
        let mapped = |f: &str| cfg.column(f);
        let own = self.files.orders.clone();
        let Some((mut b, s, p)) = self.activity_book(
            "orders",
            ORDER_SHEETS,
            cfg.sheets.orders.as_deref(),
            sheet.map(|s| (None, s)),
            own.as_ref(),
        ) else {
            return Some(None);
        };
        let t = activity::read_orders(
            &mut b,
            &s,
            self.hints,
            &mapped,
            customers,
            index,
            &mut self.problems,
        )?;
        if t.created > 0 {
            self.warnings.push(Diagnostic::at(
                Code::OrdersOnlyCustomers,
                b.location(&s),
                format!(
                    "{} customer id(s) appear only in orders; they were added as customers ({})",
                    t.created,
                    first_ids(&t.created_ids, t.created)
                ),
            ));
        }
        self.warnings.extend(t.info.warnings.iter().cloned());
        let file = crate::error::display_name(&p);
        self.currencies
            .extend(t.currencies.iter().map(|c| ColumnCurrency {
                file: file.clone(),
                field: "amount".into(),
                mark: c,
                codes: super::currency::mark_codes(c),
            }));
        if t.orders.is_empty() {
            self.warnings.push(Diagnostic::at(
                Code::NoOrders,
                b.location(&s),
                "the Orders sheet has no orders",
            ));
        }
        activity::apply_orders(customers, &t.orders);
        self.inputs
            .push(t.info.input_file("orders", &p, s, ORDER_FIELDS));
        Some(Some(t.orders))
    }

    /// The Interactions sheet, when there is one: which touchpoint reached whom.
    fn interactions(
        &mut self,
        customers_book: Workbook,
        customers_sheet: &str,
        customers: &[Customer],
        index: &CustomerIndex,
    ) -> Option<Option<Vec<(u32, String)>>> {
        let cfg = self.cfg;
        let mapped = |f: &str| cfg.column(f);
        let sheet = customers_book
            .find_sheet(
                INTERACTION_SHEETS,
                cfg.sheets.interactions.as_deref(),
                false,
            )
            .filter(|s| !customers_book.is_csv() && *s != customers_sheet);
        let own = self.files.interactions.clone();
        let Some((mut b, s, p)) = self.activity_book(
            "interactions",
            INTERACTION_SHEETS,
            cfg.sheets.interactions.as_deref(),
            sheet.as_deref().map(|s| (Some(customers_book), s)),
            own.as_ref(),
        ) else {
            return Some(None);
        };
        let t = activity::read_interactions(
            &mut b,
            &s,
            self.hints,
            &mapped,
            customers,
            index,
            &mut self.problems,
        )?;
        if t.unknown_ids > 0 {
            self.warnings.push(Diagnostic::at(
                Code::UnknownInteractionCustomers,
                b.location(&s),
                format!(
                    "{} interaction(s) name customer ids not in the customer list; skipped ({})",
                    t.unknown_ids,
                    first_ids(&t.unknown_first, t.unknown_ids)
                ),
            ));
        }
        self.warnings.extend(t.info.warnings.iter().cloned());
        self.inputs
            .push(t.info.input_file("interactions", &p, s, INTERACTION_FIELDS));
        Some(Some(t.pairs))
    }
}

/// The first ids of a list for a warning: `"C7", "C9"` or `"C7", … (12 in all)`.
fn first_ids(ids: &[String], total: usize) -> String {
    let list: Vec<String> = ids.iter().map(|i| format!("\"{i}\"")).collect();
    if total > ids.len() {
        format!("first: {}, … {total} in all", list.join(", "))
    } else {
        list.join(", ")
    }
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
            Code::MissingSheet,
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
