//! Deterministic generator of mixaudit client folders.
//!
//! ```sh
//! cargo run --release --example generate -- --customers N --out DIR \
//!     [--seed S] [--orders] [--interactions] [--messy]
//! ```
//!
//! Writes into DIR
//!
//! - `customers.xlsx`: sheet `Customers`, the canonical SPEC §2.2 headers, one
//!   row per customer (dates are real Excel date cells). With `--orders` a
//!   sheet `Orders` (customer_id, date, amount), one row per order, consistent
//!   with each customer's orders / revenue / first and last purchase. With
//!   `--interactions` a sheet `Interactions` (customer_id, touchpoint, date),
//!   one row per touchpoint in the customer's `touchpoints` cell.
//! - `spend.xlsx`: sheet `Spend`, the SPEC §2.3 headers, 40 touchpoints over
//!   the 7 Ps; the budget is 60 × customers.
//! - `gen.json`: what was generated.
//!
//! The distributions are those of `shared/bench/gen.py` (geometric orders,
//! lognormal basket, exponential recency, 4 % prospects, 15 % missing contact,
//! 25 % missing satisfaction, …); the random numbers come from ChaCha8 seeded
//! with `--seed`, so the values differ from gen.py's but the same arguments
//! always give byte-identical files. Each table draws from its own ChaCha
//! stream, so the customer rows of one seed are the same with or without
//! `--orders`, `--interactions` or `--messy`.
//!
//! `--messy` writes the same data the way a real client export looks: two
//! title rows above the header, Danish headers (synonyms mixaudit knows),
//! Danish sheet names (Kunder, Budget, Ordrer, Interaktioner), about 10 % of
//! revenues as text like `1.234,50 kr.`, about 2 % of dates typed as text
//! `31.12.2025`, booleans as ja/nej and an extra column `Kundetype`. Read it
//! with `decimal: ","` and `dates: day-first` in audit.yaml.
//!
//! Rows are streamed through rust_xlsxwriter's constant-memory worksheets
//! (their temporary files go into DIR), so memory stays bounded at 1,000,000
//! customers. Files are written under temporary names and renamed at the end.

use std::f64::consts::TAU;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use chrono::{Duration, NaiveDate};
use clap::Parser;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet};

/// The default seed (the same as gen.py's).
const SEED: u64 = 20260630;
/// The audit date the data is generated relative to.
const AS_OF: (i32, u32, u32) = (2026, 6, 30);
/// Excel's last row is 1,048,576 (zero-based 1,048,575).
const EXCEL_MAX_ROW: u32 = 1_048_575;

// ChaCha streams: one per table, so adding a table never changes another.
const STREAM_CUSTOMERS: u64 = 0;
const STREAM_ORDERS: u64 = 1;
const STREAM_INTERACTIONS: u64 = 2;
const STREAM_MESSY: u64 = 3;
const STREAM_SPEND: u64 = 4;

const CUSTOMER_HEADERS: [&str; 14] = [
    "customer_id",
    "name",
    "segment",
    "first_purchase",
    "last_purchase",
    "orders",
    "revenue",
    "last_contact",
    "open_complaints",
    "satisfaction",
    "referrals",
    "status",
    "churn_reason",
    "touchpoints",
];
/// Messy headers, all synonyms from src/input/fields.rs.
const CUSTOMER_HEADERS_DK: [&str; 14] = [
    "Kundenr.",
    "Navn",
    "Segment",
    "Første køb",
    "Seneste køb",
    "Antal ordrer",
    "Omsætning",
    "Seneste kontakt",
    "Åbne klager",
    "Anbefalingsscore",
    "Henvisninger",
    "Status",
    "Årsag",
    "Kontaktflader",
];
/// The extra column of the messy export (inserted after Segment).
const EXTRA_HEADER_DK: &str = "Kundetype";
const EXTRA_COLUMN: u16 = 3;

const SPEND_HEADERS: [&str; 12] = [
    "touchpoint",
    "p",
    "spend",
    "objective",
    "stage",
    "channel",
    "owner",
    "cadence_days",
    "personalized",
    "feedback_loop",
    "reach",
    "responses",
];
const SPEND_HEADERS_DK: [&str; 12] = [
    "Kontaktflade",
    "P",
    "Beløb",
    "Formål",
    "Trin",
    "Kanal",
    "Ansvarlig",
    "Interval dage",
    "Personlig",
    "Tilbagemelding",
    "Rækkevidde",
    "Svar",
];
const ORDER_HEADERS: [&str; 3] = ["customer_id", "date", "amount"];
const ORDER_HEADERS_DK: [&str; 3] = ["Kundenr.", "Dato", "Beløb"];
const INTERACTION_HEADERS: [&str; 3] = ["customer_id", "touchpoint", "date"];
const INTERACTION_HEADERS_DK: [&str; 3] = ["Kundenr.", "Kontaktflade", "Dato"];

/// A touchpoint of the spend sheet: name, p, objective, stage, channel, owner,
/// cadence_days, personalized, feedback_loop, budget weight.
type Touchpoint = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Option<u32>,
    bool,
    bool,
    f64,
);

#[rustfmt::skip]
const TOUCHPOINTS: [Touchpoint; 40] = [
    ("Product bundles", "product", "both", "customer; client", "webshop", "marketing", None, false, false, 2.0),
    ("Extended warranty", "product", "retention", "customer; client", "store", "sales", None, false, false, 1.0),
    ("Product quality programme", "product", "retention", "client; supporter", "operations", "operations", None, false, true, 1.5),
    ("Onboarding kit", "product", "retention", "customer", "mail", "service", None, true, false, 1.0),
    ("Premium tier upgrade", "product", "retention", "client; supporter", "email", "marketing", Some(180), true, false, 1.2),
    ("Loyalty discount", "price", "retention", "client; supporter; advocate", "webshop", "marketing", Some(90), true, false, 2.5),
    ("Welcome offer", "price", "acquisition", "prospect", "paid search", "marketing", None, false, false, 3.0),
    ("Volume pricing", "price", "both", "client", "sales", "sales", None, false, false, 1.0),
    ("Price-match guarantee", "price", "acquisition", "prospect; customer", "store", "sales", None, false, false, 0.8),
    ("Win-back coupon", "price", "retention", "customer", "email", "marketing", Some(365), true, false, 0.7),
    ("Webshop", "place", "both", "prospect; customer; client", "webshop", "ecommerce", None, false, true, 4.0),
    ("Flagship store", "place", "both", "prospect; customer; client", "store", "retail", None, false, false, 6.0),
    ("Mobile app", "place", "retention", "client; supporter", "app", "ecommerce", Some(30), true, true, 3.0),
    ("Partner resellers", "place", "acquisition", "prospect", "partners", "sales", None, false, false, 2.5),
    ("Click and collect", "place", "both", "customer; client", "store", "retail", None, false, false, 1.0),
    ("Marketplace listing", "place", "acquisition", "prospect", "marketplace", "ecommerce", None, false, false, 1.5),
    ("Loyalty newsletter", "promotion", "retention", "customer; client; supporter", "email", "marketing", Some(30), false, false, 1.0),
    ("Paid search", "promotion", "acquisition", "prospect", "paid search", "marketing", None, false, false, 9.0),
    ("Social ads", "promotion", "acquisition", "prospect", "social", "marketing", None, false, false, 7.0),
    ("Display retargeting", "promotion", "acquisition", "prospect", "display", "marketing", Some(7), false, false, 4.0),
    ("TV spot", "promotion", "acquisition", "prospect", "tv", "marketing", None, false, false, 12.0),
    ("Trade fair", "promotion", "acquisition", "prospect", "events", "sales", Some(365), false, false, 3.0),
    ("Referral programme", "promotion", "both", "supporter; advocate", "email", "marketing", None, true, true, 1.0),
    ("Customer magazine", "promotion", "retention", "client; supporter", "mail", "marketing", Some(120), false, false, 1.5),
    ("Birthday email", "promotion", "retention", "customer; client", "email", "marketing", Some(365), true, false, 0.2),
    ("Key account managers", "people", "retention", "client; supporter; advocate", "phone", "sales", Some(60), true, true, 5.0),
    ("Customer service hotline", "people", "retention", "customer; client", "phone", "service", None, true, true, 3.5),
    ("Store staff training", "people", "both", "customer; client", "store", "retail", None, false, false, 1.0),
    ("Customer success calls", "people", "retention", "client", "phone", "service", Some(90), true, true, 2.0),
    ("Field sales", "people", "acquisition", "prospect", "visits", "sales", Some(30), true, false, 6.0),
    ("Complaint handling", "process", "retention", "customer; client", "phone", "service", None, true, true, 1.5),
    ("Satisfaction survey", "process", "retention", "customer; client; supporter", "email", "service", Some(180), false, true, 0.5),
    ("Delivery tracking", "process", "both", "customer", "email", "operations", None, false, false, 0.8),
    ("Returns process", "process", "retention", "customer", "store", "operations", None, false, false, 0.7),
    ("Win-back calls", "process", "retention", "customer", "phone", "service", Some(365), true, false, 0.6),
    ("Packaging", "physical_evidence", "both", "customer", "product", "operations", None, false, false, 1.5),
    ("Store design", "physical_evidence", "acquisition", "prospect; customer", "store", "retail", None, false, false, 2.0),
    ("Website design", "physical_evidence", "both", "prospect; customer", "webshop", "ecommerce", None, false, false, 1.5),
    ("Invoices and statements", "physical_evidence", "retention", "customer; client", "mail", "finance", Some(30), false, false, 0.3),
    ("Thank-you cards", "physical proof", "retention", "supporter; advocate", "mail", "service", None, true, false, 0.1),
];

/// Touchpoints a customer can have engaged with, and how likely each is.
#[rustfmt::skip]
const ENGAGED: [(&str, f64); 18] = [
    ("Loyalty newsletter", 0.35), ("Webshop", 0.30), ("Flagship store", 0.20),
    ("Mobile app", 0.15), ("Loyalty discount", 0.15), ("Customer service hotline", 0.10),
    ("Complaint handling", 0.04), ("Satisfaction survey", 0.12), ("Key account managers", 0.03),
    ("Customer magazine", 0.08), ("Birthday email", 0.10), ("Referral programme", 0.03),
    ("Win-back coupon", 0.03), ("Paid search", 0.10), ("Social ads", 0.08),
    ("Customer success calls", 0.03), ("Click and collect", 0.05), ("Premium tier upgrade", 0.02),
];

#[rustfmt::skip]
const FIRST_NAMES: [&str; 60] = [
    "Anna", "Ben", "Carla", "David", "Emma", "Frederik", "Greta", "Hans", "Ida", "Jonas", "Karin",
    "Lars", "Maja", "Niels", "Olivia", "Peter", "Queenie", "Rasmus", "Sofie", "Thomas", "Ulla",
    "Viktor", "Wanda", "Xenia", "Yasmin", "Zoe", "Ahmed", "Birgit", "Chen", "Dorthe", "Erik",
    "Fatima", "Gustav", "Helle", "Ingrid", "Jens", "Kim", "Lene", "Mads", "Nina", "Ole", "Pia",
    "Rikke", "Søren", "Tove", "Uffe", "Vibeke", "William", "Astrid", "Bo", "Camilla", "Dennis",
    "Elin", "Finn", "Gitte", "Henrik", "Isabella", "Jakob", "Klara", "Lukas",
];
#[rustfmt::skip]
const LAST_NAMES: [&str; 78] = [
    "Hansen", "Jensen", "Nielsen", "Pedersen", "Andersen", "Christensen", "Larsen", "Sørensen",
    "Rasmussen", "Jørgensen", "Petersen", "Madsen", "Kristensen", "Olsen", "Thomsen",
    "Christiansen", "Poulsen", "Johansen", "Møller", "Mortensen", "Müller", "Schmidt",
    "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann", "Smith",
    "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Garcia", "Wilson", "Taylor",
    "Anderson", "Thomas", "Moore", "Martin", "Jackson", "Thompson", "White", "Harris", "Clark",
    "Lewis", "Walker", "Hall", "Young", "King", "Wright", "Lopez", "Hill", "Scott", "Green",
    "Adams", "Baker", "Nelson", "Carter", "Mitchell", "Roberts", "Turner", "Phillips", "Campbell",
    "Parker", "Evans", "Edwards", "Collins", "Stewart", "Morris", "Rogers", "Reed", "Cook", "Bell",
];
const SEGMENTS: [&str; 6] = [
    "B2C North",
    "B2C South",
    "B2C East",
    "B2C West",
    "B2B SME",
    "B2B Enterprise",
];
const SEGMENT_P: [f64; 6] = [0.22, 0.22, 0.18, 0.18, 0.15, 0.05];
const STATUS_VALUES: [&str; 5] = ["churned", "lost", "active", "inactive", "closed"];
const STATUS_P: [f64; 5] = [0.35, 0.15, 0.30, 0.15, 0.05];
const SATISFACTION_P: [f64; 11] = [
    0.02, 0.01, 0.02, 0.03, 0.04, 0.07, 0.09, 0.16, 0.20, 0.19, 0.17,
];
#[rustfmt::skip]
const CHURN_REASONS: [&str; 12] = [
    "Found a cheaper offer", "Price increase", "Too expensive",
    "Complaint never resolved", "Bad service experience", "Delivery problems",
    "Switched to competitor", "Competitor offered a better deal",
    "Nobody followed up", "Felt ignored", "No longer needed", "Moved abroad",
];

#[derive(Parser, Debug)]
#[command(
    about = "Generate a deterministic mixaudit client folder (customers.xlsx, spend.xlsx, gen.json)"
)]
struct Args {
    /// Number of customer rows.
    #[arg(long)]
    customers: u32,
    /// Client folder to write (created if missing).
    #[arg(long)]
    out: PathBuf,
    /// Random seed: the same arguments always give byte-identical files.
    #[arg(long, default_value_t = SEED)]
    seed: u64,
    /// Add an Orders sheet to customers.xlsx, one row per order.
    #[arg(long)]
    orders: bool,
    /// Add an Interactions sheet to customers.xlsx, one row per engaged touchpoint.
    #[arg(long)]
    interactions: bool,
    /// Write it like a real client export (title rows, Danish headers, text money and dates).
    #[arg(long)]
    messy: bool,
}

// ---------------------------------------------------------------- randomness

fn rng(seed: u64, stream: u64) -> ChaCha8Rng {
    let mut r = ChaCha8Rng::seed_from_u64(seed);
    r.set_stream(stream);
    r
}

/// Uniform in (0, 1]: safe to take the logarithm of.
fn unit_open(r: &mut ChaCha8Rng) -> f64 {
    1.0 - r.random::<f64>()
}

fn chance(r: &mut ChaCha8Rng, p: f64) -> bool {
    r.random::<f64>() < p
}

/// Standard normal (Box–Muller).
fn normal(r: &mut ChaCha8Rng) -> f64 {
    let u1 = unit_open(r);
    let u2 = r.random::<f64>();
    (-2.0 * u1.ln()).sqrt() * (TAU * u2).cos()
}

fn exponential(r: &mut ChaCha8Rng, mean: f64) -> f64 {
    -mean * unit_open(r).ln()
}

/// Trials up to the first success, ≥ 1 (numpy's `geometric`).
fn geometric(r: &mut ChaCha8Rng, p: f64) -> u32 {
    1 + (unit_open(r).ln() / (1.0 - p).ln()).floor() as u32
}

/// Poisson by multiplication (fine for a small mean).
fn poisson(r: &mut ChaCha8Rng, mean: f64) -> u32 {
    let limit = (-mean).exp();
    let mut k = 0;
    let mut p = r.random::<f64>();
    while p > limit {
        k += 1;
        p *= r.random::<f64>();
    }
    k
}

/// Index drawn with the given probabilities.
fn choose(r: &mut ChaCha8Rng, weights: &[f64]) -> usize {
    let total: f64 = weights.iter().sum();
    let mut u = r.random::<f64>() * total;
    for (i, w) in weights.iter().enumerate() {
        if u < *w {
            return i;
        }
        u -= w;
    }
    weights.len() - 1
}

// ---------------------------------------------------------------- customers

/// One generated customer; ages are days before as_of.
struct Customer {
    first_name: usize,
    last_name: usize,
    segment: usize,
    prospect: bool,
    orders: u32,
    revenue_cents: i64,
    first_age: i64,
    recency: i64,
    contact_age: Option<i64>,
    complaints: u32,
    satisfaction: Option<u32>,
    referrals: u32,
    status: Option<usize>,
    reason: Option<usize>,
    /// Bit i set: engaged with ENGAGED[i].
    engaged: u32,
}

/// The customer rows, one at a time, from the customers stream of a seed:
/// every sheet that needs them replays the same sequence.
struct Customers {
    rng: ChaCha8Rng,
}

impl Customers {
    fn new(seed: u64) -> Self {
        Customers {
            rng: rng(seed, STREAM_CUSTOMERS),
        }
    }

    fn next(&mut self) -> Customer {
        let r = &mut self.rng;
        let first_name = r.random_range(0..FIRST_NAMES.len());
        let last_name = r.random_range(0..LAST_NAMES.len());
        let segment = choose(r, &SEGMENT_P);

        let prospect = chance(r, 0.04);
        let mut orders = geometric(r, 0.3);
        if prospect {
            orders = 0;
        }
        let basket = (110f64.ln() + 0.9 * normal(r)).exp();
        let revenue_cents = (f64::from(orders) * basket * 100.0).round() as i64;

        // First purchase up to 8 years back; the last an exponential recency,
        // never before the first (one-order buyers: the same day).
        let first_age = r.random_range(0..8 * 365) as i64;
        let mut recency = (exponential(r, 260.0) as i64).min(first_age);
        if orders == 1 {
            recency = first_age;
        }

        let contact_age = exponential(r, 70.0) as i64;
        let contact_age = (!chance(r, 0.15)).then_some(contact_age);
        let complaints = if chance(r, 0.08) {
            r.random_range(1..4)
        } else {
            0
        };
        let satisfaction = choose(r, &SATISFACTION_P) as u32;
        let satisfaction = (!chance(r, 0.25)).then_some(satisfaction);
        let referrals = poisson(r, 0.15);

        let status = chance(r, 0.03).then(|| choose(r, &STATUS_P));
        let lost = status.is_some_and(|s| STATUS_VALUES[s] != "active") || recency > 365;
        let reason =
            (lost && !prospect && chance(r, 0.3)).then(|| r.random_range(0..CHURN_REASONS.len()));

        let mut engaged = 0u32;
        for (i, (_, p)) in ENGAGED.iter().enumerate() {
            if chance(r, *p) {
                engaged |= 1 << i;
            }
        }
        Customer {
            first_name,
            last_name,
            segment,
            prospect,
            orders,
            revenue_cents,
            first_age,
            recency,
            contact_age,
            complaints,
            satisfaction,
            referrals,
            status,
            reason,
            engaged,
        }
    }
}

// ---------------------------------------------------------------- formatting

struct Formats {
    bold: Format,
    title: Format,
    date: Format,
    money: Format,
    money0: Format,
}

impl Formats {
    fn new() -> Self {
        Formats {
            bold: Format::new().set_bold(),
            title: Format::new().set_bold().set_font_size(14),
            date: Format::new().set_num_format("yyyy-mm-dd"),
            money: Format::new().set_num_format("#,##0.00"),
            money0: Format::new().set_num_format("#,##0"),
        }
    }
}

fn excel_epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(1899, 12, 30).expect("valid date")
}

fn as_of_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(AS_OF.0, AS_OF.1, AS_OF.2).expect("valid date")
}

fn as_of_serial() -> i64 {
    (as_of_date() - excel_epoch()).num_days()
}

/// `31.12.2025` for an Excel serial.
fn dotted_date(serial: i64, buf: &mut String) {
    use std::fmt::Write;
    buf.clear();
    let d = excel_epoch() + Duration::days(serial);
    let _ = write!(buf, "{}", d.format("%d.%m.%Y"));
}

/// `1.234,50 kr.` for an amount in cents.
fn danish_money(cents: i64, buf: &mut String) {
    buf.clear();
    let whole = (cents / 100).to_string();
    let n = whole.len();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (n - i).is_multiple_of(3) {
            buf.push('.');
        }
        buf.push(c);
    }
    buf.push_str(&format!(",{:02} kr.", cents % 100));
}

fn customer_id(n: u32, buf: &mut String) {
    use std::fmt::Write;
    buf.clear();
    let _ = write!(buf, "C{n:07}");
}

fn fixed_properties(title: &str) -> Result<DocProperties> {
    let created = ExcelDateTime::from_ymd(AS_OF.0 as u16, AS_OF.1 as u8, AS_OF.2 as u8)?;
    Ok(DocProperties::new()
        .set_title(title)
        .set_author("mixaudit examples/generate.rs")
        .set_company("Nordlys ApS")
        .set_creation_datetime(&created))
}

fn new_workbook(dir: &Path, title: &str) -> Result<Workbook> {
    let mut wb = Workbook::new();
    wb.set_tempdir(dir)
        .context("temporary directory for the worksheets")?;
    wb.set_properties(&fixed_properties(title)?);
    Ok(wb)
}

/// Title rows (messy) and the header row; returns the header row index.
fn write_header(
    ws: &mut Worksheet,
    f: &Formats,
    messy: bool,
    title: &str,
    headers: &[&str],
) -> Result<u32> {
    let row = if messy {
        ws.write_string_with_format(0, 0, title, &f.title)?;
        2 // row 1 stays blank
    } else {
        0
    };
    for (c, h) in headers.iter().enumerate() {
        ws.write_string_with_format(row, c as u16, *h, &f.bold)?;
    }
    ws.set_freeze_panes(row + 1, 0)?;
    Ok(row)
}

fn check_row(row: u32, sheet: &str) -> Result<()> {
    if row > EXCEL_MAX_ROW {
        bail!("the {sheet} sheet would exceed Excel's 1,048,576 rows; generate fewer customers");
    }
    Ok(())
}

// ---------------------------------------------------------------- sheets

struct Counts {
    orders: u64,
    interactions: u64,
}

fn write_customers_sheet(ws: &mut Worksheet, f: &Formats, args: &Args) -> Result<()> {
    let messy = args.messy;
    ws.set_name(if messy { "Kunder" } else { "Customers" })?;
    let mut headers: Vec<&str> = if messy {
        CUSTOMER_HEADERS_DK.to_vec()
    } else {
        CUSTOMER_HEADERS.to_vec()
    };
    if messy {
        headers.insert(EXTRA_COLUMN as usize, EXTRA_HEADER_DK);
    }
    let header_row = write_header(ws, f, messy, "Nordlys ApS — customer export", &headers)?;
    // Column of canonical field i (the messy extra column shifts the rest).
    let col = |i: u16| if messy && i >= EXTRA_COLUMN { i + 1 } else { i };
    let widths = [
        10.0, 22.0, 15.0, 12.0, 12.0, 8.0, 12.0, 12.0, 8.0, 8.0, 8.0, 10.0, 30.0, 60.0,
    ];
    for (i, w) in widths.iter().enumerate() {
        ws.set_column_width(col(i as u16), *w)?;
    }
    if messy {
        ws.set_column_width(EXTRA_COLUMN, 10.0)?;
    }

    let as_of = as_of_serial();
    let mut people = Customers::new(args.seed);
    let mut mess = rng(args.seed, STREAM_MESSY);
    let (mut id, mut name, mut touch, mut text) =
        (String::new(), String::new(), String::new(), String::new());

    for n in 1..=args.customers {
        let c = people.next();
        let row = header_row + n;
        check_row(row, "Customers")?;
        // Fixed number of draws per row keeps the messy stream simple.
        let (text_revenue, text_first, text_last, text_contact) = (
            chance(&mut mess, 0.10),
            chance(&mut mess, 0.02),
            chance(&mut mess, 0.02),
            chance(&mut mess, 0.02),
        );

        customer_id(n, &mut id);
        ws.write_string(row, col(0), id.as_str())?;
        name.clear();
        name.push_str(FIRST_NAMES[c.first_name]);
        name.push(' ');
        name.push_str(LAST_NAMES[c.last_name]);
        ws.write_string(row, col(1), name.as_str())?;
        ws.write_string(row, col(2), SEGMENTS[c.segment])?;
        if messy {
            let kind = if SEGMENTS[c.segment].starts_with("B2B") {
                "Erhverv"
            } else {
                "Privat"
            };
            ws.write_string(row, EXTRA_COLUMN, kind)?;
        }

        let mut date = |ws: &mut Worksheet, column: u16, age: i64, as_text: bool| -> Result<()> {
            let serial = as_of - age;
            if messy && as_text {
                dotted_date(serial, &mut text);
                ws.write_string(row, column, text.as_str())?;
            } else {
                ws.write_number_with_format(row, column, serial as f64, &f.date)?;
            }
            Ok(())
        };
        if !c.prospect {
            date(ws, col(3), c.first_age, text_first)?;
            date(ws, col(4), c.recency, text_last)?;
        }
        ws.write_number(row, col(5), c.orders)?;
        if messy && text_revenue {
            let mut money = String::new();
            danish_money(c.revenue_cents, &mut money);
            ws.write_string(row, col(6), money)?;
        } else {
            ws.write_number_with_format(row, col(6), c.revenue_cents as f64 / 100.0, &f.money)?;
        }
        if let Some(age) = c.contact_age {
            date(ws, col(7), age, text_contact)?;
        }
        ws.write_number(row, col(8), c.complaints)?;
        if let Some(s) = c.satisfaction {
            ws.write_number(row, col(9), s)?;
        }
        ws.write_number(row, col(10), c.referrals)?;
        if let Some(s) = c.status {
            ws.write_string(row, col(11), STATUS_VALUES[s])?;
        }
        if let Some(r) = c.reason {
            ws.write_string(row, col(12), CHURN_REASONS[r])?;
        }
        if c.engaged != 0 {
            touch.clear();
            for (i, (t, _)) in ENGAGED.iter().enumerate() {
                if c.engaged & (1 << i) != 0 {
                    if !touch.is_empty() {
                        touch.push_str("; ");
                    }
                    touch.push_str(t);
                }
            }
            ws.write_string(row, col(13), touch.as_str())?;
        }
    }
    Ok(())
}

/// One row per order: first on first_purchase, last on last_purchase, the
/// rest uniformly between; amounts sum to the customer's revenue in cents.
fn write_orders_sheet(ws: &mut Worksheet, f: &Formats, args: &Args) -> Result<u64> {
    ws.set_name(if args.messy { "Ordrer" } else { "Orders" })?;
    let headers = if args.messy {
        ORDER_HEADERS_DK
    } else {
        ORDER_HEADERS
    };
    let header_row = write_header(ws, f, false, "", &headers)?;
    ws.set_column_width(0, 10.0)?;
    ws.set_column_width(1, 12.0)?;
    ws.set_column_width(2, 12.0)?;

    let as_of = as_of_serial();
    let mut people = Customers::new(args.seed);
    let mut r = rng(args.seed, STREAM_ORDERS);
    let mut id = String::new();
    let (mut dates, mut weights, mut cents) = (Vec::new(), Vec::new(), Vec::new());
    let mut row = header_row;
    for n in 1..=args.customers {
        let c = people.next();
        if c.orders == 0 {
            continue;
        }
        let k = c.orders as usize;
        let (first, last) = (as_of - c.first_age, as_of - c.recency);
        dates.clear();
        dates.push(first);
        if k > 1 {
            for _ in 2..k {
                dates.push(r.random_range(first..=last));
            }
            dates.push(last);
            dates.sort_unstable();
        }
        // Split the revenue: lognormal weights, floor to cents, the leftover
        // cents one each to the first orders.
        weights.clear();
        weights.extend((0..k).map(|_| (0.5 * normal(&mut r)).exp()));
        let total: f64 = weights.iter().sum();
        cents.clear();
        cents.extend(
            weights
                .iter()
                .map(|w| ((c.revenue_cents as f64) * w / total).floor() as i64),
        );
        let mut rest = c.revenue_cents - cents.iter().sum::<i64>();
        for a in cents.iter_mut() {
            if rest <= 0 {
                break;
            }
            *a += 1;
            rest -= 1;
        }
        debug_assert_eq!(cents.iter().sum::<i64>(), c.revenue_cents);

        customer_id(n, &mut id);
        for (d, a) in dates.iter().zip(&cents) {
            row += 1;
            check_row(row, "Orders")?;
            ws.write_string(row, 0, id.as_str())?;
            ws.write_number_with_format(row, 1, *d as f64, &f.date)?;
            ws.write_number_with_format(row, 2, *a as f64 / 100.0, &f.money)?;
        }
    }
    Ok(u64::from(row - header_row))
}

/// One row per touchpoint in each customer's touchpoints cell, dated within
/// the last year (not before the first purchase; prospects: last 180 days).
fn write_interactions_sheet(ws: &mut Worksheet, f: &Formats, args: &Args) -> Result<u64> {
    ws.set_name(if args.messy {
        "Interaktioner"
    } else {
        "Interactions"
    })?;
    let headers = if args.messy {
        INTERACTION_HEADERS_DK
    } else {
        INTERACTION_HEADERS
    };
    let header_row = write_header(ws, f, false, "", &headers)?;
    ws.set_column_width(0, 10.0)?;
    ws.set_column_width(1, 26.0)?;
    ws.set_column_width(2, 12.0)?;

    let as_of = as_of_serial();
    let mut people = Customers::new(args.seed);
    let mut r = rng(args.seed, STREAM_INTERACTIONS);
    let mut id = String::new();
    let mut row = header_row;
    for n in 1..=args.customers {
        let c = people.next();
        if c.engaged == 0 {
            continue;
        }
        let earliest = if c.prospect {
            as_of - 180
        } else {
            (as_of - c.first_age).max(as_of - 365)
        };
        customer_id(n, &mut id);
        for (i, (t, _)) in ENGAGED.iter().enumerate() {
            if c.engaged & (1 << i) == 0 {
                continue;
            }
            row += 1;
            check_row(row, "Interactions")?;
            ws.write_string(row, 0, id.as_str())?;
            ws.write_string(row, 1, *t)?;
            ws.write_number_with_format(row, 2, r.random_range(earliest..=as_of) as f64, &f.date)?;
        }
    }
    Ok(u64::from(row - header_row))
}

fn write_customers(path: &Path, dir: &Path, args: &Args) -> Result<Counts> {
    let f = Formats::new();
    let mut wb = new_workbook(dir, "Customers")?;
    write_customers_sheet(wb.add_worksheet_with_constant_memory()?, &f, args)?;
    let mut counts = Counts {
        orders: 0,
        interactions: 0,
    };
    if args.orders {
        counts.orders = write_orders_sheet(wb.add_worksheet_with_constant_memory()?, &f, args)?;
    }
    if args.interactions {
        counts.interactions =
            write_interactions_sheet(wb.add_worksheet_with_constant_memory()?, &f, args)?;
    }
    wb.save(path)
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(counts)
}

fn write_spend(path: &Path, dir: &Path, args: &Args) -> Result<()> {
    let f = Formats::new();
    let mut wb = new_workbook(dir, "Spend")?;
    let ws = wb.add_worksheet();
    let messy = args.messy;
    ws.set_name(if messy { "Budget" } else { "Spend" })?;
    let headers = if messy {
        SPEND_HEADERS_DK
    } else {
        SPEND_HEADERS
    };
    let header_row = write_header(
        ws,
        &f,
        messy,
        "Nordlys ApS — marketing spend 2026 H1",
        &headers,
    )?;
    let widths = [
        26.0, 18.0, 12.0, 12.0, 28.0, 12.0, 12.0, 10.0, 10.0, 10.0, 10.0, 10.0,
    ];
    for (i, w) in widths.iter().enumerate() {
        ws.set_column_width(i as u16, *w)?;
    }

    let n = f64::from(args.customers);
    let budget = 60.0 * n; // the marketing budget grows with the customer base
    let total_weight: f64 = TOUCHPOINTS.iter().map(|t| t.9).sum();
    let mut r = rng(args.seed, STREAM_SPEND);
    let yes_no = |b: bool| match (messy, b) {
        (true, true) => "ja",
        (true, false) => "nej",
        (false, true) => "yes",
        (false, false) => "no",
    };
    for (i, (name, p, objective, stage, channel, owner, cadence, pers, fb, weight)) in
        TOUCHPOINTS.iter().enumerate()
    {
        let row = header_row + 1 + i as u32;
        let spend = (budget * weight / total_weight / 10.0).round() * 10.0;
        let reach = (n * r.random_range(0.02..0.6)).floor();
        let responses = (reach * r.random_range(0.005..0.15)).floor();
        ws.write_string(row, 0, *name)?;
        ws.write_string(row, 1, *p)?;
        ws.write_number_with_format(row, 2, spend, &f.money0)?;
        ws.write_string(row, 3, *objective)?;
        ws.write_string(row, 4, *stage)?;
        ws.write_string(row, 5, *channel)?;
        ws.write_string(row, 6, *owner)?;
        if let Some(days) = cadence {
            ws.write_number(row, 7, *days)?;
        }
        ws.write_string(row, 8, yes_no(*pers))?;
        ws.write_string(row, 9, yes_no(*fb))?;
        ws.write_number(row, 10, reach)?;
        ws.write_number(row, 11, responses)?;
    }
    wb.save(path)
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

// ---------------------------------------------------------------- main

fn tmp_name(dir: &Path, name: &str) -> PathBuf {
    dir.join(format!(".{name}.tmp"))
}

fn run(args: &Args) -> Result<()> {
    let max_rows = EXCEL_MAX_ROW - if args.messy { 2 } else { 0 };
    if args.customers == 0 || args.customers > max_rows {
        bail!("--customers must be 1..={max_rows} (Excel's row limit less the header)");
    }
    // Orders average ~3.2 rows a customer, interactions ~2: stay clear of Excel's limit.
    if args.orders && args.customers > 300_000 {
        bail!(
            "--orders supports at most 300,000 customers (the Orders sheet would pass Excel's 1,048,576 rows)"
        );
    }
    if args.interactions && args.customers > 500_000 {
        bail!(
            "--interactions supports at most 500,000 customers (the sheet would pass Excel's 1,048,576 rows)"
        );
    }
    let dir = &args.out;
    fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;

    let t0 = Instant::now();
    let names = ["customers.xlsx", "spend.xlsx", "gen.json"];
    let tmps: Vec<PathBuf> = names.iter().map(|n| tmp_name(dir, n)).collect();
    let result = (|| -> Result<Counts> {
        let counts = write_customers(&tmps[0], dir, args)?;
        write_spend(&tmps[1], dir, args)?;
        let bytes = |p: &Path| fs::metadata(p).map(|m| m.len()).unwrap_or(0);
        let meta = serde_json::json!({
            "customers": args.customers,
            "seed": args.seed,
            "as_of": as_of_date().to_string(),
            "orders": args.orders,
            "interactions": args.interactions,
            "messy": args.messy,
            "rows": {
                "customers": args.customers,
                "spend": TOUCHPOINTS.len(),
                "orders": counts.orders,
                "interactions": counts.interactions,
            },
            "budget": 60 * u64::from(args.customers),
            "bytes": {
                "customers.xlsx": bytes(&tmps[0]),
                "spend.xlsx": bytes(&tmps[1]),
            },
            "generator": "examples/generate.rs",
        });
        let mut text = serde_json::to_string_pretty(&meta)?;
        text.push('\n');
        fs::write(&tmps[2], text)?;
        Ok(counts)
    })();
    let counts = match result {
        Ok(c) => c,
        Err(e) => {
            for t in &tmps {
                let _ = fs::remove_file(t);
            }
            return Err(e);
        }
    };
    for (t, n) in tmps.iter().zip(names) {
        fs::rename(t, dir.join(n)).with_context(|| format!("renaming {} to {n}", t.display()))?;
    }

    let mut extra = String::new();
    if args.orders {
        extra.push_str(&format!(", {} orders", counts.orders));
    }
    if args.interactions {
        extra.push_str(&format!(", {} interactions", counts.interactions));
    }
    if args.messy {
        extra.push_str(", messy");
    }
    let size = fs::metadata(dir.join("customers.xlsx"))
        .map(|m| m.len())
        .unwrap_or(0);
    eprintln!(
        "generate: {} customers{extra} (seed {}) -> {} in {:.1}s; customers.xlsx {:.1} MB",
        args.customers,
        args.seed,
        dir.display(),
        t0.elapsed().as_secs_f64(),
        size as f64 / 1e6
    );
    Ok(())
}

fn main() {
    let args = Args::parse();
    if let Err(e) = run(&args) {
        eprintln!("generate: error: {e:#}");
        std::process::exit(1);
    }
}
